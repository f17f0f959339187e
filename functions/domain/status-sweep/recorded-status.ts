/**
 * What `Check status` takes from the status sweeper's records instead of a Get: the latest status the sweeper saw, when
 * it can be trusted — the last complete sweep is at most `STATUS_SWEEP.maxRecordAgeSeconds` old, and the record is not
 * older than what the workflow already knows (its own Provision's answer may be newer than the last sweep). Anything
 * else is stale and the check falls back to one Get.
 */
import { STATUS_SWEEP } from '../contract/rules';
import type { Subscriber } from '../contract/subscriber';
import type { StatusRecordReader } from '../ports/status-records';

export type RecordedStatusUse =
  | {
      kind: 'fresh';
      subscriber: Subscriber /** How old the information is (whole seconds, rounded up). */;
      ageSeconds: number;
    }
  | { kind: 'stale'; reason: 'no-sweep' | 'old-sweep' | 'no-record' | 'behind' | 'unreadable' };

export async function recordedStatus(
  reader: StatusRecordReader,
  subscriberId: string,
  known: { lastStatusChange?: string | undefined },
  now: number,
): Promise<RecordedStatusUse> {
  let recorded: Awaited<ReturnType<StatusRecordReader['read']>>;
  try {
    recorded = await reader.read(subscriberId);
  } catch {
    return { kind: 'stale', reason: 'unreadable' };
  }
  const { latest, sweptThroughMs } = recorded;
  if (sweptThroughMs === undefined) return { kind: 'stale', reason: 'no-sweep' };
  const ageMs = Math.max(0, now - sweptThroughMs);
  if (ageMs > STATUS_SWEEP.maxRecordAgeSeconds * 1000) return { kind: 'stale', reason: 'old-sweep' };
  if (!latest) return { kind: 'stale', reason: 'no-record' };
  const knownAt = known.lastStatusChange === undefined ? Number.NaN : Date.parse(known.lastStatusChange);
  if (!Number.isNaN(knownAt) && latest.lastStatusChangeMs < knownAt) return { kind: 'stale', reason: 'behind' };
  return { kind: 'fresh', subscriber: latest.subscriber, ageSeconds: Math.ceil(ageMs / 1000) };
}
