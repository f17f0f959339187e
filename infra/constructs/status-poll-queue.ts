/**
 * The status poll queue: the workflow's `Await status` state sends a waiting execution's state here (with its task token,
 * delayed by the poll policy), and the status poller consumes it. A poll that keeps failing moves to the dead-letter
 * queue after `STATUS_POLL_QUEUE.maxReceiveCount` deliveries (an alarm fires on its first message); the execution's
 * heartbeat timeout then checks the status itself.
 */
import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STATUS_POLL_QUEUE } from '../workflow-tasks';
import { deadLetterQueue } from './dead-letter-queue';

/** The poller's own timeout (the queue's settings: `STATUS_POLL_QUEUE` in workflow-tasks.ts). */
export const POLLER_TIMEOUT = Duration.seconds(STATUS_POLL_QUEUE.pollerTimeoutSeconds);

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
      visibilityTimeout: Duration.seconds(STATUS_POLL_QUEUE.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: STATUS_POLL_QUEUE.maxReceiveCount },
    });
  }
}
