/**
 * The order entry points' Step Functions wiring: one SFN client per configuration (module scope, reused by warm
 * invocations), pointed at `SFN_ENDPOINT` when set (the local endpoint) and at `STATE_MACHINE_ARN`.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { awsClientConfig, getConfig } from '../../composition';
import type { ServiceConfig } from '../../config';
import type { OrderExecutionReader, OrderExecutions } from '../../domain/workflow/orders';
import { StepFunctionsOrderExecutions, StepFunctionsOrderReader } from './executions';

type Adapter = typeof StepFunctionsOrderReader | typeof StepFunctionsOrderExecutions;
let cached:
  | { config: ServiceConfig; client: SFNClient; adapter: Adapter; executions: OrderExecutionReader }
  | undefined;

function build<A extends Adapter>(adapter: A): InstanceType<A> {
  const config = getConfig(['tracker']);
  if (cached?.config !== config || cached.adapter !== adapter) {
    cached?.client.destroy();
    const client = new SFNClient(awsClientConfig(config, config.sfnEndpoint));
    cached = {
      config,
      client,
      adapter,
      executions: new adapter({ client, stateMachineArn: config.stateMachineArn as string }),
    };
  }
  return cached.executions as InstanceType<A>;
}

/** Start and describe executions: POST /v1/orders. */
export function getOrderExecutions(): OrderExecutions {
  return build(StepFunctionsOrderExecutions);
}

/** Describe executions only: GET /v1/orders/{orderId} (its bundle carries no StartExecution). */
export function getOrderReader(): OrderExecutionReader {
  return build(StepFunctionsOrderReader);
}
