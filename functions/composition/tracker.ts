/**
 * The subscriber tracker's wiring on `STATE_MACHINE_ARN`. Only the follow-up consumer of the audit table's stream
 * imports this module, so no API function carries the Step Functions client for tracking.
 */
import { StepFunctionsSubscriberTracker } from '../adapters/sfn/subscriber-tracker';
import type { SubscriberTracker } from '../domain/ports/workflow';
import { once } from './cache';
import { getConfig } from './root';
import { getStepFunctionsClient } from './step-functions';

/** Follows API Provision/Update with a workflow execution (needs `STATE_MACHINE_ARN`). */
export function getTracker(): SubscriberTracker {
  return once('tracker', () => {
    const config = getConfig(['tracker']);
    return new StepFunctionsSubscriberTracker({
      client: getStepFunctionsClient(),
      stateMachineArn: config.stateMachineArn as string,
    });
  });
}
