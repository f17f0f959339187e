/**
 * The provisioning workflow's steps, one function per task Lambda. Pure: ports in, the next workflow state out.
 *
 * Each step receives the whole workflow state and returns the whole next state (see `state.ts`). Every step and every
 * status change it sees is one audit record with a deterministic id, so a step that Step Functions retries never writes
 * a record twice.
 */
import type { Logger } from '../../shared/logger';
import { auditId, describeChanges } from '../audit';
import { compact, type SubscriberStatus, type WebexErrorItem } from '../contract/fields';
import { type Order, OrderSchema } from '../contract/order';
import type { PrecheckRequest } from '../contract/precheck-request';
import type { ProvisionRequest } from '../contract/provision-request';
import { ERROR_CODES, STATUS_SWEEP } from '../contract/rules';
import type { Subscriber } from '../contract/subscriber';
import { issuesToErrorItems } from '../contract/validation';
import type { AuditLookup, AuditRecord, AuditStore, FieldDigester } from '../ports/audit';
import type { Clock } from '../ports/clock';
import type { OutcomeMetrics } from '../ports/metrics';
import type { StatusRecordReader } from '../ports/status-records';
import type { WebexCallOptions, WebexSubscribersPort } from '../ports/webex';
import { recordedStatus } from '../status-sweep/recorded-status';
import { attemptOf } from './attempts';
import { isPendingStatus, POLL_TUNING, type PollTuning, planNextCheck } from './poll-policy';
import {
  CaughtSchema,
  type FailureName,
  type Tracking,
  TrackingSchema,
  WORKFLOW_LIMITS,
  type WorkflowState,
  WorkflowStateSchema,
} from './state';
import { isTransientTaskError, WorkflowTaskError } from './task-errors';
import { callWebex, type Rejection } from './webex-call';

export interface WorkflowDeps {
  webex: WebexSubscribersPort;
  audit: AuditStore;
  digester: FieldDigester;
  clock: Clock;
  /** Reads one audit record: a retried order's provision marker (was Provision sent in an earlier attempt?). */
  lookup?: AuditLookup | undefined;
  logger?: Logger | undefined;
  tuning?: PollTuning | undefined;
  /** One outcome data point per execution that ends (`ports/metrics.ts`). */
  metrics?: OutcomeMetrics | undefined;
  /** The status sweeper's records: `Check status` reads them and does a Get only when they are stale. */
  statusRecords?: StatusRecordReader | undefined;
}

/** What a step that never calls Webex needs (validate an order, start tracking, record a failure). */
export type AuditOnlyWorkflowDeps = Omit<WorkflowDeps, 'webex'>;

/** What the state machine hands the first task: the execution input as it is, and the execution's name. */
export interface StartPayload {
  input: unknown;
  executionName: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const MAX_CAUSE_ERRORS = 20;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Read a start payload leniently: the execution input may be anything at all. */
export function readStartPayload(payload: unknown): StartPayload {
  const executionName =
    isObject(payload) && typeof payload.executionName === 'string' && payload.executionName.length > 0
      ? payload.executionName.slice(0, 80)
      : 'unnamed';
  return { input: isObject(payload) ? payload.input : undefined, executionName };
}

/** Parse a state handed to a task; a state this code did not produce is a bug, never retried into success. */
export function parseWorkflowState(input: unknown): WorkflowState {
  const result = WorkflowStateSchema.safeParse(input);
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((i) => i.path.join('.') || '(root)'))].slice(0, 10).join(', ');
    throw new WorkflowTaskError('InvalidWorkflowState', `The workflow state is invalid at: ${fields}.`);
  }
  return result.data;
}

// -----------------------------------------------------------------------------------------------------------------
// Audit
// -----------------------------------------------------------------------------------------------------------------

type RecordDraft = Omit<AuditRecord, 'at' | 'actor'> & { at?: string | undefined };

