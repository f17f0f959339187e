/**
 * The order entry points' Step Functions wiring, once per configuration (module scope, reused by warm invocations),
 * pointed at `SFN_ENDPOINT` when set (the local endpoint) and at `STATE_MACHINE_ARN`: one `@aws-sdk/client-sfn` client.
 * GET /v1/orders/{orderId} only describes (`order-reader.ts`); POST /v1/orders starts executions and describes with
 * the same reader.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { awsClientConfig, getConfig } from '../../composition';
import type { ServiceConfig } from '../../config';
import type { OrderExecutionReader, OrderExecutions } from '../../domain/workflow/orders';
import { StepFunctionsOrderExecutions } from './executions';
import { StepFunctionsOrderReader } from './order-reader';

let cached:
  | { config: ServiceConfig; client: SFNClient; reader: StepFunctionsOrderReader; executions?: OrderExecutions }
  | undefined;

function wiring(): NonNullable<typeof cached> {
  const config = getConfig(['tracker']);
  if (cached?.config !== config) {
    cached?.client.destroy();
    const client = new SFNClient(awsClientConfig(config, config.sfnEndpoint));
    cached = {
      config,
      client,
      reader: new StepFunctionsOrderReader({ client, stateMachineArn: config.stateMachineArn as string }),
    };
  }
  return cached;
}

/** Describe executions only: GET /v1/orders/{orderId}. */
export function getOrderReader(): OrderExecutionReader {
  return wiring().reader;
}

/** Start and describe executions: POST /v1/orders. */
export function getOrderExecutions(): OrderExecutions {
  const current = wiring();
  current.executions ??= new StepFunctionsOrderExecutions({
    client: current.client,
    stateMachineArn: current.config.stateMachineArn as string,
    reader: current.reader,
  });
  return current.executions;
}
