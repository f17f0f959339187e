/**
 * DescribeExecution as one signed AWS JSON 1.0 request (`../aws/aws-json-client.ts`): all GET /v1/orders/{orderId}
 * needs from Step Functions, without the 22 KB of `@aws-sdk/client-sfn` in its bundle. POST /v1/orders describes
 * through it too (after ExecutionAlreadyExists), so an execution reads the same on both paths.
 */
import type { ExecutionStatus, OrderExecution, OrderExecutionReader } from '../../domain/workflow/order-view';
import { AwsJsonClient, type AwsJsonClientOptions, AwsRequestError } from '../aws/aws-json-client';
import { executionArnOf, STEP_FUNCTIONS } from './step-functions';

const STATUSES: ReadonlySet<string> = new Set<ExecutionStatus>([
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
]);

export class StepFunctionsOrderReader implements OrderExecutionReader {
  readonly #client: AwsJsonClient;
  readonly #stateMachineArn: string;

  constructor(options: AwsJsonClientOptions & { stateMachineArn: string }) {
    const { stateMachineArn, ...clientOptions } = options;
    this.#client = new AwsJsonClient(STEP_FUNCTIONS, clientOptions);
    this.#stateMachineArn = stateMachineArn;
  }

  async describe(name: string): Promise<OrderExecution | undefined> {
    try {
      const output = await this.#client.call('DescribeExecution', {
        executionArn: executionArnOf(this.#stateMachineArn, name),
      });
      return toOrderExecution(output, name);
    } catch (error) {
      if (error instanceof AwsRequestError && error.code === 'ExecutionDoesNotExist') return undefined;
      throw error;
    }
  }

  /** Close the kept-alive connections. */
  destroy(): void {
    this.#client.destroy();
  }
}

/** DescribeExecution's answer (dates are epoch seconds, input and output JSON text) as an order's execution. */
export function toOrderExecution(output: Record<string, unknown>, name: string): OrderExecution {
  const text = (key: string) => (typeof output[key] === 'string' ? (output[key] as string) : undefined);
  const status = text('status');
  const stopDate = isoOf(output.stopDate);
  const error = text('error');
  const cause = text('cause');
  return {
    name: text('name') ?? name,
    executionArn: text('executionArn') ?? '',
    status: (status !== undefined && STATUSES.has(status) ? status : 'RUNNING') as ExecutionStatus,
    startDate: isoOf(output.startDate) ?? new Date(0).toISOString(),
    ...(stopDate === undefined ? {} : { stopDate }),
    input: parseJson(text('input')),
    output: parseJson(text('output')),
    ...(error === undefined ? {} : { error }),
    ...(cause === undefined ? {} : { cause }),
  };
}

/** An AWS JSON timestamp (epoch seconds, fractions allowed) as ISO 8601. */
function isoOf(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? new Date(Math.round(value * 1000)).toISOString()
    : undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
