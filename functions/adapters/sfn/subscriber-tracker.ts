/**
 * Follows a subscriber that an API Provision or Update put into background work: starts a provisioning workflow
 * execution whose input `{ tracking: {...} }` enters the definition at the polling stage, so the subscriber's status
 * transitions reach the audit trail as an order's do.
 *
 * The execution name is derived from the API request (its request id and trackingId, the subscriber and the reason), so
 * a retried API request does not start a second execution — AWS answers the running one for the same name and input,
 * and ExecutionAlreadyExists once it has ended, both meaning "already followed" — while two Updates that reuse one
 * caller TrackingID are still followed each.
 */
import { createHash } from 'node:crypto';
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { SubscriberTracker, TrackSubscriberInput } from '../../domain/ports/workflow';
import { isAwsErrorType } from './step-functions';

const MAX_NAME_LENGTH = 80;

/** A Step Functions execution name (≤ 80 characters of letters, digits, - and _) derived from the call. */
export function trackingExecutionName(input: TrackSubscriberInput): string {
  const hash = createHash('sha256')
    .update([input.requestId, input.trackingId, input.subscriberId, input.reason].join('\u001f'))
    .digest('hex')
    .slice(0, 16);
  const prefix = `track-${input.reason}-`;
  const readable = input.trackingId.replace(/[^A-Za-z0-9_-]/g, '_');
  const room = MAX_NAME_LENGTH - prefix.length - hash.length - 1;
  return `${prefix}${readable.slice(0, room)}-${hash}`;
}

export class StepFunctionsSubscriberTracker implements SubscriberTracker {
  private readonly client: SFNClient;
  private readonly stateMachineArn: string;

  constructor(options: { client: SFNClient; stateMachineArn: string }) {
    this.client = options.client;
    this.stateMachineArn = options.stateMachineArn;
  }

  async trackSubscriber(input: TrackSubscriberInput): Promise<void> {
    const tracking = {
      subscriberId: input.subscriberId,
      reason: input.reason,
      trackingId: input.trackingId,
      actor: input.actor,
      requestId: input.requestId,
    };
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: trackingExecutionName(input),
          input: JSON.stringify({ tracking }),
        }),
      );
    } catch (error) {
      if (isAwsErrorType(error, 'ExecutionAlreadyExists')) return;
      throw error;
    }
  }
}
