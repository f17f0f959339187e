/**
 * The Step Functions wiring of the functions that start executions for batches: POST /v1/batches starts the batch
 * workflow, the chunk task starts and reads the orders' executions on the provisioning workflow.
 */
import { StepFunctionsBatchExecutions, StepFunctionsBatchOrderExecutions } from '../adapters/sfn/batch-executions';
import { RULES } from '../domain/contract/rules';
import type { BatchExecutions, BatchOrderExecutions } from '../domain/ports/batches';
import { once } from './cache';
import { getConfig } from './root';
import { getStepFunctionsClient } from './step-functions';

/** Starts the batch workflow: POST /v1/batches. */
export function getBatchExecutions(): BatchExecutions {
  return once('batchExecutions', () => {
    const config = getConfig(['batchRunner']);
    return new StepFunctionsBatchExecutions({
      client: getStepFunctionsClient(),
      stateMachineArn: config.batchStateMachineArn as string,
    });
  });
}

/** Starts and reads the orders' executions on the provisioning workflow: the batch workflow's chunk task. */
export function getBatchOrderExecutions(): BatchOrderExecutions {
  return once('batchOrderExecutions', () => {
    const config = getConfig(['tracker']);
    return new StepFunctionsBatchOrderExecutions({
      client: getStepFunctionsClient(),
      stateMachineArn: config.stateMachineArn as string,
    });
  });
}

/** Orders a batch starts per second at most. */
export function batchStartRate(): number {
  return getConfig().batchStartRatePerSecond ?? RULES.defaultBatchStartRatePerSecond;
}
