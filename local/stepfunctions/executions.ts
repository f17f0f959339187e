/**
 * The runner of the local engine's executions: runs the state machine definition on `aws-local-stepfunctions`, turns the
 * library's execution log into an AWS-shaped history, ends each execution once (saving it and calling `onExecutionEnd`),
 * and keeps the executions: restored from the store, resumed where they stopped, suspended or stopped at shutdown, the
 * oldest closed ones pruned.
 */
import './polyfill';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Logger } from '../../functions/shared/logger';
import type { AslDefinition, AslState } from '../../infra/workflow/asl';
import { settleWithin } from '../settle';
import * as h from './history';
import { resumePoint } from './persistence';
import type { TaskHandler } from './task-handlers';
import { taskResourceHandlers } from './task-invoker';
import { armExecutionTimeout, retryIntervalOverrides, type Timing, waitTimeOverrides } from './timing';
import {
  type ExecutionRecord,
  type ExecutionStatus,
  type LocalEngineOptions,
  type RunningExecution,
  SfnError,
} from './types';

/** The state machine the executions belong to. */
export interface MachineIdentity {
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  definition: AslDefinition;
}

/** An event of aws-local-stepfunctions' execution log. */
interface EngineEvent {
  type: string;
  timestamp: number;
  [field: string]: unknown;
}

export class ExecutionRunner {
  private readonly machine: StateMachine;
  /** The definition the library runs (a copy, without TimeoutSeconds): resumed executions start it at another state. */
  private readonly runnable: AslDefinition;
  /** Restored RUNNING executions, waiting for `resumeRunning`. */
  private restoredRunning: ExecutionRecord[] = [];
  private readonly executions = new Map<string, RunningExecution>();
  /** Every state by name, those inside Map and Parallel states included (their names are unique in a definition). */
  private readonly states: Record<string, AslState>;
  private readonly timing: Timing;

  constructor(
    private readonly identity: MachineIdentity,
    private readonly handlers: Record<string, TaskHandler>,
    private readonly options: LocalEngineOptions,
    private readonly logger: Logger,
  ) {
    this.states = allStates(identity.definition.States);
    this.timing = {
      states: this.states,
      timeScale: Math.max(0, options.timeScale ?? 1),
      onWait: options.onWait,
      logger,
    };
    // The overall timeout is enforced by `timing.ts` (a 30-day timer would overflow Node's timers).
    const { TimeoutSeconds: _timeout, ...runnable } = identity.definition;
    // A copy: the engine annotates the definition it is given (QueryLanguage on every state).
    const copy = structuredClone(runnable) as AslDefinition;
    this.runnable = structuredClone(copy);
    this.machine = new StateMachine(copy as ConstructorParameters<typeof StateMachine>[0]);
  }

  /** The execution, or undefined when there is none by that ARN. */
  get(executionArn: string): RunningExecution | undefined {
    return this.executions.get(executionArn);
  }

