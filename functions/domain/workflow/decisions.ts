/**
 * What the workflow does next, from the subscriber's status and the clock: succeed, fail, resend the consent email,
 * check again after a Wait (how long: the poll policy), or give up at the deadline.
 */

import type { SubscriberStatus, WebexErrorItem } from '../contract/fields';
import { ERROR_CODES, STATUS_SWEEP } from '../contract/rules';
import type { Subscriber } from '../contract/subscriber';
import { isPendingStatus, POLL_TUNING, planNextCheck } from './poll-policy';
import { WORKFLOW_LIMITS, type WorkflowState } from './state';
import { audit, stepId } from './step-audit';
import type { AuditOnlyWorkflowDeps } from './step-deps';
import { fail, observe, settled, succeed, type Throttle, throttled } from './transitions';

export function deadlinePassed(deps: AuditOnlyWorkflowDeps, state: WorkflowState): boolean {
  return deps.clock.now() >= Date.parse(state.deadlineAt);
}

/**
 * Webex answered 429/423: wait exactly Retry-After and run the same task again — unless the order's deadline has
 * passed, so a Webex that throttles forever ends the order with ProvisioningTimedOut at any step, not only while polling.
 */
export async function throttledOrTimedOut(
  deps: AuditOnlyWorkflowDeps,
  state: WorkflowState,
  throttle: Throttle,
  extra: Partial<WorkflowState> = {},
): Promise<WorkflowState> {
  if (deadlinePassed(deps, state)) {
    return fail(deps, state, 'ProvisioningTimedOut', { detail: 'Webex kept throttling until the deadline.' });
  }
  if (state.checks >= WORKFLOW_LIMITS.maxStatusChecks) {
    return fail(deps, state, 'ProvisioningTimedOut', { detail: 'Too many status checks for one execution.' });
  }
  return { ...throttled(state, throttle), ...extra };
}

/** Poll again later, or give up at the deadline. */
export async function pollLater(deps: AuditOnlyWorkflowDeps, state: WorkflowState): Promise<WorkflowState> {
  const status: SubscriberStatus = state.phase?.status ?? state.lastStatus ?? 'provisioning';
  if (deadlinePassed(deps, state)) {
    return fail(deps, state, 'ProvisioningTimedOut', { detail: 'The deadline passed before a final status.' });
  }
  if (state.checks >= WORKFLOW_LIMITS.maxStatusChecks) {
    return fail(deps, state, 'ProvisioningTimedOut', { detail: 'Too many status checks for one execution.' });
  }
  const now = deps.clock.now();
  const since = state.phase ? Date.parse(state.phase.since) : now;
  const resendAfter = consentResendAfterSeconds(state);
  const waitSeconds = planNextCheck(
    {
      status,
      elapsedSeconds: (now - since) / 1000,
      secondsToDeadline: (Date.parse(state.deadlineAt) - now) / 1000,
      secondsToConsentResend: resendAfter === undefined ? undefined : (since + resendAfter * 1000 - now) / 1000,
    },
    deps.tuning ?? POLL_TUNING,
  );
  return { ...settled(state), route: 'poll', waitSeconds };
}

/** Seconds after entering pending_user_migration at which the consent email is resent, while one is still due. */
export function consentResendAfterSeconds(state: WorkflowState): number | undefined {
  const after = state.order?.options?.resendConsentAfterSeconds;
  if (after === undefined || state.consentResentAt !== undefined) return undefined;
  return state.phase?.status === 'pending_user_migration' ? after : undefined;
}

export function consentResendDue(deps: AuditOnlyWorkflowDeps, state: WorkflowState): boolean {
  const after = consentResendAfterSeconds(state);
  if (after === undefined || !state.phase) return false;
  return deps.clock.now() - Date.parse(state.phase.since) >= after * 1000;
}

export function backgroundErrorsAsItems(subscriber: Subscriber): WebexErrorItem[] {
  return (subscriber.errors ?? []).map((e) => ({ errorCode: e.errorCode, description: e.description }));
}

/** Whether Webex failed the subscriber as a duplicate: the order's userId is taken (background error 10022). */
export function isDuplicateFailure(subscriber: Subscriber): boolean {
  return (
    subscriber.status === 'error' && (subscriber.errors ?? []).some((e) => e.errorCode === ERROR_CODES.userIdInUse)
  );
}

/**
 * Decide what follows from the subscriber's status. A duplicate in error fails here: adopting the order's own
 * subscriber instead is `evaluateOrAdopt` (adoption.ts).
 */
export async function evaluate(
  deps: AuditOnlyWorkflowDeps,
  state: WorkflowState,
  subscriber: Subscriber,
): Promise<WorkflowState> {
  const enteringPhase = state.phase?.status !== subscriber.status || state.subscriberId !== subscriber.id;
  const next = await observe(deps, state, subscriber);
  switch (subscriber.status) {
    case 'provisioned':
      return succeed(deps, next, subscriber);
    case 'error':
      return fail(deps, next, 'ProvisioningFailed', { errors: backgroundErrorsAsItems(subscriber) });
    default:
      if (isPendingStatus(subscriber.status) && enteringPhase) {
        await audit(deps, next, {
          id: stepId(next, 'awaitPerson', subscriber.status, subscriber.lastStatusChange),
          action: 'orderStep',
          step: 'awaitPerson',
          subscriberId: subscriber.id,
          status: { to: subscriber.status },
          outcome: { result: 'success' },
          detail: `slow polling while ${subscriber.status}`,
        });
      }
      if (consentResendDue(deps, next) && !deadlinePassed(deps, next)) {
        return { ...settled(next), route: 'resendConsent' };
      }
      return pollLater(deps, next);
  }
}

/**
 * Whether `Check status` asks Webex itself despite a fresh sweeper record: the sweeper's List never shows a removed
 * subscriber, so a Get now and then (`STATUS_SWEEP.verifyAfterSeconds`, then gaps as long as the execution's age at the
 * last answer) is what sees a subscriber that vanished. The Provision's answer counts as the first (`startedAt`).
 */
export function verificationDue(deps: AuditOnlyWorkflowDeps, state: WorkflowState): boolean {
  const started = Date.parse(state.startedAt);
  const last = state.verifiedAt === undefined ? started : Date.parse(state.verifiedAt);
  const gapMs = Math.max(STATUS_SWEEP.verifyAfterSeconds * 1000, last - started);
  return deps.clock.now() - last >= gapMs;
}

/**
 * The check read information `ageSeconds` old (the sweeper's record): a change right after it is seen only at the next
 * check, so the next check comes that much sooner (`waitSeconds`, the loop's Wait) and the detection delay stays within
 * the poll policy's bound.
 */
export function checkSooner(state: WorkflowState, ageSeconds: number): WorkflowState {
  if (state.route !== 'poll' || state.waitSeconds === undefined || ageSeconds <= 0) return state;
  return { ...state, waitSeconds: Math.max(1, state.waitSeconds - ageSeconds) };
}
