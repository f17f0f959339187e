/** Workflow task `provision`: Provision the subscriber; adopt the existing one on a 409 for the order's userId. */
import { parseWorkflowState } from '../domain/workflow/payloads';
import { provisionStep } from '../domain/workflow/steps';
import { createTaskHandler } from './task-handler';

export const handler = createTaskHandler('provision', (deps, input) => provisionStep(deps, parseWorkflowState(input)));
