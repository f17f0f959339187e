/** Workflow task `precheck`: Precheck the order's subscriber with Webex. */
import { parseWorkflowState } from '../domain/workflow/payloads';
import { precheckStep } from '../domain/workflow/steps';
import { createTaskHandler } from './task-handler';

export const handler = createTaskHandler('precheck', (deps, input) => precheckStep(deps, parseWorkflowState(input)));
