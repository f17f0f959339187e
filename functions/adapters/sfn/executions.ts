/**
 * The provisioning workflow's executions over the Step Functions API (AWS, or the local endpoint via SFN_ENDPOINT).
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Order } from '../../domain/contract/order';
import type {
  ExecutionStatus,
  OrderExecution,
  OrderExecutionReader,
  OrderExecutions,
} from '../../domain/workflow/orders';

/** `arn:aws:states:<region>:<account>:execution:<state machine name>:<execution name>`. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && (error.name === name || (error as { __type?: string }).__type === name);
}

export function toOrderExecution(output: DescribeExecutionCommandOutput): OrderExecution {
  return {
    name: output.name ?? '',
    executionArn: output.executionArn ?? '',
    status: (output.status ?? 'RUNNING') as ExecutionStatus,
    startDate: (output.startDate ?? new Date(0)).toISOString(),
    ...(output.stopDate ? { stopDate: output.stopDate.toISOString() } : {}),
    input: parseJson(output.input),
    output: parseJson(output.output),
    ...(output.error !== undefined ? { error: output.error } : {}),
    ...(output.cause !== undefined ? { cause: output.cause } : {}),
  };
}

/** DescribeExecution only: what GET /v1/orders/{orderId} needs (its bundle then has no StartExecution). */
export class StepFunctionsOrderReader implements OrderExecutionReader {
  protected readonly client: SFNClient;
  protected readonly stateMachineArn: string;

  constructor(options: { client: SFNClient; stateMachineArn: string }) {
    this.client = options.client;
    this.stateMachineArn = options.stateMachineArn;
  }

  async describe(name: string): Promise<OrderExecution | undefined> {
    try {
      const output = await this.client.send(
        new DescribeExecutionCommand({ executionArn: executionArnOf(this.stateMachineArn, name) }),
      );
      return toOrderExecution(output);
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist || isNamed(error, 'ExecutionDoesNotExist')) return undefined;
      throw error;
    }
  }
}

export class StepFunctionsOrderExecutions extends StepFunctionsOrderReader implements OrderExecutions {
  async start(name: string, input: Order): Promise<OrderExecution | undefined> {
    try {
      const started = await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return {
        name,
        executionArn: started.executionArn ?? executionArnOf(this.stateMachineArn, name),
        status: 'RUNNING',
        startDate: (started.startDate ?? new Date()).toISOString(),
        input,
      };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists || isNamed(error, 'ExecutionAlreadyExists')) return undefined;
      throw error;
    }
  }
}
