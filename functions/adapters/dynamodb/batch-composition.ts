/**
 * The batch store's wiring, once per configuration: the SDK's document client on the composition root's DynamoDB
 * client. Apart from `sfn/batch-composition.ts`, so the functions that only read or record (GET /v1/batches…, the
 * outcome recorder) do not bundle the Step Functions client.
 */
import { getClock, getConfig, getDynamoDbClient } from '../../composition';
import type { ServiceConfig } from '../../config';
import type { BatchStore } from '../../domain/ports/batches';
import { DynamoBatchStore } from './batch-store';

let wiring: { config: ServiceConfig; store: BatchStore } | undefined;

export function getBatchStore(): BatchStore {
  const config = getConfig(['batches']);
  if (wiring?.config !== config) {
    wiring = {
      config,
      store: new DynamoBatchStore({
        client: getDynamoDbClient(),
        tableName: config.batchTableName as string,
        clock: getClock(),
      }),
    };
  }
  return wiring.store;
}
