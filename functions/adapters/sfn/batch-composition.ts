/**
 * The batch functions' wiring, once per configuration (module scope, reused by warm invocations): the batch store on
 * the composition root's DynamoDB client, and Step Functions clients pointed at SFN_ENDPOINT when set. Imported only by
 * the batch functions, so no other bundle carries the document client.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { awsClientConfig, getClock, getConfig, getDynamoDbClient } from '../../composition';
import type { ServiceConfig } from '../../config';
import { RULES } from '../../domain/contract/rules';
import type { BatchExecutions, BatchOrderExecutions, BatchStore } from '../../domain/ports/batches';
import { DynamoBatchStore } from '../dynamodb/batch-store';
import { StepFunctionsBatchExecutions, StepFunctionsBatchOrderExecutions } from './batch-executions';

interface Wiring {
  config: ServiceConfig;
  store?: BatchStore;
  sfn?: SFNClient;
  batches?: BatchExecutions;
  orders?: BatchOrderExecutions;
}

let wiring: Wiring | undefined;

function current(): Wiring {
  const config = getConfig();
  if (wiring?.config !== config) {
    wiring?.sfn?.destroy();
    wiring = { config };
  }
  return wiring;
}

function sfn(w: Wiring): SFNClient {
  w.sfn ??= new SFNClient(awsClientConfig(w.config, w.config.sfnEndpoint));
  return w.sfn;
}

export function getBatchStore(): BatchStore {
  const w = current();
  getConfig(['batches']);
  w.store ??= new DynamoBatchStore({
    client: getDynamoDbClient(),
    tableName: w.config.batchTableName as string,
    clock: getClock(),
  });
  return w.store;
}

/** Starts the batch workflow: POST /v1/batches. */
export function getBatchExecutions(): BatchExecutions {
  const w = current();
  getConfig(['batchRunner']);
  w.batches ??= new StepFunctionsBatchExecutions({
    client: sfn(w),
    stateMachineArn: w.config.batchStateMachineArn as string,
  });
  return w.batches;
}

/** Starts and reads the orders' executions on the provisioning workflow: the batch workflow's chunk task. */
export function getBatchOrderExecutions(): BatchOrderExecutions {
  const w = current();
  getConfig(['tracker']);
  w.orders ??= new StepFunctionsBatchOrderExecutions({
    client: sfn(w),
    stateMachineArn: w.config.stateMachineArn as string,
  });
  return w.orders;
}

export function batchStartRate(): number {
  return getConfig().batchStartRatePerSecond ?? RULES.defaultBatchStartRatePerSecond;
}
