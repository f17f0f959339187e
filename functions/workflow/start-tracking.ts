/** Workflow task `startTracking`: Start following a subscriber after an API Provision or Update (enters at the polling stage). */
import { getAuditLookup } from '../composition/root';
import { readStartPayload } from '../domain/workflow/payloads';
import { startTrackingStep } from '../domain/workflow/steps';
import { createAuditOnlyTaskHandler } from './task-handler';

export const handler = createAuditOnlyTaskHandler('startTracking', (deps, input) =>
  startTrackingStep({ ...deps, lookup: getAuditLookup() }, readStartPayload(input)),
);
