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

// Filled in by the workflow issue; the stack creates one function per entry.
export const WORKFLOW_TASKS: readonly WorkflowTaskDefinition[] = [];
