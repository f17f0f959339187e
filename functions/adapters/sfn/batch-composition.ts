/**
 * The Step Functions wiring of the functions that start executions for batches (POST /v1/batches, the chunk task), once
 * per configuration (module scope, reused by warm invocations), pointed at SFN_ENDPOINT when set. The batch store is
 * `../dynamodb/batch-composition.ts`'s (re-exported).
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { awsClientConfig, getConfig } from '../../composition';
import type { ServiceConfig } from '../../config';
import { RULES } from '../../domain/contract/rules';
import type { BatchExecutions, BatchOrderExecutions } from '../../domain/ports/batches';
import { StepFunctionsBatchExecutions, StepFunctionsBatchOrderExecutions } from './batch-executions';

export { getBatchStore } from '../dynamodb/batch-composition';

interface Wiring {
  config: ServiceConfig;
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
