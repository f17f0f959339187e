/**
 * The local stand-in for Lambda: every task of the workflow runs the same handler module Lambda runs
 * (`functions/catalog/workflow-tasks.ts` names them), imported once, called with the task's input and a Lambda-like context.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WORKFLOW_TASKS } from '../../functions/catalog/workflow-tasks';

export interface LocalLambdaContext {
  awsRequestId: string;
  functionName: string;
  invokedFunctionArn: string;
  getRemainingTimeInMillis(): number;
}

export type TaskHandler = (input: unknown, context: LocalLambdaContext) => Promise<unknown>;

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** The task name of a Lambda ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]`). */
export function taskNameOfArn(arn: string): string | undefined {
  const match = /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)(:[^:]+)?$/.exec(arn);
  return match?.[1];
}

/** Lazily imports each task's handler module: by default the provisioning workflow's tasks. */
export function moduleTaskHandlers(
  tasks: ReadonlyArray<{ name: string; entry: string }> = WORKFLOW_TASKS,
): Record<string, TaskHandler> {
  const handlers: Record<string, TaskHandler> = {};
  for (const task of tasks) {
    let loaded: Promise<TaskHandler> | undefined;
    handlers[task.name] = async (input, context) => {
      loaded ??= import(pathToFileURL(resolve(REPO_ROOT, task.entry)).href).then((mod: { handler?: unknown }) => {
        if (typeof mod.handler !== 'function') throw new Error(`${task.entry} does not export a handler`);
        return mod.handler as TaskHandler;
      });
      const handler = await loaded;
      return handler(input, context);
    };
  }
  return handlers;
}

export function lambdaContext(functionArn: string, timeoutMs: number): LocalLambdaContext {
  const deadline = Date.now() + timeoutMs;
  return {
    awsRequestId: randomUUID(),
    functionName: taskNameOfArn(functionArn) ?? 'unknown',
    invokedFunctionArn: functionArn,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/**
 * An error as Step Functions sees a failed Lambda: `Error` is the errorType (the thrown error's name) and `Cause` the
 * JSON document Lambda reports (`errorType`, `errorMessage`, `trace`).
 */
export function asLambdaError(error: unknown): Error {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const failure = new Error(JSON.stringify({ errorType: name, errorMessage: message, trace: [] }));
  failure.name = name;
  return failure;
}
