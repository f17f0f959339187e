/**
 * Ports to the provisioning workflow (Step Functions). The SFN adapter implements them in AWS and against the local
 * Step Functions endpoint.
 */

export interface TrackSubscriberInput {
  subscriberId: string;
  /** What the API call that started the background work was. */
  reason: 'provision' | 'update';
  /** Our trackingId of the API call, for correlation (a caller may reuse its own TrackingID across calls). */
  trackingId: string;
  /** API Gateway's request id of the call: unique per request, stable across a retry of the same request. */
  requestId: string;
  /** Who made the API call. */
  actor: string;
}

/**
 * Follows a subscriber that an API call (Provision, Update) put into background work, with an execution that starts at
 * the polling stage, so its status transitions reach the audit trail like an order's do.
 */
export interface SubscriberTracker {
  trackSubscriber(input: TrackSubscriberInput): Promise<void>;
}

/**
 * Answers a workflow state that waits on a task token (`Await status`): Step Functions' SendTaskSuccess,
 * SendTaskFailure and SendTaskHeartbeat.
 */
export interface TaskCallbacks {
  succeed(taskToken: string, output: unknown): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
  heartbeat(taskToken: string): Promise<void>;
}

/** The token's task is no longer waiting (it succeeded, failed, timed out, or its execution ended). */
export class StaleTaskTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StaleTaskTokenError';
  }
}

/** One message of the status poll queue: the waiting task's token and the workflow state to check. */
export interface StatusPollMessage {
  taskToken: string;
  state: unknown;
}

/** The status poll queue (SQS): a message comes back to the poller after `delaySeconds` (0 to 900). */
export interface StatusPollQueue {
  send(message: StatusPollMessage, delaySeconds: number): Promise<void>;
}
