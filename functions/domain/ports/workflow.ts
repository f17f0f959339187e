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
