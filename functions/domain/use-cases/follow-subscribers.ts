/**
 * The consumer side of the tracking outbox: start following, in order, each subscriber whose API Provision/Update
 * asked for it. Stops at the first request that cannot be started and names it, so the stream retries from there (the
 * ones before it are done; a repeated start is harmless: the execution name is deterministic).
 */
import type { Logger } from '../../shared/logger';
import type { SubscriberTracker, TrackSubscriberInput } from '../ports/workflow';

export interface FollowRequestItem {
  /** The stream record's id (its sequence number): what a retry starts from. */
  id: string;
  /** The request, or `undefined` when the record carries none that is well formed. */
  request: TrackSubscriberInput | undefined;
}

/** Returns the id of the first item that failed (to retry from it), or `undefined` when every item was handled. */
export async function followSubscribers(
  deps: { tracker: SubscriberTracker; logger: Logger },
  items: readonly FollowRequestItem[],
): Promise<string | undefined> {
  for (const item of items) {
    if (item.request === undefined) {
      // Never dropped silently: it fails, is retried, and lands in the dead-letter queue with an alarm.
      deps.logger.error('a follow-up request on the audit stream is malformed', { recordId: item.id });
      return item.id;
    }
    try {
      await deps.tracker.trackSubscriber(item.request);
    } catch (error) {
      deps.logger.warn('could not start following the subscriber with the workflow; the stream retries', {
        recordId: item.id,
        subscriberId: item.request.subscriberId,
        reason: item.request.reason,
        errorName: error instanceof Error ? error.name : typeof error,
        errorMessage: error instanceof Error ? error.message : undefined,
      });
      return item.id;
    }
  }
  return undefined;
}
