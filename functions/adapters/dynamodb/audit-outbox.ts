/**
 * The audit table as a transactional outbox for API Provision/Update: the success record of the mutation carries the
 * request to follow the subscriber with the workflow (`follow`), written in the same single-item conditional put as the
 * record itself. The table's stream (NEW_IMAGE) hands every new item that carries one to the follow-up consumer
 * (`functions/streams/follow-subscribers.ts`), which starts the tracking execution. A crash after the audit write can no
 * longer lose the tracking, and the API functions carry no Step Functions client.
 *
 * Pure data and pure functions (no AWS SDK import): CDK builds the event source mapping's filter from `FOLLOW_FILTER`,
 * the local stream emulator applies the same pattern, and the consumer reads the request with `followRequestOf`.
 */
import type { TrackSubscriberInput } from '../../domain/ports/workflow';

/** The attribute holding the follow-up request on an audit item. */
export const FOLLOW_ATTRIBUTE = 'follow';

const FOLLOW_FIELDS = ['subscriberId', 'reason', 'trackingId', 'requestId', 'actor'] as const;
const FOLLOW_REASONS: ReadonlySet<string> = new Set<TrackSubscriberInput['reason']>(['provision', 'update']);

/**
 * The event filter (Lambda event filtering syntax): only new audit items that carry a follow-up request reach the
 * consumer. Every other audit write (failures, precheck, remove, workflow steps) never invokes it.
 */
export const FOLLOW_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { [FOLLOW_ATTRIBUTE]: { M: { subscriberId: { S: [{ exists: true }] } } } } },
} as const;

/** A DynamoDB attribute value as stream records carry it (only the shapes the outbox reads). */
export type StreamAttributeValue = { S?: string; M?: Record<string, StreamAttributeValue> } & Record<string, unknown>;

/** The follow-up request of a stream record's new image; `undefined` when it has none or it is malformed. */
export function followRequestOf(
  image: Record<string, StreamAttributeValue> | undefined,
): TrackSubscriberInput | undefined {
  const map = image?.[FOLLOW_ATTRIBUTE]?.M;
  if (map === undefined) return undefined;
  const values: Record<string, string> = {};
  for (const field of FOLLOW_FIELDS) {
    const value = map[field]?.S;
    if (typeof value !== 'string' || value === '') return undefined;
    values[field] = value;
  }
  if (!FOLLOW_REASONS.has(values.reason as string)) return undefined;
  return values as unknown as TrackSubscriberInput;
}
