/**
 * The batch store's wiring: the SDK's document client on the function's DynamoDB client. Apart from
 * `batch-executions.ts`, so the functions that only read or record (GET /v1/batches…, the outcome recorder) do not
 * bundle the Step Functions client.
 */
import { DynamoBatchStore } from '../adapters/dynamodb/batch-store';
import type { BatchStore } from '../domain/ports/batches';
import { once } from './cache';
import { getClock, getConfig, getDynamoDbClient } from './root';

export function getBatchStore(): BatchStore {
  return once('batchStore', () => {
    const config = getConfig(['batches']);
    return new DynamoBatchStore({
      client: getDynamoDbClient(),
      tableName: config.batchTableName as string,
      clock: getClock(),
    });
  });
}
