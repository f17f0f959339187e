/**
 * What every workflow task Lambda shares: dependencies from the composition root (module-scope singletons, built once
 * per cold start), a structured log line per invocation (no personal data), the order outcome metric when a task
 * ends an order (`shared/metrics.ts`), and errors named for the state machine's
 * Retry/Catch rules (`UpstreamUnavailable`, `AuditUnavailable`, …).
 */
import { getAuditDependencies, getAuditLookup, getOutcomeMetrics } from '../composition/root';
import { getStatusRecords } from '../composition/status-sweep';
import { getAuditedWebexDependencies } from '../composition/webex';
import type { AuditOnlyWorkflowDeps, WorkflowDeps } from '../domain/workflow/step-deps';
import { addLambdaContext, type Logger, logger as rootLogger } from '../shared/logger';
import { recordOrderOutcome } from '../shared/metrics';

export interface TaskContext {
  awsRequestId?: string;
}

/** The ports the workflow steps need, from the composition root. */
export async function workflowDependencies(logger: Logger): Promise<WorkflowDeps> {
  return {
    ...(await getAuditedWebexDependencies(logger)),
    lookup: getAuditLookup(),
    statusRecords: getStatusRecords(),
  };
}

function refOf(input: unknown): string | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const record = input as Record<string, unknown>;
  if (typeof record.ref === 'string') return record.ref;
  if (typeof record.executionName === 'string') return record.executionName;
  return undefined;
}

type TaskOutput = { route?: string; throttled?: boolean; kind?: string; failure?: { error?: string } };

/** The order outcome metric of a task whose output ends the order (or the followed subscriber's tracking). */
export function recordOutcomeOf(output: TaskOutput): void {
  if (output.route !== 'succeeded' && output.route !== 'failed') return;
  recordOrderOutcome({
    kind: output.kind === 'tracking' ? 'tracking' : 'order',
    outcome: output.route === 'succeeded' ? 'Succeeded' : (output.failure?.error ?? 'Failed'),
  });
}

/** Build a task handler: `step` turns the task's input into the next workflow state. */
export function createTaskHandler<TOutput extends TaskOutput>(
  task: string,
  step: (deps: WorkflowDeps, input: unknown) => Promise<TOutput>,
) {
  return buildTaskHandler(task, workflowDependencies, step);
}

/**
 * Build the handler of a task that never calls Webex (it validates, records or routes): it needs no Webex credentials,
 * so its function is not granted the partner token (`infra/function-access.ts`).
 */
export function createAuditOnlyTaskHandler<TOutput extends TaskOutput>(
  task: string,
  step: (deps: AuditOnlyWorkflowDeps, input: unknown) => Promise<TOutput>,
) {
  return buildTaskHandler(task, getAuditDependencies, step);
}

function buildTaskHandler<TDeps, TOutput extends TaskOutput>(
  task: string,
  dependencies: (logger: Logger) => Promise<TDeps>,
  step: (deps: TDeps, input: unknown) => Promise<TOutput>,
) {
  const baseLogger = rootLogger.child({ task });
  return async (input: unknown, context?: TaskContext): Promise<TOutput> => {
    addLambdaContext(rootLogger, context);
    const logger = baseLogger.child({ orderId: refOf(input), requestId: context?.awsRequestId });
    const startedAt = Date.now();
    try {
      const output = await step({ ...(await dependencies(logger)), metrics: getOutcomeMetrics() }, input);
      logger.info('task done', {
        route: output.route,
        throttled: output.throttled,
        latencyMs: Date.now() - startedAt,
      });
      return output;
    } catch (error) {
      logger.warn('task failed', {
        errorName: error instanceof Error ? error.name : typeof error,
        latencyMs: Date.now() - startedAt,
      });
      throw error;
    }
  };
}