async function audit(deps: AuditOnlyWorkflowDeps, state: WorkflowState, draft: RecordDraft): Promise<void> {
  const record = compact({
    ...draft,
    at: draft.at ?? iso(deps.clock.now()),
    actor: `workflow:${state.ref}`,
    orderId: state.kind === 'order' ? state.ref : undefined,
    attempt: state.attempt,
    trackingId: draft.trackingId ?? state.tracking?.trackingId,
  }) as AuditRecord;
  try {
    await deps.audit.append(record);
  } catch (error) {
    deps.logger?.error('audit append failed', { orderId: record.orderId, step: record.step, error });
    throw new WorkflowTaskError('AuditUnavailable', 'The audit trail could not be written.');
  }
}

/**
 * The marker a Provision leaves BEFORE it calls Webex, one per order (all executions of it): when it already exists,
 * an earlier Provision of this order may have reached Webex with its answer lost, so a subscriber that holds the
 * order's userId may be the order's own. It carries no orderId, so the order's trail shows the steps, not the marker.
 * Returns whether this is the order's first Provision attempt.
 */
async function markProvisionAttempt(deps: WorkflowDeps, state: WorkflowState, orderId: string): Promise<boolean> {
  try {
    const { written } = await deps.audit.append({
      id: auditId(orderId, 'provisionAttempt'),
      at: iso(deps.clock.now()),
      actor: `workflow:${state.ref}`,
      action: 'orderStep',
      step: 'provisionAttempt',
      outcome: { result: 'success' },
      detail: `order ${orderId}: Provision sent to Webex`,
    });
    return written;
  } catch (error) {
    deps.logger?.error('audit append failed', { orderId, step: 'provisionAttempt', error });
    throw new WorkflowTaskError('AuditUnavailable', 'The audit trail could not be written.');
  }
}

/** A step's record id: per order (and per attempt of a retried order), so a retry's steps are recorded anew. */
/**
 * A retry (attempt 2 and on) whose order's earlier attempt sent Provision: its provision marker exists. A first attempt
 * knows it from its own state (`provisionRepeated`).
 */
async function provisionedInEarlierAttempt(deps: WorkflowDeps, state: WorkflowState, orderId: string) {
  if (state.attempt === undefined) return false;
  if (!deps.lookup) throw new WorkflowTaskError('InvalidWorkflowState', 'A retried order needs the audit lookup.');
  try {
    return (await deps.lookup.get(auditId(orderId, 'provisionAttempt'))) !== undefined;
  } catch (error) {
    deps.logger?.error('audit read failed', { orderId, step: 'provisionAttempt', error });
    throw new WorkflowTaskError('AuditUnavailable', 'The audit trail could not be read.');
  }
}

function stepId(state: WorkflowState, ...parts: Array<string | number>): string {
  return state.attempt === undefined
    ? auditId(state.ref, 'step', ...parts)
    : auditId(state.ref, 'step', `attempt-${state.attempt}`, ...parts);
}

function errorCodesOf(errors: ReadonlyArray<{ errorCode?: number | undefined }>): number[] | undefined {
  const codes = errors.map((e) => e.errorCode).filter((c): c is number => typeof c === 'number');
  return codes.length > 0 ? [...new Set(codes)] : undefined;
}

// -----------------------------------------------------------------------------------------------------------------
// State transitions
// -----------------------------------------------------------------------------------------------------------------

/** The state without the previous step's routing fields. */
function settled(state: WorkflowState): WorkflowState {
  const { retryAfterSeconds: _r, pacedSlotAt: _p, waitSeconds: _w, failure: _f, adopting: _a, ...rest } = state;
  return { ...rest, throttled: false };
}

/** What a throttled call hands back: Retry-After, and the slot our pacing reserved for the call when it did. */
interface Throttle {
  retryAfterSeconds: number;
  slotAt?: number | undefined;
}

function throttled(state: WorkflowState, throttle: Throttle): WorkflowState {
  return compact({
    ...settled(state),
    throttled: true,
    retryAfterSeconds: throttle.retryAfterSeconds,
    pacedSlotAt: throttle.slotAt,
  });
}

/**
 * Webex answered 429/423: wait exactly Retry-After and run the same task again — unless the order's deadline has
 * passed, so a Webex that throttles forever ends the order with ProvisioningTimedOut at any step, not only while polling.
 */
