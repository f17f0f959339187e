/**
 * When the workflow looks at a subscriber's status again: the one place the polling is tuned.
 *
 * The task that checks the status computes the next wait and returns it as `waitSeconds`; the state machine's Wait state
 * reads it with `SecondsPath`. Nothing about timing lives in the state machine definition itself.
 *
 * Two regimes:
 * - `provisioning` / `updating` (Webex is working): the gap between checks grows with the time already spent in that
 *   status, `gap = max(minGap, growth × elapsed)`, capped. With growth 0.1 and minGap 15 s, a change is detected at most
 *   `max(10% of the time it took, 15 s)` after it happened, for ANY duration, with the fewest checks that guarantee it
 *   (each gap is the largest the bound allows).
 * - `pending_*` (a person has to act; may last days): the same shape, slower (1 min growing to 1 h), so a subscriber
 *   that waits on a person until the 29-day deadline costs about 740 checks: under 7,000 of Step Functions' 25,000
 *   history events (each check is a Wait and a `Check status` task in the history) and about $0.06 per order. A
 *   person's action is seen within max(10 % of the time already spent waiting, 1 min), and never later than 1 h.
 *
 * Every wait is also cut short so that the check lands on the deadline and on the consent-resend time.
 */
import { PENDING_STATUSES, type SubscriberStatus } from '../contract/fields';

export interface PollRegime {
  /** First gap and smallest gap, in seconds. */
  minGapSeconds: number;
  /** The gap grows to this share of the time already spent in the status. */
  growth: number;
  /** Largest gap, in seconds. */
  maxGapSeconds: number;
}

export interface PollTuning {
  /** While Webex works (`provisioning`, `updating`). */
  active: PollRegime;
  /** While a person has to act (`pending_*`). */
  pending: PollRegime;
}

export const POLL_TUNING: PollTuning = {
  active: { minGapSeconds: 15, growth: 0.1, maxGapSeconds: 300 },
  pending: { minGapSeconds: 60, growth: 0.1, maxGapSeconds: 3600 },
};

export function isPendingStatus(status: SubscriberStatus): boolean {
  return (PENDING_STATUSES as readonly string[]).includes(status);
}

/** Seconds until the next status check for a subscriber that has been in `status` for `elapsedSeconds`. */
export function pollGapSeconds(status: SubscriberStatus, elapsedSeconds: number, tuning: PollTuning = POLL_TUNING) {
  const regime = isPendingStatus(status) ? tuning.pending : tuning.active;
  const grown = Math.floor(regime.growth * Math.max(0, elapsedSeconds));
  return Math.min(regime.maxGapSeconds, Math.max(regime.minGapSeconds, grown));
}

export interface NextCheckInput {
  status: SubscriberStatus;
  /** Seconds the subscriber has been in `status`. */
  elapsedSeconds: number;
  /** Seconds left until the order's deadline (positive). */
  secondsToDeadline: number;
  /** Seconds left until the consent email is due to be resent, when a resend is still planned. */
  secondsToConsentResend?: number | undefined;
}

/** The `waitSeconds` a status check returns: a whole number of seconds, at least 1. */
export function planNextCheck(input: NextCheckInput, tuning: PollTuning = POLL_TUNING): number {
  let wait = pollGapSeconds(input.status, input.elapsedSeconds, tuning);
  wait = Math.min(wait, Math.ceil(input.secondsToDeadline));
  if (input.secondsToConsentResend !== undefined) wait = Math.min(wait, Math.ceil(input.secondsToConsentResend));
  return Math.max(1, wait);
}

export interface PollEvaluation {
  /** Status checks until the change was seen. */
  statusChecks: number;
  /** Webex calls of the whole order: precheck, provision and the status checks. */
  webexCalls: number;
  /** Seconds between the change and the check that saw it. */
  detectionDelaySeconds: number;
  /** `webexCalls` divided by the minimum of 3 (precheck, provision, one status check). */
  costRatio: number;
}

/**
 * What the policy costs for a subscriber that leaves `status` after `provisioningSeconds` (checks assumed
 * instantaneous): used by the tests and by the benchmark that measures the policy against the real workflow.
 */
export function evaluatePollPolicy(
  provisioningSeconds: number,
  tuning: PollTuning = POLL_TUNING,
  status: SubscriberStatus = 'provisioning',
): PollEvaluation {
  let elapsed = 0;
  let statusChecks = 0;
  const farDeadline = Number.MAX_SAFE_INTEGER;
  while (statusChecks < 100_000) {
    elapsed += planNextCheck({ status, elapsedSeconds: elapsed, secondsToDeadline: farDeadline }, tuning);
    statusChecks += 1;
    if (elapsed >= provisioningSeconds) break;
  }
  const webexCalls = statusChecks + 2;
  return {
    statusChecks,
    webexCalls,
    detectionDelaySeconds: elapsed - provisioningSeconds,
    costRatio: webexCalls / 3,
  };
}
