/**
 * The batch functions that are not API routes: the batch workflow's chunk task and the recorder of order outcomes.
 * Pure data, shared by the CDK stack and the local runtime (like `workflow-tasks.ts`).
 */
import type { WorkflowTaskDefinition } from './workflow-tasks';

export const BATCH_TASKS = [
  {
    name: 'startBatchChunk',
    entry: 'functions/batches/start-chunk.ts',
    summary: "Start one chunk of a batch's orders (execution name = orderId) and answer the wait that keeps the rate",
  },
] as const satisfies readonly WorkflowTaskDefinition[];

export type BatchTaskName = (typeof BATCH_TASKS)[number]['name'];

/** Target of the provisioning workflow's execution status change events (EventBridge in AWS). */
export const ORDER_OUTCOME_RECORDER = {
  name: 'recordOrderOutcome',
  entry: 'functions/batches/record-order-outcome.ts',
  summary: "Record an order's outcome for its batch when its execution ends (execution status change events)",
} as const satisfies WorkflowTaskDefinition;
