/**
 * The workflow state's transitions: clearing the previous step's routing fields, a throttled call's Wait, taking in
 * what Webex says about the subscriber, and the three ends (succeeded, failed, removed while tracked) with their
 * finish record.
 */

import { auditId } from '../audit';
import { compact, type WebexErrorItem } from '../contract/fields';
import type { Subscriber } from '../contract/subscriber';
import type { FailureName, WorkflowState } from './state';
import { audit, errorCodesOf, stepId } from './step-audit';
import type { AuditOnlyWorkflowDeps } from './step-deps';
import { iso } from './timestamps';

const MAX_CAUSE_ERRORS = 20;

/** The state without the previous step's routing fields. */
export function settled(state: WorkflowState): WorkflowState {
  const { retryAfterSeconds: _r, pacedSlotAt: _p, waitSeconds: _w, failure: _f, adopting: _a, ...rest } = state;
  return { ...rest, throttled: false };
}

/** What a throttled call hands back: Retry-After, and the slot our pacing reserved for the call when it did. */
export interface Throttle {
  retryAfterSeconds: number;
  slotAt?: number | undefined;
}

/** Wait `retryAfterSeconds`, then run the same task again (on the paced slot, when there is one). */
export function throttled(state: WorkflowState, throttle: Throttle): WorkflowState {
  return compact({
    ...settled(state),
    throttled: true,
    retryAfterSeconds: throttle.retryAfterSeconds,
    pacedSlotAt: throttle.slotAt,
  });
}

export interface FailureDetails {
  errors?: ReadonlyArray<WebexErrorItem> | undefined;
  detail?: string | undefined;
  /** The subscriber that holds the order's userId (SubscriberConflict). */
  existingSubscriberId?: string | undefined;
}

/** End the workflow with `error`: the finish record, and the machine-readable cause the Fail state reports. */
export async function fail(
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

/** End the workflow with the provisioned subscriber: the finish record, and the Succeed state's output. */
export async function succeed(
  deps: AuditOnlyWorkflowDeps,
  state: WorkflowState,
  subscriber: Subscriber,
): Promise<WorkflowState> {
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

/**
 * The subscriber an API call put into background work was removed since (an API Remove): following it ends there,
 * as a success for the tracker, with a finish record that says so (no failure, no failure log).
 */
export async function removedWhileTracked(
  deps: AuditOnlyWorkflowDeps,
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

/** When the subscriber entered its current status: Webex's lastStatusChange, never later than now. */
export function sinceOf(subscriber: Subscriber, now: number): string {
  const at = Date.parse(subscriber.lastStatusChange);
  return iso(Number.isNaN(at) ? now : Math.min(at, now));
}

/** Take in what Webex says about the subscriber: one statusChange record per transition seen. */
export async function observe(
  deps: AuditOnlyWorkflowDeps,
  state: WorkflowState,
  subscriber: Subscriber,
): Promise<WorkflowState> {
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
