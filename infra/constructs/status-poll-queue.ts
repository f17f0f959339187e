/**
 * The status poll queue: the workflow's `Await status` state sends a waiting execution's state here (with its task token,
 * delayed by the poll policy), and the status poller consumes it. A poll that keeps failing moves to the dead-letter
 * queue after MAX_RECEIVES deliveries (an alarm fires on its first message); the execution's heartbeat timeout then checks
 * the status itself.
 */
import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue';

/** The poller's own timeout; the queue's visibility timeout is six times it (AWS's guidance for Lambda consumers). */
export const POLLER_TIMEOUT = Duration.seconds(30);
/** Deliveries of one poll before the dead-letter queue: 5 × 180 s stays below the `Await status` heartbeat margin. */
export const MAX_RECEIVES = 5;

export class StatusPollQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.deadLetters = deadLetterQueue(
      this,
      'DeadLetters',
      'the status poll queue (a poll that failed on every delivery)',
    );
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(POLLER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAX_RECEIVES },
    });
  }
}
