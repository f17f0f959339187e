/**
 * The audit table's stream consumer (the tracking outbox): for every new audit record that carries a follow-up request
 * (successful API Provision/Update; the event source mapping's filter lets nothing else through), start the tracking
 * execution. Reports the first failure as a batch item failure, so Lambda retries from it (bisecting, then the
 * dead-letter queue); a start that already happened is done (deterministic execution name).
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { followRequestOf, type StreamAttributeValue } from '../adapters/dynamodb/audit-outbox';
import { getTracker } from '../composition/tracker';
import { followSubscribers } from '../domain/use-cases/follow-subscribers';
import { addLambdaContext, logger } from '../shared/logger';

export const handler = async (event: DynamoDBStreamEvent, context?: unknown): Promise<DynamoDBBatchResponse> => {
  addLambdaContext(logger, context);
  const items = event.Records.map((record, index) => ({
    id: record.dynamodb?.SequenceNumber ?? String(index),
    request: followRequestOf(record.dynamodb?.NewImage as Record<string, StreamAttributeValue> | undefined),
  }));
  const log = logger.child({ component: 'follow-subscribers' });
  const failed = await followSubscribers({ tracker: getTracker(), logger: log }, items);
  return { batchItemFailures: failed === undefined ? [] : [{ itemIdentifier: failed }] };
};