async function throttledOrTimedOut(
  deps: WorkflowDeps,
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

function callOptions(deps: WorkflowDeps, state: WorkflowState, step: string): WebexCallOptions {
  return {
    trackingId: `WBXPROV_${state.ref}_${step}_${state.checks}`.slice(0, 128),
    deadline: deps.clock.now() + WORKFLOW_LIMITS.webexCallBudgetMs,
    onThrottle: 'throw',
    paidSlotAt: state.pacedSlotAt,
  };
}

interface FailureDetails {
  errors?: ReadonlyArray<WebexErrorItem> | undefined;
  detail?: string | undefined;
  /** The subscriber that holds the order's userId (SubscriberConflict). */
  existingSubscriberId?: string | undefined;
}

/** End the workflow with `error`: the finish record, and the machine-readable cause the Fail state reports. */
async function fail(
  deps: AuditOnlyWorkflowDeps,
  state: WorkflowState,
  error: FailureName,
  details: FailureDetails = {},
): Promise<WorkflowState> {
  const errors = details.errors?.slice(0, MAX_CAUSE_ERRORS).map((e) => compact({ ...e }));
  const cause = JSON.stringify(
    compact({
      error,
      orderId: state.kind === 'order' ? state.ref : undefined,
      trackingId: state.tracking?.trackingId,
      subscriberId: state.subscriberId,
      lastStatus: state.lastStatus,
      errors: errors && errors.length > 0 ? errors : undefined,
      existingSubscriberId: details.existingSubscriberId,
      detail: details.detail,
    }),
  );
  await audit(deps, state, {
    id: stepId(state, 'finish'),
    action: 'orderStep',
    step: 'finish',
    subscriberId: state.subscriberId,
    outcome: compact({ result: 'failure' as const, errorCodes: errors ? errorCodesOf(errors) : undefined }),
    ...(state.lastStatus ? { status: { to: state.lastStatus } } : {}),
    detail: error,
  });
  deps.logger?.info('workflow failed', { orderId: state.ref, error });
  deps.metrics?.workflowEnded({ kind: state.kind, outcome: error });
  return { ...settled(state), route: 'failed', failure: { error, cause } };
}

async function succeed(deps: WorkflowDeps, state: WorkflowState, subscriber: Subscriber): Promise<WorkflowState> {
  await audit(deps, state, {
    id: stepId(state, 'finish'),
    action: 'orderStep',
    step: 'finish',
    subscriberId: subscriber.id,
    outcome: { result: 'success' },
    status: { to: subscriber.status },
    detail: 'provisioned',
  });
  deps.metrics?.workflowEnded({ kind: state.kind, outcome: 'Succeeded' });
  return {
    ...settled(state),
    route: 'succeeded',
    result: compact({
      orderId: state.kind === 'order' ? state.ref : undefined,
      trackingId: state.tracking?.trackingId,
      subscriber,
    }),
  };
}

function deadlinePassed(deps: AuditOnlyWorkflowDeps, state: WorkflowState): boolean {
  return deps.clock.now() >= Date.parse(state.deadlineAt);
}

/** When the subscriber entered its current status: Webex's lastStatusChange, never later than now. */
function sinceOf(subscriber: Subscriber, now: number): string {
  const at = Date.parse(subscriber.lastStatusChange);
  return iso(Number.isNaN(at) ? now : Math.min(at, now));
}

/** Take in what Webex says about the subscriber: one statusChange record per transition seen. */
async function observe(deps: WorkflowDeps, state: WorkflowState, subscriber: Subscriber): Promise<WorkflowState> {
  const now = deps.clock.now();
  const changed =
    subscriber.id !== state.subscriberId ||
    subscriber.status !== state.lastStatus ||
    (state.lastStatusChange !== undefined && subscriber.lastStatusChange !== state.lastStatusChange);
  if (changed) {
    const from = subscriber.id === state.subscriberId ? state.lastStatus : undefined;
    const errors = subscriber.errors ?? [];
    const at = Date.parse(subscriber.lastStatusChange);
    await audit(deps, state, {
      id: auditId(subscriber.id, 'status', subscriber.status, subscriber.lastStatusChange),
      at: Number.isNaN(at) ? undefined : iso(at),
      action: 'statusChange',
      subscriberId: subscriber.id,
      status: from && from !== subscriber.status ? { from, to: subscriber.status } : { to: subscriber.status },
      outcome: compact({
        result: subscriber.status === 'error' ? ('failure' as const) : ('success' as const),
        errorCodes: errorCodesOf(errors),
      }),
    });
  }
  const samePhase = state.phase?.status === subscriber.status && subscriber.id === state.subscriberId;
  return {
    ...state,
    subscriberId: subscriber.id,
    lastStatus: subscriber.status,
    lastStatusChange: subscriber.lastStatusChange,
    phase: samePhase && state.phase ? state.phase : { status: subscriber.status, since: sinceOf(subscriber, now) },
  };
}

/** Poll again later, or give up at the deadline. */
async function pollLater(deps: AuditOnlyWorkflowDeps, state: WorkflowState): Promise<WorkflowState> {
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
function consentResendAfterSeconds(state: WorkflowState): number | undefined {
  const after = state.order?.options?.resendConsentAfterSeconds;
  if (after === undefined || state.consentResentAt !== undefined) return undefined;
  return state.phase?.status === 'pending_user_migration' ? after : undefined;
}

function consentResendDue(deps: WorkflowDeps, state: WorkflowState): boolean {
  const after = consentResendAfterSeconds(state);
  if (after === undefined || !state.phase) return false;
  return deps.clock.now() - Date.parse(state.phase.since) >= after * 1000;
}

function backgroundErrorsAsItems(subscriber: Subscriber): WebexErrorItem[] {
  return (subscriber.errors ?? []).map((e) => ({ errorCode: e.errorCode, description: e.description }));
}

/** Decide what follows from the subscriber's status. */
async function evaluate(
  deps: WorkflowDeps,
  state: WorkflowState,
  subscriber: Subscriber,
  allowAdoption: boolean,
): Promise<WorkflowState> {
  const enteringPhase = state.phase?.status !== subscriber.status || state.subscriberId !== subscriber.id;
  const next = await observe(deps, state, subscriber);
  switch (subscriber.status) {
    case 'provisioned':
      return succeed(deps, next, subscriber);
    case 'error': {
      const duplicate = (subscriber.errors ?? []).some((e) => e.errorCode === ERROR_CODES.userIdInUse);
      if (duplicate && allowAdoption && next.kind === 'order') {
        return adopt(deps, next, {
          reason: '10022',
          exclude: subscriber.id,
          errors: backgroundErrorsAsItems(subscriber),
        });
      }
      return fail(deps, next, 'ProvisioningFailed', { errors: backgroundErrorsAsItems(subscriber) });
    }
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

/** A phone number's digits (and leading +): Webex may store it formatted otherwise than the order wrote it. */
function phoneKey(value: string | undefined): string {
  return value?.replace(/[^\d+]/g, '') ?? '';
}

/**
 * Whether a subscriber at Webex carries exactly what the order asked for. The email is compared only when the order
 * has one (without one, a person enters it later at Webex).
 */
export function carriesOrder(order: Order, subscriber: Subscriber): boolean {
  const wanted = order.subscriber;
  return (
    subscriber.userId === wanted.userId &&
    subscriber.spEnterpriseId === wanted.spEnterpriseId &&
    subscriber.provisioningId === wanted.provisioningId &&
    subscriber.firstName === wanted.firstName &&
    subscriber.lastName === wanted.lastName &&
    subscriber.package === wanted.package &&
    phoneKey(subscriber.primaryPhoneNumber) === phoneKey(wanted.primaryPhoneNumber) &&
    phoneKey(subscriber.mobilePhoneNumber) === phoneKey(wanted.mobilePhoneNumber) &&
    phoneKey(subscriber.extension) === phoneKey(wanted.extension) &&
    (wanted.email === undefined || subscriber.email?.toLowerCase() === wanted.email.toLowerCase())
  );
}

function isUserIdInUse(rejection: Rejection): boolean {
  return rejection.status === 409 && rejection.errors.some((e) => e.errorCode === ERROR_CODES.userIdInUse);
}

/** The order's userId is held by a subscriber that is not provably the order's own. */
async function conflict(
  deps: WorkflowDeps,
  state: WorkflowState,
  holder: Subscriber | undefined,
  errors: WebexErrorItem[],
): Promise<WorkflowState> {
  const description = holder
    ? `The userId is already used by subscriber ${holder.id}, which this order did not create.`
    : 'The userId is already used by a subscriber this order did not create.';
  return fail(deps, state, 'SubscriberConflict', {
    errors: [
      { errorCode: ERROR_CODES.userIdInUse, description },
      ...errors.filter((e) => e.description !== description),
    ],
    existingSubscriberId: holder?.id,
    detail: 'Only a subscriber created by an earlier attempt of this same order is adopted.',
  });
}

/**
 * Webex says the order's userId is taken (a 409 on Precheck or Provision, or a background error 10022). Carry on with
 * the existing subscriber only when it is provably this order's own: Provision ran before for this order (its answer
 * may have been lost: `provisionRepeated`) and the subscriber carries exactly the order's data. Anything else is a
 * SubscriberConflict naming the subscriber that holds the userId.
 */
async function adopt(
  deps: WorkflowDeps,
  state: WorkflowState,
  context: { reason: '409' | '10022'; exclude?: string | undefined; errors: WebexErrorItem[] },
): Promise<WorkflowState> {
  const order = state.order;
  if (!order) throw new WorkflowTaskError('InvalidWorkflowState', 'Adoption needs the order.');
  const { userId } = order.subscriber;
  const outcome = await callWebex(
    (o) => deps.webex.list({ userId, max: '100' }, o),
    // A paced slot belongs to the lookup only when the lookup itself was throttled (else the call before used it).
    callOptions(deps, state.adopting ? state : { ...state, pacedSlotAt: undefined }, 'adopt'),
  );
  if (outcome.kind === 'throttled') {
    // Retry the lookup itself after the Wait (see `adopting`), never the call that led here.
    return throttledOrTimedOut(deps, state, outcome, { adopting: compact({ ...context }) });
  }
  if (outcome.kind === 'rejected') {
    return fail(deps, state, 'ProvisioningFailed', {
      errors: context.errors,
      detail: `The existing subscriber could not be looked up (status ${outcome.rejection.status}).`,
    });
  }
  const holders = outcome.value.items.filter((s) => s.userId === userId && s.id !== context.exclude);
  const repeated = state.provisionRepeated === true || (await provisionedInEarlierAttempt(deps, state, order.orderId));
  const own = repeated ? holders.filter((s) => carriesOrder(order, s)) : [];
  // After a 409, the order's own subscriber in `error` (its lost Provision created it, Webex failed it since) is
  // followed to report its background errors. After 10022 the duplicate in error is excluded above, and only a live
  // subscriber can be the one to carry on with.
  const existing = own.find((s) => s.status !== 'error') ?? (context.reason === '409' ? own[0] : undefined);
  if (!existing) {
    return conflict(deps, state, holders.find((s) => s.status !== 'error') ?? holders[0], context.errors);
  }
  await audit(deps, state, {
    id: stepId(state, 'adopt', existing.id),
    action: 'orderStep',
    step: 'adopt',
    subscriberId: existing.id,
    status: { to: existing.status },
    outcome: { result: 'success' },
    detail: context.exclude
      ? `adopted the subscriber of an earlier attempt after ${context.reason}; duplicate ${context.exclude} left in error`
      : `adopted the subscriber of an earlier attempt after ${context.reason}`,
    webexTrackingId: outcome.webexTrackingId,
  });
  const switched: WorkflowState = { ...state, subscriberId: existing.id };
  delete switched.adopting;
  delete switched.lastStatus;
  delete switched.lastStatusChange;
  delete switched.phase;
  return evaluate(deps, switched, existing, false);
}

// -----------------------------------------------------------------------------------------------------------------
// Steps
// -----------------------------------------------------------------------------------------------------------------

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

/** What StartTracking needs: the audit-only ports and a strongly consistent read of one record. */
export type TrackingDeps = AuditOnlyWorkflowDeps & { lookup: AuditLookup };

/** StartTracking: an API Provision or Update is followed from the polling stage on. */
export async function startTrackingStep(deps: TrackingDeps, payload: StartPayload): Promise<WorkflowState> {
  const now = deps.clock.now();
  const parsed = (() => {
    const tracking = isObject(payload.input) ? payload.input.tracking : undefined;
    return TrackingSchema.safeParse(tracking);
  })();
  const trackingErrors = parsed.success
    ? []
    : issuesToErrorItems(parsed.error.issues, isObject(payload.input) ? payload.input.tracking : undefined).map((e) =>
        e.fieldName ? { ...e, fieldName: `tracking.${e.fieldName}` } : e,
      );
  const tracking: Tracking | undefined = parsed.success ? parsed.data : undefined;
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

async function auditRejection(
  deps: WorkflowDeps,
  state: WorkflowState,
  step: string,
  rejection: Rejection,
  trackingId: string,
): Promise<void> {
  await audit(deps, state, {
    id: stepId(state, step),
    action: 'orderStep',
    step,
    subscriberId: state.subscriberId,
    outcome: compact({
      result: 'failure' as const,
      statusCode: rejection.status,
      errorCodes: errorCodesOf(rejection.errors),
    }),
    trackingId,
    webexTrackingId: rejection.webexTrackingId,
  });
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
  return evaluate(deps, attempt, subscriber, true);
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
      const next = await evaluate(deps, { ...state, checks: state.checks + 1 }, recorded.subscriber, true);
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
  return evaluate(deps, { ...state, ...verified, checks: state.checks + 1 }, outcome.value, true);
}

/**
 * Whether `Check status` asks Webex itself despite a fresh sweeper record: the sweeper's List never shows a removed
 * subscriber, so a Get now and then (`STATUS_SWEEP.verifyAfterSeconds`, then gaps as long as the execution's age at the
 * last answer) is what sees a subscriber that vanished. The Provision's answer counts as the first (`startedAt`).
 */
function verificationDue(deps: WorkflowDeps, state: WorkflowState): boolean {
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
function checkSooner(state: WorkflowState, ageSeconds: number): WorkflowState {
  if (state.route !== 'poll' || state.waitSeconds === undefined || ageSeconds <= 0) return state;
  return { ...state, waitSeconds: Math.max(1, state.waitSeconds - ageSeconds) };
}

/**
 * The subscriber an API call put into background work was removed since (an API Remove): following it ends there,
 * as a success for the tracker, with a finish record that says so (no failure, no failure log).
 */
async function removedWhileTracked(
  deps: WorkflowDeps,
  state: WorkflowState,
  subscriberId: string,
): Promise<WorkflowState> {
  await audit(deps, state, {
    id: stepId(state, 'finish'),
    action: 'orderStep',
    step: 'finish',
    subscriberId,
    outcome: { result: 'success', statusCode: 404 },
    detail: 'removed',
  });
  deps.logger?.info('tracking ended: the subscriber was removed', { trackingId: state.tracking?.trackingId });
  deps.metrics?.workflowEnded({ kind: 'tracking', outcome: 'Removed' });
  return {
    ...settled(state),
    route: 'removed',
    removed: compact({ trackingId: state.tracking?.trackingId, subscriberId, removed: true as const }),
  };
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
export async function recordFailureStep(
  deps: AuditOnlyWorkflowDeps,
  payload: { state: unknown; executionName: string },
): Promise<WorkflowState> {
  const now = deps.clock.now();
  const raw = isObject(payload.state) ? payload.state : {};
  const caught = CaughtSchema.safeParse(raw.caught);
  const errorName = caught.success ? caught.data.Error : 'Unknown';
  const { caught: _caught, ...rest } = raw;
  const parsed = WorkflowStateSchema.safeParse(rest);
  const state: WorkflowState = parsed.success
    ? parsed.data
    : {
        kind: isObject(rest.input) && 'tracking' in rest.input ? 'tracking' : 'order',
        ref: payload.executionName,
        startedAt: iso(now),
        deadlineAt: iso(now),
        checks: 0,
        route: 'failed',
        throttled: false,
      };
  const failure: FailureName = isTransientTaskError(errorName) ? 'UpstreamUnavailable' : 'InternalError';
  deps.logger?.warn('workflow step failed for good', { orderId: state.ref, error: errorName });
  return fail(deps, state, failure, { detail: errorName });
}
