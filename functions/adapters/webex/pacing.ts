/**
 * The pacing port of the Webex client: before every request it asks a `WebexPacer` for a token, and after a 429 it tells
 * it to stop everyone until Retry-After. The rules (rate, lanes, reserve, bursts, tickets) are `WEBEX_PACING` in
 * `domain/contract/rules.ts`; `pacingPlan` turns them into the two lanes' GCRA parameters. The shared implementation is
 * the DynamoDB token bucket (`adapters/dynamodb/webex-pacer.ts`); the domain never sees any of this beyond a lane name
 * and an opaque ticket it carries in the workflow state.
 */
import { WEBEX_PACING } from '../../domain/contract/rules';
import { ConfigurationError } from '../../domain/errors';
import type { PacingLane } from '../../domain/ports/webex';

export type { PacingLane };

/** What a pacer answers: go now, go at a slot reserved for this caller, or no slot within the caller's wait. */
export type PacingGrant = { kind: 'go' } | { kind: 'slot'; at: number } | { kind: 'denied'; retryAt: number };

export interface WebexPacer {
  /** One request of `lane`; a slot is reserved only when it is at most `maxWaitMs` away. */
  acquire(lane: PacingLane, maxWaitMs: number): Promise<PacingGrant>;
  /** Webex answered 429: no lane starts a request before `untilMs` (epoch ms). */
  park(untilMs: number): Promise<void>;
}

/** One lane as a generic cell rate algorithm: a request every `intervalMs`, `toleranceMs` of burst. */
export interface LanePlan {
  requestsPerSecond: number;
  intervalMs: number;
  /** (burst capacity − 1) × interval. */
  toleranceMs: number;
}

export interface PacingPlan {
  requestsPerSecond: number;
  priority: LanePlan;
  bulk: LanePlan;
}

function lane(requestsPerSecond: number, minCapacity: number): LanePlan {
  const intervalMs = 1000 / requestsPerSecond;
  const capacity = Math.max(minCapacity, Math.floor(requestsPerSecond * WEBEX_PACING.burstSeconds));
  return { requestsPerSecond, intervalMs, toleranceMs: (capacity - 1) * intervalMs };
}

/** The two lanes for a total rate: the priority reserve and what is left for bulk; together exactly the rate. */
export function pacingPlan(requestsPerSecond: number): PacingPlan {
  if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond)) {
    throw new ConfigurationError('The Webex rate limit must be a positive number of requests per second');
  }
  const half = requestsPerSecond / 2;
  const reserve = Math.min(
    half,
    Math.max(
      requestsPerSecond * WEBEX_PACING.priorityReserveShare,
      Math.min(WEBEX_PACING.priorityReserveMinPerSecond, half),
    ),
  );
  // The reserve holds at least two tokens: bulk borrows only a full reserve, and one token is always left for a caller.
  return { requestsPerSecond, priority: lane(reserve, 2), bulk: lane(requestsPerSecond - reserve, 1) };
}
