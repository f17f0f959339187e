/**
 * The local Step Functions engine's vocabulary: an execution's record and status, the engine's options, the API error
 * it throws, and the state the runner keeps for each execution while it runs.
 */
import type { Logger } from '../../functions/shared/logger';
import type { AslDefinition } from '../../infra/workflow/asl';
import type * as h from './history';
import type { ExecutionStore } from './persistence';
import type { TaskHandler } from './task-handlers';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** A Step Functions API error: `type` is the AWS error code (`__type`). */
export class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export interface WaitInfo {
  executionArn: string;
  stateName: string;
  seconds: number;
  /** The Wait state's input (the workflow state the last task returned). */
  input: unknown;
}

export interface LocalEngineOptions {
  /** ASL to run; default: rendered from the CDK construct. */
  definition?: AslDefinition;
  stateMachineName?: string;
  /** Multiplies every wait and retry interval (default 1). */
  timeScale?: number;
  /** Called at each Wait state with the seconds the definition asked for. */
  onWait?: (wait: WaitInfo) => void;
  /** Task handlers by task name (default: the modules listed in functions/catalog/workflow-tasks.ts). */
  taskHandlers?: Record<string, TaskHandler>;
  /** Wraps each task handler (tests use it to inject faults between Step Functions and the handler). */
  wrapTask?: (taskName: string, handler: TaskHandler) => TaskHandler;
  /**
   * Closed executions whose history is kept in memory (older ones keep their name, status, input and output, so an
   * execution name stays taken, as in AWS); default 1000. Closed executions beyond 50 times that are dropped.
   */
  maxClosedExecutions?: number;
  /**
   * Keeps executions across restarts (`persistence.ts`): every change is saved; `restore` reads them back and
   * `resumeRunning` continues the ones that were running. Default: in memory only.
   */
  store?: ExecutionStore;
  /** Called once when an execution ends (the local stand-in for Step Functions' execution status change events). */
  onExecutionEnd?: (execution: ExecutionRecord) => void;
  logger?: Logger;
}

export interface ExecutionRecord {
  executionArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number | undefined;
  output?: string | undefined;
  error?: string | undefined;
  cause?: string | undefined;
  events: h.HistoryEvent[];
}

export interface RunningExecution {
  record: ExecutionRecord;
  abort: () => void;
  done: Promise<void>;
  stopRequest?: { error?: string | undefined; cause?: string | undefined };
  /** Output of the last task: the input of the Wait states that follow it (Choice states pass data through). */
  lastTaskOutput: unknown;
  /** Task Lambda events waiting to be placed before their task state's exit (the engine's log lags behind). */
  pendingTaskEvents: Array<{ stateName: string; draft: h.EventDraft }>;
  consecutiveFailures: Map<string, number>;
  /** Task handlers that have not returned yet: an abort stops the execution, not a handler's own work. */
  tasksRunning: Set<Promise<unknown>>;
  /** Stopped by `suspend`: it stays RUNNING (in the store) and resumes after the next start. */
  suspended?: boolean;
}
