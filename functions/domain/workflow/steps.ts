/**
 * The provisioning workflow's steps, one function per task Lambda. Pure: ports in, the next workflow state out.
 *
 * Each step receives the whole workflow state and returns the whole next state (see `state.ts`). Every step and every
 * status change it sees is one audit record with a deterministic id (`step-audit.ts`), so a step that Step Functions
 * retries never writes a record twice. What follows a status is decided in `decisions.ts`, a taken userId in
 * `adoption.ts`.
 */
import { auditId, describeChanges } from '../audit';
import { compact, type SubscriberStatus, type WebexErrorItem } from '../contract/fields';
import { OrderSchema } from '../contract/order';
import type { PrecheckRequest } from '../contract/precheck-request';
import type { ProvisionRequest } from '../contract/provision-request';
import { ERROR_CODES } from '../contract/rules';
import { issuesToErrorItems } from '../contract/validation';
import type { AuditRecord } from '../ports/audit';
import { recordedStatus } from '../status-sweep/recorded-status';
import { adopt, evaluateOrAdopt, isUserIdInUse } from './adoption';
import { attemptOf } from './attempts';
import { checkSooner, pollLater, throttledOrTimedOut, verificationDue } from './decisions';
import { type CaughtPayload, readCaughtState, readTracking, type StartPayload } from './payloads';
import { type FailureName, type Tracking, WORKFLOW_LIMITS, type WorkflowState } from './state';
import { audit, auditRejection, errorCodesOf, markProvisionAttempt, stepId } from './step-audit';
import type { AuditOnlyWorkflowDeps, TrackingDeps, WorkflowDeps } from './step-deps';
import { isTransientTaskError, WorkflowTaskError } from './task-errors';
import { iso } from './timestamps';
import { fail, removedWhileTracked, settled } from './transitions';
import { callOptions, callWebex } from './webex-call';

/** ValidateOrder: a bad order fails at once with InvalidOrder and the validation errors (Webex items). */
export async function validateOrderStep(deps: AuditOnlyWorkflowDeps, payload: StartPayload): Promise<WorkflowState> {
  const now = deps.clock.now();
  const { input, executionName } = payload;
  const parsed = OrderSchema.safeParse(input);
  const errors: WebexErrorItem[] = parsed.success ? [] : issuesToErrorItems(parsed.error.issues, input);
  const deadlineSeconds = parsed.success
    ? (parsed.data.options?.deadlineSeconds ?? WORKFLOW_LIMITS.defaultDeadlineSeconds)
    : WORKFLOW_LIMITS.defaultDeadlineSeconds;
  const attempt = parsed.success ? attemptOf(parsed.data.orderId, executionName) : undefined;
  if (parsed.success && attempt === undefined) {
    errors.push({
      description: 'orderId must be the execution name (start the execution with the orderId as its name)',
      errorCode: ERROR_CODES.invalidValue,
      fieldName: 'orderId',
    });
  }
  const state: WorkflowState = {
    kind: 'order',
    ref: parsed.success && attempt !== undefined ? parsed.data.orderId : executionName,
    ...(attempt !== undefined && attempt > 1 ? { attempt } : {}),
    startedAt: iso(now),
    deadlineAt: iso(now + deadlineSeconds * 1000),
    checks: 0,
    route: 'precheck',
    throttled: false,
  };
  if (!parsed.success || errors.length > 0) {
    await audit(deps, state, {
      id: stepId(state, 'validateOrder'),
      action: 'orderStep',
      step: 'validateOrder',
      outcome: compact({ result: 'failure' as const, statusCode: 400, errorCodes: errorCodesOf(errors) }),
      detail: 'InvalidOrder',
    });
    return fail(deps, state, 'InvalidOrder', { errors });
  }
  const order = parsed.data;
  await audit(deps, state, {
    id: stepId(state, 'validateOrder'),
    action: 'orderStep',
    step: 'validateOrder',
    changes: describeChanges(order.subscriber, deps.digester),
    outcome: { result: 'success' },
  });
  return { ...state, order };
}

/**
 * Whether a tracking input is what this service's outbox asks for: the API call's own audit record (its id derived from
 * the request id and the reason) exists, succeeded, and names the same subscriber, trackingId and actor. Anyone with
 * `states:StartExecution` can send any input; only an order, or a tracking of a real API call, passes.
 */
async function isServiceTracking(deps: TrackingDeps, tracking: Tracking): Promise<boolean> {
  let record: AuditRecord | undefined;
  try {
    record = await deps.lookup.get(auditId(tracking.requestId, tracking.reason));
  } catch (error) {
    deps.logger?.error('audit read failed', { step: 'track', error });
    throw new WorkflowTaskError('AuditUnavailable', 'The audit trail could not be read.');
  }
  return (
    record !== undefined &&
    record.action === tracking.reason &&
    record.outcome.result === 'success' &&
    record.subscriberId === tracking.subscriberId &&
    record.trackingId === tracking.trackingId &&
    record.actor === tracking.actor
  );
}

