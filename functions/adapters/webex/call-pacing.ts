/**
 * Pacing of Webex calls (`pacing.ts`, rules `WEBEX_PACING`): before every attempt the call takes a token of its lane
 * (`priority` for callers that wait, `bulk` for those that hand waits back); after a 429 the pacer is parked until
 * Retry-After. A pacer that fails is logged and skipped: Webex's own 429 still holds.
 */
import { WEBEX_PACING } from '../../domain/contract/rules';
import { UpstreamThrottledError } from '../../domain/errors';
import type { Clock } from '../../domain/ports/clock';
import type { WebexCallOptions } from '../../domain/ports/webex';
import type { Logger } from '../../shared/logger';
import type { WebexPacer } from './pacing';

/** The pacer (none: no pacing) and the clock its waits run on. */
export interface Pacing {
  pacer: WebexPacer | undefined;
  clock: Clock;
}

/**
 * Take a token of the call's lane before an attempt: return when the attempt may go (after a short sleep when its
 * slot is near), or throw `UpstreamThrottledError` (status 429) with the wait, and the reserved slot if there is one.
 */
export async function paceAttempt(
  pacing: Pacing,
  options: WebexCallOptions,
  deadline: number,
  first: boolean,
  log: Logger,
): Promise<void> {
  const { pacer, clock } = pacing;
  if (!pacer) return;
  const now = clock.now();
  const handsBack = options.onThrottle === 'throw';
  const paid = options.paidSlotAt;
  if (first && paid !== undefined) {
    if (now >= paid - WEBEX_PACING.ticketEarlyMs && now <= paid + WEBEX_PACING.ticketValidityMs) return;
    if (now < paid && paid - now <= WEBEX_PACING.taskInlineWaitMs) {
      await clock.sleep(paid - now);
      return;
    }
  }
  const lane = options.lane ?? (handsBack ? 'bulk' : 'priority');
  const maxWaitMs =
    lane === 'priority'
      ? Math.max(0, Math.min(WEBEX_PACING.priorityMaxWaitMs, deadline - now - 1))
      : WEBEX_PACING.bulkQueueHorizonSeconds * 1000;
  let grant: Awaited<ReturnType<WebexPacer['acquire']>>;
  try {
    grant = await pacer.acquire(lane, maxWaitMs);
  } catch (error) {
    log.warn('the pacer could not be reached; calling Webex unpaced', { error });
    return;
  }
  if (grant.kind === 'go') return;
  // Waits count from the grant, not from before it: the acquire itself takes time.
  const grantedAt = clock.now();
  if (grant.kind === 'slot') {
    const waitMs = grant.at - grantedAt;
    const inline = handsBack ? WEBEX_PACING.taskInlineWaitMs : maxWaitMs;
    if (waitMs <= inline && grantedAt + waitMs < deadline) {
      await clock.sleep(Math.max(0, waitMs));
      return;
    }
    // A task waits whole seconds in the state machine: it is handed back the whole seconds BEFORE its slot and sleeps
    // the rest when it comes back with the ticket, so it reaches Webex at its slot, not up to a second after it
    // (a second of tickets arriving together would overrun Webex's one-second bucket). An API caller is told the
    // seconds until the slot, rounded up, as Webex's Retry-After is.
    const retryAfterSeconds = handsBack ? Math.floor(waitMs / 1000) : Math.ceil(waitMs / 1000);
    throw new UpstreamThrottledError('Webex calls are paced: this call has a slot later.', {
      status: 429,
      retryAfterSeconds: Math.max(1, retryAfterSeconds),
      slotAt: grant.at,
    });
  }
  throw new UpstreamThrottledError('Too many requests to Webex right now: retry later.', {
    status: 429,
    retryAfterSeconds: Math.max(1, Math.ceil((grant.retryAt - grantedAt) / 1000)),
  });
}

/** Webex said 429: nobody of this deployment calls again before Retry-After. */
export async function parkPacer(pacing: Pacing, retryAfterSeconds: number, log: Logger): Promise<void> {
  const { pacer, clock } = pacing;
  if (!pacer) return;
  try {
    await pacer.park(clock.now() + retryAfterSeconds * 1000);
  } catch (error) {
    log.warn('the pacer could not be parked after a 429', { error });
  }
}
