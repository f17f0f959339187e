/**
 * The subscriber tracker's Step Functions wiring: one SFN client per configuration (module scope, reused by warm
 * invocations), pointed at `SFN_ENDPOINT` when set (the local endpoint). Only the follow-up consumer of the audit
 * table's stream imports this module, so no API function carries the Step Functions client for tracking. Static, named
 * imports: esbuild keeps only the commands and schemas used.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { awsClientConfig, getConfig } from '../../composition';
import type { ServiceConfig } from '../../config';
import type { SubscriberTracker } from '../../domain/ports/workflow';
import { StepFunctionsSubscriberTracker } from './subscriber-tracker';

let cached: { config: ServiceConfig; client: SFNClient; tracker: SubscriberTracker } | undefined;

/** Follows API Provision/Update with a workflow execution (needs `STATE_MACHINE_ARN`). */
export function getTracker(): SubscriberTracker {
  const config = getConfig(['tracker']);
  const stateMachineArn = config.stateMachineArn as string;
  if (cached?.config !== config) {
    cached?.client.destroy();
    const client = new SFNClient(awsClientConfig(config, config.sfnEndpoint));
    cached = { config, client, tracker: new StepFunctionsSubscriberTracker({ client, stateMachineArn }) };
  }
  return cached.tracker;
}