/** StartTracking: an API Provision or Update is followed from the polling stage on. */
export async function startTrackingStep(deps: TrackingDeps, payload: StartPayload): Promise<WorkflowState> {
  const now = deps.clock.now();
  const { tracking, errors: trackingErrors } = readTracking(payload.input);
  const state: WorkflowState = {
    kind: 'tracking',
    ref: payload.executionName,
    ...(tracking ? { tracking, subscriberId: tracking.subscriberId } : {}),
    startedAt: iso(now),
    deadlineAt: iso(now + WORKFLOW_LIMITS.defaultDeadlineSeconds * 1000),
    checks: 0,
    route: 'poll',
    throttled: false,
  };
  if (!tracking) return fail(deps, state, 'InvalidOrder', { errors: trackingErrors });
  if (!(await isServiceTracking(deps, tracking))) {
    // Not this service's: nothing of it reaches the subscriber's trail (no subscriberId, not its trackingId).
    const refused: WorkflowState = { ...state };
    delete refused.tracking;
    delete refused.subscriberId;
    return fail(deps, refused, 'InvalidOrder', {
      errors: [
        {
          description: 'tracking is started by this service only: no API call of this service matches it',
          errorCode: ERROR_CODES.invalidValue,
          fieldName: 'tracking',
        },
      ],
    });
  }
  const status: SubscriberStatus = tracking.reason === 'update' ? 'updating' : 'provisioning';
  await audit(deps, state, {
    id: stepId(state, 'track'),
    action: 'orderStep',
    step: 'track',
    subscriberId: tracking.subscriberId,
    status: { to: status },
    outcome: { result: 'success' },
    detail: `following the subscriber after an API ${tracking.reason}`,
  });
  return pollLater(deps, { ...state, lastStatus: status, phase: { status, since: iso(now) } });
}

/** Precheck (with customerInfo when the order has it). Webex's precheck needs an email: without one it is skipped. */
export async function precheckStep(deps: WorkflowDeps, state: WorkflowState): Promise<WorkflowState> {
  const order = state.order;
  if (!order) throw new WorkflowTaskError('InvalidWorkflowState', 'Precheck needs the order.');
  if (state.adopting) return adopt(deps, state, state.adopting);
  const { email } = order.subscriber;
  if (email === undefined) {
    await audit(deps, state, {
      id: stepId(state, 'precheck'),
      action: 'orderStep',
      step: 'precheck',
      outcome: { result: 'success' },
      detail: 'skipped: the order has no email, which the Webex precheck requires',
    });
    return { ...settled(state), route: 'provision' };
  }
  const body: PrecheckRequest = compact({ ...order.subscriber, email });
  const options = callOptions(deps, state, 'precheck');
  const outcome = await callWebex((o) => deps.webex.precheck(body, o), options);
  if (outcome.kind === 'throttled') return throttledOrTimedOut(deps, state, outcome);
  if (outcome.kind === 'rejected') {
    await auditRejection(deps, state, 'precheck', outcome.rejection, options.trackingId);
    // The userId is taken: the order's own subscriber from an earlier attempt, or a conflict.
    if (isUserIdInUse(outcome.rejection)) {
      return adopt(deps, state, { reason: '409', errors: outcome.rejection.errors });
    }
    return fail(deps, state, 'PrecheckFailed', { errors: outcome.rejection.errors });
  }
  const infoCodes = outcome.value.info.map((i) => i.infoCode).join(',');
  await audit(deps, state, {
    id: stepId(state, 'precheck'),
    action: 'orderStep',
    step: 'precheck',
    outcome: { result: 'success', statusCode: 200 },
    detail: `precheck ${outcome.value.message}${infoCodes ? ` (info ${infoCodes})` : ''}`,
    trackingId: options.trackingId,
    webexTrackingId: outcome.webexTrackingId,
  });
  return { ...settled(state), route: 'provision' };
}

/** Provision; a 409 for the order's userId adopts the existing subscriber only when it is provably the order's own. */
export async function provisionStep(deps: WorkflowDeps, state: WorkflowState): Promise<WorkflowState> {
  const order = state.order;
  if (!order) throw new WorkflowTaskError('InvalidWorkflowState', 'Provision needs the order.');
  if (state.adopting) return adopt(deps, state, state.adopting);
  const { customerInfo: _customerInfo, ...fields } = order.subscriber;
  const body: ProvisionRequest = compact(fields);
  const first = await markProvisionAttempt(deps, state, order.orderId);
  const attempt: WorkflowState = first ? state : { ...state, provisionRepeated: true };
  const options = callOptions(deps, state, 'provision');
  const outcome = await callWebex((o) => deps.webex.provision(body, o), options);
  if (outcome.kind === 'throttled') return throttledOrTimedOut(deps, attempt, outcome);
  if (outcome.kind === 'rejected') {
    const { rejection } = outcome;
    if (rejection.status === 409) return adopt(deps, attempt, { reason: '409', errors: rejection.errors });
    await auditRejection(deps, state, 'provision', rejection, options.trackingId);
    return fail(deps, state, 'ProvisioningFailed', { errors: rejection.errors });
  }
  const subscriber = outcome.value;
  await audit(deps, state, {
    id: stepId(state, 'provision'),
    action: 'orderStep',
    step: 'provision',
    subscriberId: subscriber.id,
    changes: describeChanges(body, deps.digester),
    status: { to: subscriber.status },
    outcome: { result: 'success', statusCode: 200 },
    trackingId: options.trackingId,
    webexTrackingId: outcome.webexTrackingId,
  });
  return evaluateOrAdopt(deps, attempt, subscriber);
}

