/** Workflow task `recordFailure`: audit a failure caught after retries and build its machine-readable cause. */
import { readStartPayload } from '../domain/workflow/payloads';
import { recordFailureStep } from '../domain/workflow/steps';
import { createAuditOnlyTaskHandler } from './task-handler';

export const handler = createAuditOnlyTaskHandler('recordFailure', (deps, input) => {
  const { executionName } = readStartPayload(input);
  const state = input !== null && typeof input === 'object' ? (input as { state?: unknown }).state : undefined;
  return recordFailureStep(deps, { state, executionName });
});
