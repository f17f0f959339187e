/** Workflow task `validateOrder`: Validate the order; a bad order ends the workflow with InvalidOrder. */
import { readStartPayload } from '../domain/workflow/payloads';
import { validateOrderStep } from '../domain/workflow/steps';
import { createAuditOnlyTaskHandler } from './task-handler';

export const handler = createAuditOnlyTaskHandler('validateOrder', (deps, input) =>
  validateOrderStep(deps, readStartPayload(input)),
);
