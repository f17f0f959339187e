/** Workflow task `checkStatus`: Read the subscriber's status, audit transitions and decide (done, failed, resend consent, wait again). */
import { parseWorkflowState } from '../domain/workflow/payloads';
import { checkStatusStep } from '../domain/workflow/steps';
import { createTaskHandler } from './task-handler';

export const handler = createTaskHandler('checkStatus', (deps, input) =>
  checkStatusStep(deps, parseWorkflowState(input)),
);