  /** The execution an API request names, or the AWS error for a malformed or unknown ARN. */
  find(executionArn: unknown): RunningExecution {
    if (typeof executionArn !== 'string' || !executionArn.startsWith('arn:aws:states:')) {
      throw new SfnError('InvalidArn', `Invalid Arn: '${String(executionArn)}'`);
    }
    const execution = this.executions.get(executionArn);
    if (!execution) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  /** Every execution's record, in the order they were kept. */
  records(): ExecutionRecord[] {
    return [...this.executions.values()].map((e) => e.record);
  }

  /** Start a new execution of the definition with `input`. */
  start(record: ExecutionRecord, input: unknown): void {
    this.run(record, input);
    this.prune();
  }

  private append(record: ExecutionRecord, draft: h.EventDraft): void {
    const id = record.events.length + 1;
    record.events.push({ ...draft, id, previousEventId: id - 1 } as h.HistoryEvent);
    this.options.store?.save(record);
  }

  /**
   * Executions read back from the store: closed ones are listed and described again; RUNNING ones wait for
   * `resumeRunning` (call it once the task handlers' environment is ready).
   */
  restore(records: readonly ExecutionRecord[]): void {
    for (const record of records) {
      if (this.executions.has(record.executionArn)) continue;
      if (record.status === 'RUNNING') {
        this.restoredRunning.push(record);
        continue;
      }
      this.executions.set(record.executionArn, {
        record,
        abort: () => undefined,
        done: Promise.resolve(),
        lastTaskOutput: undefined,
        pendingTaskEvents: [],
        consecutiveFailures: new Map(),
        tasksRunning: new Set(),
      });
    }
  }

  /**
   * Continue every restored RUNNING execution at the state it was in (the last state it entered, with that state's
   * input): a task that was running is run again, which the workflow allows (every step is idempotent by orderId and
   * audit ids are deterministic). Returns how many resumed.
   */
  resumeRunning(): number {
    const records = this.restoredRunning.splice(0);
    for (const record of records) {
      const point = resumePoint(record);
      if (!point) {
        this.finish(record, 'FAILED', { error: 'States.Runtime', cause: 'The execution could not be resumed.' });
        this.append(record, h.executionFailed('States.Runtime', record.cause ?? '', Date.now()));
        this.restore([record]);
        continue;
      }
      this.logger.info('resuming a local execution', { executionArn: record.executionArn, state: point.stateName });
      this.run(record, point.input, point.stateName);
    }
    return records.length;
  }

  private machineStartingAt(stateName: string): StateMachine {
    const definition = { ...structuredClone(this.runnable), StartAt: stateName };
    // The states before StartAt are unreachable from it, which the validator refuses; the definition itself was
    // validated when the engine was built.
    return new StateMachine(definition as ConstructorParameters<typeof StateMachine>[0], {
      validationOptions: { noValidate: true },
    });
  }

  private run(record: ExecutionRecord, input: unknown, resumeAt?: string): void {
    const { stateMachineArn, stateMachineName, roleArn } = this.identity;
    const execution: RunningExecution = {
      record,
      abort: () => undefined,
      done: Promise.resolve(),
      lastTaskOutput: undefined,
      pendingTaskEvents: [],
      consecutiveFailures: new Map(),
      tasksRunning: new Set(),
    };
    if (resumeAt !== undefined) execution.lastTaskOutput = input;
    this.executions.set(record.executionArn, execution);
    if (resumeAt === undefined) {
      this.append(record, h.executionStarted(input, roleArn, stateMachineArn, record.startDate));
    }

    const machine = resumeAt === undefined ? this.machine : this.machineStartingAt(resumeAt);
    const run = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: taskResourceHandlers(this.states, this.handlers, execution) as never,
        waitTimeOverrides: waitTimeOverrides(this.timing, execution),
        retryIntervalOverrides: retryIntervalOverrides(this.timing, execution),
      },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: record.executionArn, Name: record.name, RoleArn: roleArn },
        StateMachine: { Id: stateMachineArn, Name: stateMachineName },
      } as never,
    });
    execution.abort = run.abort;
    run.result.catch(() => undefined);

    const timeout = armExecutionTimeout(this.identity.definition.TimeoutSeconds, this.timing.timeScale, run.abort);

    execution.done = (async () => {
      try {
        for await (const event of run.eventLogs)
          this.onEngineEvent(execution, event as unknown as EngineEvent, timeout.timedOut);
      } catch (error) {
        this.logger.error('local execution history failed', { executionArn: record.executionArn, error });
      } finally {
        timeout.clear();
        if (record.status === 'RUNNING' && !execution.suspended) {
          this.finish(record, 'FAILED', { error: 'States.Runtime', cause: 'The local engine stopped unexpectedly.' });
          this.append(record, h.executionFailed('States.Runtime', record.cause ?? '', Date.now()));
        }
      }
    })();
  }

  private finish(record: ExecutionRecord, status: ExecutionStatus, fields: Partial<ExecutionRecord> = {}): void {
    Object.assign(record, fields, { status, stopDate: Date.now() });
    this.options.store?.save(record);
    try {
      this.options.onExecutionEnd?.(record);
    } catch (error) {
      this.logger.warn('onExecutionEnd hook failed', { executionArn: record.executionArn, error });
    }
  }

  private onEngineEvent(execution: RunningExecution, event: EngineEvent, timedOut: boolean) {
    const record = execution.record;
    // Suspended: what the engine reports while it unwinds is not the execution's history.
    if (execution.suspended) return;
    const state = event.state as { name: string; type: string; input: unknown; output?: unknown } | undefined;
    const drain = (stateName?: string) => {
      const ready = execution.pendingTaskEvents.filter((p) => stateName === undefined || p.stateName === stateName);
      execution.pendingTaskEvents = execution.pendingTaskEvents.filter((p) => !ready.includes(p));
      for (const { draft } of ready) this.append(record, draft);
    };
    switch (event.type) {
      case 'StateEntered':
        if (state) this.append(record, h.stateEntered(state.type, state.name, state.input, event.timestamp));
        break;
      case 'StateExited':
        drain(state?.name);
        if (state) this.append(record, h.stateExited(state.type, state.name, state.output, event.timestamp));
        break;
      case 'StateFailed':
      case 'StateRetried':
      case 'StateCaught':
        drain(state?.name);
        break;
      case 'ExecutionSucceeded': {
        drain();
        const output = h.payload(event.output);
        this.append(record, h.executionSucceeded(event.output, event.timestamp));
        this.finish(record, 'SUCCEEDED', { output });
        break;
      }
      case 'ExecutionFailed': {
        drain();
        const error = typeof event.Error === 'string' ? event.Error : 'States.Runtime';
        const cause = typeof event.Cause === 'string' ? event.Cause : h.payload(event.Cause);
        this.append(record, h.executionFailed(error, cause, event.timestamp));
        this.finish(record, 'FAILED', { error, cause });
        break;
      }
      case 'ExecutionAborted':
      case 'ExecutionTimeout':
        drain();
        if (timedOut || event.type === 'ExecutionTimeout') {
          this.append(record, h.executionTimedOut(event.timestamp));
          this.finish(record, 'TIMED_OUT', { error: 'States.Timeout' });
        } else {
          const { error, cause } = execution.stopRequest ?? {};
          this.append(record, h.executionAborted(error, cause, event.timestamp));
          this.finish(record, 'ABORTED', { error, cause });
        }
        break;
      default:
        break;
    }
  }

  /** Ask a RUNNING execution to stop: it ends ABORTED with this error and cause. */
  stop(execution: RunningExecution, stopRequest: NonNullable<RunningExecution['stopRequest']>): void {
    if (execution.record.status !== 'RUNNING') return;
    execution.stopRequest = stopRequest;
    execution.abort();
  }

  /**
   * Stop running executions WITHOUT ending them (the local runtime is shutting down and keeps its data): they stay
   * RUNNING in the store and `resumeRunning` continues them after the next start.
   */
  async suspend(): Promise<void> {
    const running = [...this.executions.values()].filter((e) => e.record.status === 'RUNNING');
    for (const execution of running) {
      execution.suspended = true;
      execution.pendingTaskEvents = [];
      execution.abort();
    }
    await Promise.all(running.map((e) => e.done));
    await settleTasks(running);
    this.options.store?.flush();
  }

  /** Stop every running execution and wait until they have ended. */
  async close(): Promise<void> {
    const running = [...this.executions.values()].filter((e) => e.record.status === 'RUNNING');
    for (const execution of running) {
      execution.stopRequest = { error: 'LocalShutdown', cause: 'The local Step Functions endpoint stopped.' };
      execution.abort();
    }
    await Promise.all(running.map((e) => e.done));
    await settleTasks(running);
  }

  private prune(): void {
    const max = this.options.maxClosedExecutions ?? 1000;
    const closed = [...this.executions.values()].filter((e) => e.record.status !== 'RUNNING');
    const old = closed.slice(0, Math.max(0, closed.length - max));
    for (const execution of old.slice(0, Math.max(0, closed.length - max * 50))) {
      this.executions.delete(execution.record.executionArn);
      this.options.store?.remove(execution.record.executionArn);
    }
    for (const execution of old) execution.record.events = [];
  }
}

/** The states of a definition and of every Map (ItemProcessor, Iterator) and Parallel branch inside it. */
function allStates(states: Record<string, AslState>): Record<string, AslState> {
  const all: Record<string, AslState> = {};
  for (const [name, state] of Object.entries(states)) {
    all[name] = state;
    const nested = [state.ItemProcessor, state.Iterator, ...(Array.isArray(state.Branches) ? state.Branches : [])];
    for (const graph of nested) {
      const inner = (graph as { States?: Record<string, AslState> } | undefined)?.States;
      if (inner) Object.assign(all, allStates(inner));
    }
  }
  return all;
}

/** How long a shutdown waits for the task handlers still running (Ctrl-C stops everything within 5 s). */
const SHUTDOWN_SETTLE_MS = 2_000;

/**
 * Waits until the task handlers of `executions` have returned (at most `SHUTDOWN_SETTLE_MS`): aborting an execution
 * does not stop a handler's own writes, and the runtime stops the tables they write to next.
 */
function settleTasks(executions: readonly RunningExecution[]): Promise<void> {
  return settleWithin(
    executions.flatMap((e) => [...e.tasksRunning]),
    SHUTDOWN_SETTLE_MS,
  );
}
