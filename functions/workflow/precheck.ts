/** Workflow task `precheck`: Precheck the order's subscriber with Webex. */
import { parseWorkflowState, precheckStep } from '../domain/workflow/steps';
import { createTaskHandler } from './task-handler';

export const handler = createTaskHandler('precheck', (deps, input) => precheckStep(deps, parseWorkflowState(input)));
