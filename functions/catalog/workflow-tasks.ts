/**
 * The workflow's task functions: one Lambda each, shared by the CDK stack and the local Step Functions runtime.
 * Pure data, like the route table.
 */
export interface WorkflowTaskDefinition {
  /** Logical name, also the key the local runtime routes task invocations by. */
  name: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  summary: string;
}

export const WORKFLOW_TASKS = [
  {
    name: 'validateOrder',
    entry: 'functions/workflow/validate-order.ts',
    summary: 'Validate an order (OrderSchema); a bad order ends the workflow with InvalidOrder',
  },
  {
    name: 'startTracking',
    entry: 'functions/workflow/start-tracking.ts',
    summary: 'Follow a subscriber put into background work by an API Provision or Update',
  },
  {
    name: 'precheck',
    entry: 'functions/workflow/precheck.ts',
    summary: "Precheck the order's subscriber with Webex",
  },
  {
    name: 'provision',
    entry: 'functions/workflow/provision.ts',
    summary: 'Provision the subscriber; on a 409 adopt only what an earlier attempt of the order created',
  },
  {
    name: 'checkStatus',
    entry: 'functions/workflow/check-status.ts',
    summary: "Read the subscriber's status, audit transitions and compute the next wait",
  },
  {
    name: 'resendConsent',
    entry: 'functions/workflow/resend-consent.ts',
    summary: 'Resend the consent email once while pending_user_migration',
  },
  {
    name: 'recordFailure',
    entry: 'functions/workflow/record-failure.ts',
    summary: 'Audit a failure caught after retries and build its machine-readable cause',
  },
] as const satisfies readonly WorkflowTaskDefinition[];

export type WorkflowTaskName = (typeof WORKFLOW_TASKS)[number]['name'];
