/**
 * DescribeExecution with `@aws-sdk/client-sfn`: all GET /v1/orders/{orderId} needs from Step Functions. POST
 * /v1/orders describes through it too (after ExecutionAlreadyExists), so an execution reads the same on both paths.
 */
import { DescribeExecutionCommand, type DescribeExecutionCommandOutput, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStatus, OrderExecution, OrderExecutionReader } from '../../domain/workflow/order-view';
import { executionArnOf, isAwsErrorType } from './step-functions';

const STATUSES: ReadonlySet<string> = new Set<ExecutionStatus>([
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
]);

/** What the reader needs of a Step Functions client: `SFNClient` fits, and so does a test double. */
export type DescribeExecutionSender = Pick<SFNClient, 'send'>;

export class StepFunctionsOrderReader implements OrderExecutionReader {
  readonly #client: DescribeExecutionSender;
  readonly #stateMachineArn: string;

  constructor(options: { client: DescribeExecutionSender; stateMachineArn: string }) {
    this.#client = options.client;
    this.#stateMachineArn = options.stateMachineArn;
  }

  async describe(name: string): Promise<OrderExecution | undefined> {
    try {
      const output = await this.#client.send(
        new DescribeExecutionCommand({ executionArn: executionArnOf(this.#stateMachineArn, name) }),
      );
      return toOrderExecution(output, name);
    } catch (error) {
      if (isAwsErrorType(error, 'ExecutionDoesNotExist')) return undefined;
      throw error;
    }
  }
}

/** DescribeExecution's answer (input and output are JSON text) as an order's execution. */
export function toOrderExecution(
  output: Partial<Omit<DescribeExecutionCommandOutput, '$metadata'>>,
  name: string,
): OrderExecution {
  const status = output.status;
  return {
    name: output.name ?? name,
    executionArn: output.executionArn ?? '',
    status: (status !== undefined && STATUSES.has(status) ? status : 'RUNNING') as ExecutionStatus,
    startDate: isoOf(output.startDate) ?? new Date(0).toISOString(),
    ...(isoOf(output.stopDate) === undefined ? {} : { stopDate: isoOf(output.stopDate) as string }),
    input: parseJson(output.input),
    output: parseJson(output.output),
    ...(output.error === undefined ? {} : { error: output.error }),
    ...(output.cause === undefined ? {} : { cause: output.cause }),
  };
}

function isoOf(value: Date | undefined): string | undefined {
  return value instanceof Date && Number.isFinite(value.getTime()) ? value.toISOString() : undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
