/**
 * THE way this stack declares a dead-letter queue: SQS-managed encryption, TLS only, 14 days of retention, and the
 * cdk-nag findings a dead-letter queue raises (it has no dead-letter queue of its own, nothing consumes it) acknowledged
 * with what it is the dead-letter queue of. The stack alarms on its first message (`Monitoring.alarmOnDeadLetters`).
 */
import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag';

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
  return queue;
}
