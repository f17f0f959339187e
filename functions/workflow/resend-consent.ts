/** Workflow task `resendConsent`: Resend the consent email once while pending_user_migration. */
import { parseWorkflowState } from '../domain/workflow/payloads';
import { resendConsentStep } from '../domain/workflow/steps';
import { createTaskHandler } from './task-handler';

export const handler = createTaskHandler('resendConsent', (deps, input) =>
  resendConsentStep(deps, parseWorkflowState(input)),
);
