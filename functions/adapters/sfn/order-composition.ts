/**
 * The order entry points' Step Functions wiring, once per configuration (module scope, reused by warm invocations),
 * pointed at `SFN_ENDPOINT` when set (the local endpoint) and at `STATE_MACHINE_ARN`. GET /v1/orders/{orderId} only
 * describes, with a signed request (`order-reader.ts`): its bundle has no Step Functions client. POST /v1/orders starts
 * executions with `@aws-sdk/client-sfn` and describes with the same reader.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { awsClientConfig, awsJsonClientOptions, getConfig } from '../../composition';
import type { ServiceConfig } from '../../config';
import type { OrderExecutionReader, OrderExecutions } from '../../domain/workflow/orders';
import { StepFunctionsOrderExecutions } from './executions';
import { StepFunctionsOrderReader } from './order-reader';

let reader: { config: ServiceConfig; reader: StepFunctionsOrderReader } | undefined;
let executions: { config: ServiceConfig; client: SFNClient; executions: OrderExecutions } | undefined;

/** Describe executions only: GET /v1/orders/{orderId}. */
export function getOrderReader(): OrderExecutionReader {
  const config = getConfig(['tracker']);
  if (reader?.config !== config) {
    reader?.reader.destroy();
    reader = {
      config,
      reader: new StepFunctionsOrderReader({
        ...awsJsonClientOptions(config, config.sfnEndpoint),
        stateMachineArn: config.stateMachineArn as string,
      }),
    };
  }
  return reader.reader;
}

/** Start and describe executions: POST /v1/orders. */
export function getOrderExecutions(): OrderExecutions {
  const config = getConfig(['tracker']);
  if (executions?.config !== config) {
    executions?.client.destroy();
    const client = new SFNClient(awsClientConfig(config, config.sfnEndpoint));
    executions = {
      config,
      client,
      executions: new StepFunctionsOrderExecutions({
        client,
        stateMachineArn: config.stateMachineArn as string,
        reader: getOrderReader(),
      }),
    };
  }
  return executions.executions;
}
