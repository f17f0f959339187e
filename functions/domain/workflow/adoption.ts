/**
 * Adoption: Webex says the order's userId is taken (a 409 on Precheck or Provision, or a background error 10022). The
 * workflow carries on with the existing subscriber only when it is provably this order's own: Provision ran before for
 * this order (its answer may have been lost) and the subscriber carries exactly the order's data. Anything else is a
 * SubscriberConflict naming the subscriber that holds the userId.
 */
import { auditId } from '../audit';
import { compact, type WebexErrorItem } from '../contract/fields';
import type { Order } from '../contract/order';
import { ERROR_CODES } from '../contract/rules';
import type { Subscriber } from '../contract/subscriber';
import { backgroundErrorsAsItems, evaluate, isDuplicateFailure, throttledOrTimedOut } from './decisions';
import type { WorkflowState } from './state';
import { audit, stepId } from './step-audit';
import type { WorkflowDeps } from './step-deps';
import { WorkflowTaskError } from './task-errors';
import { fail, observe } from './transitions';
import { callOptions, callWebex, type Rejection } from './webex-call';

/** Why the workflow looks for the order's own subscriber, and the errors to report when it is not found. */
export interface AdoptionContext {
  reason: '409' | '10022';
  /** The duplicate Webex failed (10022): never the one adopted. */
  exclude?: string | undefined;
  errors: WebexErrorItem[];
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

/** Webex refused because the order's userId is taken (409 with errorCode 10022). */
export function isUserIdInUse(rejection: Rejection): boolean {
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

/** Carry on with the order's own subscriber, or end with SubscriberConflict (see the module's description). */
export async function adopt(
  deps: WorkflowDeps,
  state: WorkflowState,
  context: AdoptionContext,
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
  return evaluate(deps, switched, existing);
}

/**
 * Decide what follows from the subscriber's status (`evaluate`), except for an order's subscriber that Webex failed as
 * a duplicate (10022): the order's own subscriber from an earlier attempt is adopted instead, when there is one.
 */
export async function evaluateOrAdopt(
  deps: WorkflowDeps,
  state: WorkflowState,
  subscriber: Subscriber,
): Promise<WorkflowState> {
  if (state.kind === 'order' && isDuplicateFailure(subscriber)) {
    const next = await observe(deps, state, subscriber);
    return adopt(deps, next, { reason: '10022', exclude: subscriber.id, errors: backgroundErrorsAsItems(subscriber) });
  }
  return evaluate(deps, state, subscriber);
}
