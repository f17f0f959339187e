/**
 * The order entry points' Step Functions wiring: one SFN client per configuration (module scope, reused by warm
 * invocations), pointed at `SFN_ENDPOINT` when set (the local endpoint) and at `STATE_MACHINE_ARN`.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { getConfig } from '../../composition';
import type { ServiceConfig } from '../../config';
import type { OrderExecutions } from '../../domain/workflow/orders';
import { StepFunctionsOrderExecutions } from './executions';

let cached: { config: ServiceConfig; client: SFNClient; executions: OrderExecutions } | undefined;

export function getOrderExecutions(): OrderExecutions {
  const config = getConfig(['tracker']);
  if (cached?.config !== config) {
    cached?.client.destroy();
    const client = new SFNClient({
      ...(config.awsRegion === undefined ? {} : { region: config.awsRegion }),
      ...(config.sfnEndpoint === undefined ? {} : { endpoint: config.sfnEndpoint }),
    });
    cached = {
      config,
      client,
      executions: new StepFunctionsOrderExecutions({ client, stateMachineArn: config.stateMachineArn as string }),
    };
  }
  return cached.executions;
}
