/**
 * Starting the provisioning workflow's executions (POST /v1/orders) with `@aws-sdk/client-sfn`, on AWS or the local
 * endpoint (SFN_ENDPOINT). Reading one goes through DescribeExecution (`order-reader.ts`).
 */
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Order } from '../../domain/contract/order';
import type { OrderExecution, OrderExecutionReader, OrderExecutions } from '../../domain/workflow/orders';
import { executionArnOf, isAwsErrorType } from './step-functions';

export class StepFunctionsOrderExecutions implements OrderExecutions {
  readonly #client: SFNClient;
  readonly #stateMachineArn: string;
  readonly #reader: OrderExecutionReader;

  constructor(options: { client: SFNClient; stateMachineArn: string; reader: OrderExecutionReader }) {
    this.#client = options.client;
    this.#stateMachineArn = options.stateMachineArn;
    this.#reader = options.reader;
  }

  describe(name: string): Promise<OrderExecution | undefined> {
    return this.#reader.describe(name);
  }

  async start(name: string, input: Order): Promise<OrderExecution | undefined> {
    try {
      const started = await this.#client.send(
        new StartExecutionCommand({ stateMachineArn: this.#stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return {
        name,
        executionArn: started.executionArn ?? executionArnOf(this.#stateMachineArn, name),
        status: 'RUNNING',
        startDate: (started.startDate ?? new Date()).toISOString(),
        input,
      };
    } catch (error) {
      if (isAwsErrorType(error, 'ExecutionAlreadyExists')) return undefined;
      throw error;
    }
  }
}
