/**
 * How a workflow task calls Webex: throttling is handed back to the state machine (a Wait of exactly Retry-After),
 * transient failures become a `UpstreamUnavailable` task error (Step Functions retries it with backoff and jitter), and
 * a refusal (4xx) is an outcome the step decides on.
 */
import type { WebexErrorItem } from '../contract/fields';
import { RULES } from '../contract/rules';
import { UpstreamError, UpstreamProtocolError, UpstreamThrottledError, UpstreamUnavailableError } from '../errors';
import type { WebexCallOptions, WebexResult } from '../ports/webex';
import { WORKFLOW_LIMITS, type WorkflowState } from './state';
import type { AuditOnlyWorkflowDeps } from './step-deps';
import { WorkflowTaskError } from './task-errors';

export interface Rejection {
  status: number;
  errors: WebexErrorItem[];
  webexTrackingId?: string | undefined;
}

export type WebexOutcome<T> =
  | { kind: 'ok'; value: T; webexTrackingId?: string | undefined }
  | { kind: 'throttled'; retryAfterSeconds: number; slotAt?: number | undefined }
  | { kind: 'rejected'; rejection: Rejection };

/**
 * The status and errors of a refusal by Webex, or undefined when `error` is not one. The status is Webex's own answer:
 * the steps decide on it (409 10022 is adopted, 404 while tracking is a removal); no error of ours is given a status here.
 */
export function rejectionOf(error: unknown): Rejection | undefined {
  if (!(error instanceof UpstreamError)) return undefined;
  return { status: error.status, errors: error.errors, webexTrackingId: error.webexTrackingId };
}

/**
 * The options of a step's Webex call: a trackingId naming the order, step and check, the call's time budget, throttling
 * handed back (never waited out in the task), and the paced slot a throttled call reserved before its Wait.
 */
export function callOptions(deps: AuditOnlyWorkflowDeps, state: WorkflowState, step: string): WebexCallOptions {
  return {
    trackingId: `WBXPROV_${state.ref}_${step}_${state.checks}`.slice(0, 128),
    deadline: deps.clock.now() + WORKFLOW_LIMITS.webexCallBudgetMs,
    onThrottle: 'throw',
    paidSlotAt: state.pacedSlotAt,
  };
}

/** Make one Webex call of a step and classify its outcome (see the module's description). */
export async function callWebex<T>(
  call: (options: WebexCallOptions) => Promise<WebexResult<T>>,
  options: WebexCallOptions,
): Promise<WebexOutcome<T>> {
  try {
    const result = await call({ ...options, onThrottle: 'throw' });
    return { kind: 'ok', value: result.value, webexTrackingId: result.webexTrackingId };
  } catch (error) {
    if (error instanceof UpstreamThrottledError) {
      return {
        kind: 'throttled',
        retryAfterSeconds: Math.max(0, Math.ceil(error.retryAfterSeconds)),
        slotAt: error.slotAt,
      };
    }
    if (error instanceof UpstreamUnavailableError || error instanceof UpstreamProtocolError) {
      throw new WorkflowTaskError('UpstreamUnavailable', `Webex is unavailable (status ${error.status}).`);
    }
    const rejection = rejectionOf(error);
    if (rejection && (rejection.status === 429 || rejection.status === 423)) {
      return { kind: 'throttled', retryAfterSeconds: RULES.defaultRetryAfterSeconds };
    }
    if (rejection && rejection.status >= 500) {
      // A 5xx the client did not retry (a POST answered 500): retrying is safe, a lost Provision is adopted on 409.
      throw new WorkflowTaskError('UpstreamUnavailable', `Webex failed (status ${rejection.status}).`);
    }
    if (rejection) return { kind: 'rejected', rejection };
    throw error;
  }
}