/** CheckStatus: one Get, then the decision (done, failed, adopt on 10022, resend consent, or wait again). */
export async function checkStatusStep(deps: WorkflowDeps, state: WorkflowState): Promise<WorkflowState> {
  const subscriberId = state.subscriberId;
  if (!subscriberId) throw new WorkflowTaskError('InvalidWorkflowState', 'CheckStatus needs a subscriberId.');
  if (state.adopting) return adopt(deps, state, state.adopting);
  if (deps.statusRecords && !verificationDue(deps, state)) {
    const recorded = await recordedStatus(deps.statusRecords, subscriberId, state, deps.clock.now());
    if (recorded.kind === 'fresh') {
      // A change the sweeper recorded is audited here, where the order is known (its trail shows it).
      const next = await evaluateOrAdopt(deps, { ...state, checks: state.checks + 1 }, recorded.subscriber);
      return checkSooner(next, recorded.ageSeconds);
    }
    deps.logger?.debug('status record stale; checking with Webex', { orderId: state.ref, reason: recorded.reason });
  }
  const options = callOptions(deps, state, 'checkStatus');
  const outcome = await callWebex((o) => deps.webex.get(subscriberId, o), options);
  // Every check is a turn of the loop in the execution history, a throttled one too: all count against the budget.
  if (outcome.kind === 'throttled') {
    return throttledOrTimedOut(deps, { ...state, checks: state.checks + 1 }, outcome);
  }
  if (outcome.kind === 'rejected') {
    const { rejection } = outcome;
    if (rejection.status === 404 && state.kind === 'tracking') return removedWhileTracked(deps, state, subscriberId);
    if (rejection.status === 404) {
      return fail(deps, state, 'ProvisioningFailed', {
        errors: rejection.errors,
        detail: 'The subscriber no longer exists in Webex.',
      });
    }
    return fail(deps, state, 'UpstreamRejected', {
      errors: rejection.errors,
      detail: `Webex refused the status check (status ${rejection.status}).`,
    });
  }
  // With the sweeper, when Webex itself last answered (see `verificationDue`).
  const verified = deps.statusRecords ? { verifiedAt: iso(deps.clock.now()) } : {};
  return evaluateOrAdopt(deps, { ...state, ...verified, checks: state.checks + 1 }, outcome.value);
}

/** ResendConsent: once, after the order's resendConsentAfterSeconds in pending_user_migration. */
export async function resendConsentStep(deps: WorkflowDeps, state: WorkflowState): Promise<WorkflowState> {
  const subscriberId = state.subscriberId;
  if (!subscriberId) throw new WorkflowTaskError('InvalidWorkflowState', 'ResendConsent needs a subscriberId.');
  const options = callOptions(deps, state, 'resendConsent');
  const outcome = await callWebex((o) => deps.webex.consentMove(subscriberId, o), options);
  if (outcome.kind === 'throttled') return throttledOrTimedOut(deps, state, outcome);
  const now = deps.clock.now();
  if (outcome.kind === 'rejected') {
    // Typically 409: the person consented meanwhile. The next status check tells.
    await auditRejection(deps, state, 'resendConsent', outcome.rejection, options.trackingId);
  } else {
    await audit(deps, state, {
      id: stepId(state, 'resendConsent'),
      action: 'orderStep',
      step: 'resendConsent',
      subscriberId,
      outcome: { result: 'success', statusCode: 204 },
      trackingId: options.trackingId,
      webexTrackingId: outcome.webexTrackingId,
    });
  }
  return pollLater(deps, { ...state, consentResentAt: iso(now) });
}

/**
 * RecordFailure: where the state machine's Catch leads once retries are exhausted (or on an unexpected error). Writes
 * the finish record and the cause; the execution then ends in the Fail state named by `failure.error`.
 */
export async function recordFailureStep(deps: AuditOnlyWorkflowDeps, payload: CaughtPayload): Promise<WorkflowState> {
  const now = deps.clock.now();
  const { state, errorName } = readCaughtState(payload, now);
  const failure: FailureName = isTransientTaskError(errorName) ? 'UpstreamUnavailable' : 'InternalError';
  deps.logger?.warn('workflow step failed for good', { orderId: state.ref, error: errorName });
  return fail(deps, state, failure, { detail: errorName });
}
