/**
 * THE way this stack declares a dead-letter queue: SQS-managed encryption, TLS only, 14 days of retention, and the
 * cdk-nag findings a dead-letter queue raises (it has no dead-letter queue of its own, nothing consumes it) acknowledged
 * with what it is the dead-letter queue of. The stack alarms on the depth of every queue made here
 * (`Monitoring.alarmOnEveryDeadLetterQueue`, which finds them with `isDeadLetterQueue`): a new dead-letter queue gets its
 * alarm without anyone remembering to add one.
 */
import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag';

const DEAD_LETTERS_OF = Symbol('deadLettersOf');

/** What a dead-letter queue made by `deadLetterQueue` receives, or `undefined` for any other construct. */
export function deadLettersOf(construct: unknown): string | undefined {
  if (!(construct instanceof sqs.Queue)) return undefined;
  return (construct as sqs.Queue & { [DEAD_LETTERS_OF]?: string })[DEAD_LETTERS_OF];
}

export function isDeadLetterQueue(construct: unknown): construct is sqs.Queue {
  return deadLettersOf(construct) !== undefined;
}

/** `of`: what it receives, completing "This queue IS the dead-letter destination of …". */
export function deadLetterQueue(scope: Construct, id: string, of: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(
    queue,
    {
      id: 'AwsSolutions-SQS3',
      reason: `This queue IS the dead-letter destination of ${of}; an alarm fires on its first message.`,
    },
    {
      id: 'Serverless-SQSRedrivePolicy',
      reason: `This queue IS the dead-letter destination of ${of}; an operator inspects it, nothing consumes it.`,
    },
  );
  (queue as sqs.Queue & { [DEAD_LETTERS_OF]?: string })[DEAD_LETTERS_OF] = of;
  return queue;
}
