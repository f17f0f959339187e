/**
 * A batch's Step Functions executions with `@aws-sdk/client-sfn`: the batch workflow's own (name = batchId) and its
 * orders' on the provisioning workflow (name = orderId). On AWS or the local endpoint (SFN_ENDPOINT).
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Order } from '../../domain/contract/order';
import type {
  BatchExecutionInput,
  BatchExecutions,
  BatchMarker,
  BatchOrderExecutions,
} from '../../domain/ports/batches';
import type { ExecutionStatus, OrderExecution } from '../../domain/workflow/order-view';
import { executionArnOf, isAwsErrorType } from './step-functions';

export class StepFunctionsBatchExecutions implements BatchExecutions {
  constructor(private readonly options: { client: SFNClient; stateMachineArn: string }) {}

  async start(input: BatchExecutionInput): Promise<void> {
    try {
      await this.options.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.options.stateMachineArn,
          name: input.batchId,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      // Started before (by this batch's earlier submit: the name is the batchId, whose content the store fixed).
      if (!isAwsErrorType(error, 'ExecutionAlreadyExists')) throw error;
    }
  }
}

export class StepFunctionsBatchOrderExecutions implements BatchOrderExecutions {
  constructor(private readonly options: { client: SFNClient; stateMachineArn: string }) {}

  async start(orderId: string, input: Order & { batch: BatchMarker }): Promise<boolean> {
    try {
      await this.options.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.options.stateMachineArn,
          name: orderId,
          input: JSON.stringify(input),
        }),
      );
      return true;
    } catch (error) {
      if (isAwsErrorType(error, 'ExecutionAlreadyExists')) return false;
      throw error;
    }
  }

  async describe(orderId: string): Promise<OrderExecution | undefined> {
    try {
      const output = await this.options.client.send(
        new DescribeExecutionCommand({ executionArn: executionArnOf(this.options.stateMachineArn, orderId) }),
      );
      return fromDescribe(output, orderId);
    } catch (error) {
      if (isAwsErrorType(error, 'ExecutionDoesNotExist')) return undefined;
      throw error;
    }
  }
}

export function fromDescribe(output: DescribeExecutionCommandOutput, name: string): OrderExecution {
  return {
    name: output.name ?? name,
    executionArn: output.executionArn ?? '',
    status: (output.status ?? 'RUNNING') as ExecutionStatus,
    startDate: (output.startDate ?? new Date(0)).toISOString(),
    ...(output.stopDate ? { stopDate: output.stopDate.toISOString() } : {}),
    input: parseJson(output.input),
    output: parseJson(output.output),
    ...(output.error === undefined ? {} : { error: output.error }),
    ...(output.cause === undefined ? {} : { cause: output.cause }),
  };
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
