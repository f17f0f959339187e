/**
 * Errors a workflow task throws on purpose. Step Functions matches its `Retry` and `Catch` rules on the error's `name`
 * (Lambda reports it as `errorType`), so the names are part of the state machine's contract.
 */

/** Names the state machine retries with backoff and jitter, then catches as UpstreamUnavailable. */
export const TRANSIENT_TASK_ERRORS = [
  /** Webex answered 5xx, timed out or reset the connection (after the client's own short attempt). */
  'UpstreamUnavailable',
  /** The audit trail could not be written (every record has a deterministic id: a retry never duplicates). */
  'AuditUnavailable',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
  'Sandbox.Timedout',
  'States.Timeout',
] as const;
export type TransientTaskErrorName = (typeof TRANSIENT_TASK_ERRORS)[number];

export class WorkflowTaskError extends Error {
  constructor(name: 'UpstreamUnavailable' | 'AuditUnavailable' | 'InvalidWorkflowState', message: string) {
    super(message);
    this.name = name;
  }
}

export function isTransientTaskError(name: string): boolean {
  return (TRANSIENT_TASK_ERRORS as readonly string[]).includes(name);
}
