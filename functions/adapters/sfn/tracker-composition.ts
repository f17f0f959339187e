/**
 * The subscriber tracker's Step Functions wiring: one SFN client per configuration (module scope, reused by warm
 * invocations), pointed at `SFN_ENDPOINT` when set (the local endpoint). Only the functions that start tracking
 * executions import this module, so no other bundle carries the Step Functions client. Static, named imports: esbuild
 * keeps only the commands and schemas used.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { getConfig } from '../../composition';
import type { ServiceConfig } from '../../config';
import type { SubscriberTracker } from '../../domain/ports/workflow';
import { StepFunctionsSubscriberTracker } from './subscriber-tracker';

let cached: { config: ServiceConfig; client: SFNClient; tracker: SubscriberTracker } | undefined;

/** Follows API Provision/Update with a workflow execution; `undefined` when no state machine is configured. */
export function getTracker(): SubscriberTracker | undefined {
  const config = getConfig();
  const stateMachineArn = config.stateMachineArn;
  if (stateMachineArn === undefined) return undefined;
  if (cached?.config !== config) {
    cached?.client.destroy();
    const client = new SFNClient({
      ...(config.awsRegion === undefined ? {} : { region: config.awsRegion }),
      ...(config.sfnEndpoint === undefined ? {} : { endpoint: config.sfnEndpoint }),
    });
    cached = { config, client, tracker: new StepFunctionsSubscriberTracker({ client, stateMachineArn }) };
  }
  return cached.tracker;
}
