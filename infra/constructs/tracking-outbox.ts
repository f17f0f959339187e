/**
 * The tracking outbox's delivery: the audit table's stream (NEW_IMAGE) feeds one consumer function that starts the
 * tracking execution for every new audit record carrying a follow-up request (successful API Provision/Update). The
 * event filter (`FOLLOW_FILTER`, shared with the local stream emulator) lets nothing else invoke it.
 *
 * Failure handling: the consumer reports the first failed record (ReportBatchItemFailures), Lambda retries from it,
 * bisecting a failing batch, and after the last retry (or when a record is older than the limit) sends the batch's
 * description (shard and sequence numbers) to the dead-letter queue, which alarms. The request itself is never lost: it
 * stays on its audit item (query the subscriber's audit trail) and in the stream for 24 hours.
 */
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FOLLOW_FILTER } from '../../functions/adapters/dynamodb/audit-outbox';
import { FOLLOW_SUBSCRIBERS_ENTRY } from '../../functions/catalog/stream-consumers';
import { acknowledge } from '../nag';
import { deadLetterQueue } from './dead-letter-queue';
import { ServiceFunction } from './service-function';

export { FOLLOW_SUBSCRIBERS_ENTRY };

/** How the stream is read: retries, batch and age limits. */
export const FOLLOW_STREAM_SETTINGS = {
  batchSize: 10,
  retryAttempts: 10,
  maxRecordAge: Duration.hours(6),
} as const;

export interface TrackingOutboxProps {
  /** The audit table, with a NEW_IMAGE stream. */
  readonly table: dynamodb.ITable;
  readonly logRetentionDays: number;
  readonly logLevel: string;
  readonly skipBundling?: boolean | undefined;
}

export class TrackingOutbox extends Construct {
  readonly consumer: ServiceFunction;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: TrackingOutboxProps) {
    super(scope, id);

    this.deadLetters = deadLetterQueue(this, 'DeadLetters', 'the audit stream consumer (its on-failure destination)');

    this.consumer = new ServiceFunction(this, 'FollowSubscribers', {
      entry: FOLLOW_SUBSCRIBERS_ENTRY,
      role: 'stream',
      description: 'Audit table stream: starts the tracking execution that follows an API Provision/Update',
      logRetentionDays: props.logRetentionDays,
      logLevel: props.logLevel,
      skipBundling: props.skipBundling,
    });
    this.consumer.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: FOLLOW_STREAM_SETTINGS.batchSize,
        bisectBatchOnError: true,
        retryAttempts: FOLLOW_STREAM_SETTINGS.retryAttempts,
        maxRecordAge: FOLLOW_STREAM_SETTINGS.maxRecordAge,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetters),
        filters: [lambda.FilterCriteria.filter(FOLLOW_FILTER as unknown as Record<string, unknown>)],
      }),
    );
    acknowledge(this.consumer.role, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) and dynamodb:ListStreams (CDK grantStreamRead) ' +
        'support no resource-level permissions.',
    });
    acknowledge(this.consumer.function, {
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked by a DynamoDB stream event source mapping only, whose on-failure destination is the dead-letter ' +
        'queue (with an alarm); a function DLQ applies to asynchronous invocations, which never happen.',
    });
  }
}
