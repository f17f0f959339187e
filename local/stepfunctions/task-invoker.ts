/**
 * Invoking Lambda tasks for the local engine: each Task state of an execution calls its handler (`task-handlers.ts`)
 * the way Lambda would (a fresh copy of the JSON in, the serialised result out) and records the Lambda history events
 * it produces, to be placed before the task state's exit.
 */
import type { AslState } from '../../infra/workflow/asl';
import * as h from './history';
import { asLambdaError, lambdaContext, type TaskHandler, taskNameOfArn } from './task-handlers';
import type { RunningExecution } from './types';

/** Runs one Task state of `execution`: the handler its Lambda ARN names, with a Lambda-like context. */
export async function invokeTask(
  handlers: Record<string, TaskHandler>,
  execution: RunningExecution,
  stateName: string,
  state: AslState,
  input: unknown,
): Promise<unknown> {
  const resource = state.Resource ?? '';
  const taskName = taskNameOfArn(resource);
  const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : 60;
  const pending = (draft: h.EventDraft) => execution.pendingTaskEvents.push({ stateName, draft });
  pending(h.lambdaScheduled(resource, input, Date.now(), timeoutSeconds));
  pending(h.lambdaStarted(Date.now()));
  const handler = taskName ? handlers[taskName] : undefined;
  try {
    if (!handler) {
      const error = new Error(`Function not found: ${resource}`);
      error.name = 'Lambda.ResourceNotFoundException';
      throw error;
    }
    // Lambda hands the handler a fresh copy of the JSON and serialises what it returns.
    const running = handler(JSON.parse(JSON.stringify(input ?? null)), lambdaContext(resource, timeoutSeconds * 1000));
    execution.tasksRunning.add(running);
    const result = await running.finally(() => execution.tasksRunning.delete(running));
    const output = result === undefined ? null : JSON.parse(JSON.stringify(result));
    pending(h.lambdaSucceeded(output, Date.now()));
    execution.lastTaskOutput = output;
    execution.consecutiveFailures.delete(stateName);
    return output;
  } catch (thrown) {
    const failure = asLambdaError(thrown);
    pending(h.lambdaFailed(failure.name, failure.message, Date.now()));
    execution.consecutiveFailures.set(stateName, (execution.consecutiveFailures.get(stateName) ?? 0) + 1);
    throw failure;
  }
}

/** The local handler of every Task state of `states` for one execution, by state name (what the library calls). */
export function taskResourceHandlers(
  states: Record<string, AslState>,
  handlers: Record<string, TaskHandler>,
  execution: RunningExecution,
): Record<string, (input: unknown) => Promise<unknown>> {
  const taskHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [stateName, state] of Object.entries(states)) {
    if (state.Type === 'Task' && typeof state.Resource === 'string') {
      taskHandlers[stateName] = (taskInput) => invokeTask(handlers, execution, stateName, state, taskInput);
    }
  }
  return taskHandlers;
}
