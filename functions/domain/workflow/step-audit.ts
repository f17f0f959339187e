/**
 * The workflow's audit writer: every step and every status change it sees is one audit record with a deterministic id,
 * so a step that Step Functions retries never writes a record twice. A record that cannot be written is an
 * `AuditUnavailable` task error (the state machine retries it).
 */
import { auditId } from '../audit';
import { compact } from '../contract/fields';
import type { AuditRecord } from '../ports/audit';
import type { WorkflowState } from './state';
import type { AuditOnlyWorkflowDeps } from './step-deps';
import { WorkflowTaskError } from './task-errors';
import { iso } from './timestamps';
import type { Rejection } from './webex-call';

/** A record as a step writes it: the time (now unless given), actor, order, attempt and trackingId are filled in. */
export type RecordDraft = Omit<AuditRecord, 'at' | 'actor'> & { at?: string | undefined };

/** Append one record of the workflow `state` to the audit trail. */
export async function audit(deps: AuditOnlyWorkflowDeps, state: WorkflowState, draft: RecordDraft): Promise<void> {
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
export async function markProvisionAttempt(
  deps: AuditOnlyWorkflowDeps,
  state: WorkflowState,
  orderId: string,
): Promise<boolean> {
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
export function stepId(state: WorkflowState, ...parts: Array<string | number>): string {
  return state.attempt === undefined
    ? auditId(state.ref, 'step', ...parts)
    : auditId(state.ref, 'step', `attempt-${state.attempt}`, ...parts);
}

/** The distinct Webex error codes of `errors`, or undefined when there are none. */
export function errorCodesOf(errors: ReadonlyArray<{ errorCode?: number | undefined }>): number[] | undefined {
  const codes = errors.map((e) => e.errorCode).filter((c): c is number => typeof c === 'number');
  return codes.length > 0 ? [...new Set(codes)] : undefined;
}

/** The record of a step Webex refused: its status, error codes and tracking ids. */
export async function auditRejection(
  deps: AuditOnlyWorkflowDeps,
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
