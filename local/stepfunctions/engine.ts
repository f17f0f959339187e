/**
 * A local Step Functions service for ONE state machine (the provisioning workflow, rendered from the CDK construct):
 * executions run on `aws-local-stepfunctions`, every Lambda task runs our handler module in process, and each execution
 * keeps an AWS-shaped history. The HTTP endpoint (`server.ts`) exposes it with the AWS JSON protocol.
 *
 * Time: Wait states and retry intervals run in real time scaled by `timeScale` (1 = real time, 0.1 = ten times faster,
 * 0 = no waiting at all). `onWait` sees every Wait with the seconds the definition asked for (tests use it to advance a
 * manual clock by exactly that much).
 */
import './polyfill';
import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { createLogger, type Logger } from '../../functions/shared/logger';
import {
  type AslDefinition,
  type AslState,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  renderProvisioningAsl,
} from '../../infra/workflow/asl';
import * as h from './history';
import { type ExecutionStore, resumePoint } from './persistence';
import { asLambdaError, lambdaContext, moduleTaskHandlers, type TaskHandler, taskNameOfArn } from './task-handlers';

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

interface RunningExecution {
  record: ExecutionRecord;
  abort: () => void;
  done: Promise<void>;
  stopRequest?: { error?: string | undefined; cause?: string | undefined };
  /** Output of the last task: the input of the Wait states that follow it (Choice states pass data through). */
  lastTaskOutput: unknown;
  /** Task Lambda events waiting to be placed before their task state's exit (the engine's log lags behind). */
  pendingTaskEvents: Array<{ stateName: string; draft: h.EventDraft }>;
  consecutiveFailures: Map<string, number>;
  /** Stopped by `suspend`: it stays RUNNING (in the store) and resumes after the next start. */
  suspended?: boolean;
}

/** An event of aws-local-stepfunctions' execution log. */
interface EngineEvent {
  type: string;
  timestamp: number;
  [field: string]: unknown;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_INPUT_BYTES = 256 * 1024;
/** Execution names as AWS accepts them: 1 to 80 characters, no whitespace, brackets, wildcards or punctuation. */
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

function isExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || NAME_FORBIDDEN.test(name)) return false;
  return [...name].every((c) => {
    const code = c.charCodeAt(0);
    return code > 0x1f && (code < 0x7f || code > 0x9f);
  });
}

/** Value of a simple JSONPath (`$`, `$.a.b`) in `doc`. */
function readPath(doc: unknown, path: string): unknown {
  if (path === '$') return doc;
  if (!path.startsWith('$.')) return undefined;
  let current: unknown = doc;
  for (const key of path.slice(2).split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export class LocalStepFunctionsEngine {
  readonly stateMachineName: string;
  readonly stateMachineArn: string;
  readonly roleArn: string;
  readonly definition: AslDefinition;
  readonly creationDate = Date.now();
  private readonly machine: StateMachine;
  /** The definition the library runs (a copy, without TimeoutSeconds): resumed executions start it at another state. */
  private readonly runnable: AslDefinition;
  /** Restored RUNNING executions, waiting for `resumeRunning`. */
  private restoredRunning: ExecutionRecord[] = [];
  private readonly timeScale: number;
  private readonly handlers: Record<string, TaskHandler>;
  private readonly executions = new Map<string, RunningExecution>();
  private readonly logger: Logger;
  /** Every state by name, those inside Map and Parallel states included (their names are unique in a definition). */
  private readonly states: Record<string, AslState>;

  constructor(private readonly options: LocalEngineOptions = {}) {
    this.definition = options.definition ?? renderProvisioningAsl();
    this.states = allStates(this.definition.States);
    this.stateMachineName = options.stateMachineName ?? 'ProvisioningWorkflow';
    this.stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${this.stateMachineName}`;
    this.roleArn = `arn:aws:iam::${LOCAL_ACCOUNT}:role/${this.stateMachineName}Role`;
    this.timeScale = Math.max(0, options.timeScale ?? 1);
    this.logger = options.logger ?? createLogger({ component: 'local-stepfunctions' });
    const base = options.taskHandlers ?? moduleTaskHandlers();
    this.handlers = Object.fromEntries(
      Object.entries(base).map(([name, handler]) => [
        name,
        options.wrapTask ? options.wrapTask(name, handler) : handler,
      ]),
    );
    // The overall timeout is enforced by the engine below (a 30-day timer would overflow Node's timers).
    const { TimeoutSeconds: _timeout, ...runnable } = this.definition;
    // A copy: the engine annotates the definition it is given (QueryLanguage on every state).
    const copy = structuredClone(runnable) as AslDefinition;
    this.runnable = structuredClone(copy);
    this.machine = new StateMachine(copy as ConstructorParameters<typeof StateMachine>[0]);
  }

  executionArnOf(name: string): string {
    return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${this.stateMachineName}:${name}`;
  }

  private assertStateMachine(arn: unknown): void {
    if (typeof arn !== 'string' || !arn.startsWith('arn:aws:states:')) {
      throw new SfnError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
    }
    if (arn !== this.stateMachineArn)
      throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  }

  private find(executionArn: unknown): RunningExecution {
    if (typeof executionArn !== 'string' || !executionArn.startsWith('arn:aws:states:')) {
      throw new SfnError('InvalidArn', `Invalid Arn: '${String(executionArn)}'`);
    }
    const execution = this.executions.get(executionArn);
    if (!execution) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  startExecution(request: { stateMachineArn?: unknown; name?: unknown; input?: unknown }) {
    this.assertStateMachine(request.stateMachineArn);
    const name = request.name === undefined ? randomUUID() : request.name;
    if (typeof name !== 'string' || !isExecutionName(name)) {
      throw new SfnError('InvalidName', `Invalid Name: '${String(name)}'`);
    }
    const inputText = request.input === undefined ? '{}' : request.input;
    if (typeof inputText !== 'string') throw new SfnError('ValidationException', 'input must be a string');
    if (Buffer.byteLength(inputText) > MAX_INPUT_BYTES) {
      throw new SfnError('ValidationException', 'input must be at most 262144 bytes');
    }
    let input: unknown;
    try {
      input = JSON.parse(inputText);
    } catch {
      throw new SfnError('InvalidExecutionInput', 'Invalid execution input: not valid JSON');
    }
    const executionArn = this.executionArnOf(name);
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS: the same name and input of a RUNNING execution answers that execution; anything else is a conflict.
      if (existing.record.status === 'RUNNING' && existing.record.input === inputText) {
        return { executionArn, startDate: existing.record.startDate };
      }
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      name,
      input: inputText,
      status: 'RUNNING',
      startDate: Date.now(),
      events: [],
    };
    this.run(record, input);
    this.prune();
    return { executionArn, startDate: record.startDate };
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
    const execution: RunningExecution = {
      record,
      abort: () => undefined,
      done: Promise.resolve(),
      lastTaskOutput: undefined,
      pendingTaskEvents: [],
      consecutiveFailures: new Map(),
    };
    if (resumeAt !== undefined) execution.lastTaskOutput = input;
    this.executions.set(record.executionArn, execution);
    if (resumeAt === undefined) {
      this.append(record, h.executionStarted(input, this.roleArn, this.stateMachineArn, record.startDate));
    }

    const states = this.states;
    const taskHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [stateName, state] of Object.entries(states)) {
      if (state.Type === 'Task' && typeof state.Resource === 'string') {
        taskHandlers[stateName] = (taskInput) => this.invokeTask(execution, stateName, state, taskInput);
      }
    }
    const machine = resumeAt === undefined ? this.machine : this.machineStartingAt(resumeAt);
    const run = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: taskHandlers as never,
        waitTimeOverrides: this.waitOverrides(execution),
        retryIntervalOverrides: this.retryOverrides(execution),
      },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: record.executionArn, Name: record.name, RoleArn: this.roleArn },
        StateMachine: { Id: this.stateMachineArn, Name: this.stateMachineName },
      } as never,
    });
    execution.abort = run.abort;
    run.result.catch(() => undefined);

    const timeoutSeconds = this.definition.TimeoutSeconds;
    const timeoutMs = timeoutSeconds === undefined ? 0 : timeoutSeconds * 1000 * this.timeScale;
    let timedOut = false;
    const timer =
      timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS
        ? setTimeout(() => {
            timedOut = true;
            run.abort();
          }, timeoutMs)
        : undefined;
    timer?.unref();

    execution.done = (async () => {
      try {
        for await (const event of run.eventLogs)
          this.onEngineEvent(execution, event as unknown as EngineEvent, timedOut);
      } catch (error) {
        this.logger.error('local execution history failed', { executionArn: record.executionArn, error });
      } finally {
        if (timer) clearTimeout(timer);
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

  private async invokeTask(execution: RunningExecution, stateName: string, state: AslState, input: unknown) {
    const resource = state.Resource ?? '';
    const taskName = taskNameOfArn(resource);
    const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : 60;
    const pending = (draft: h.EventDraft) => execution.pendingTaskEvents.push({ stateName, draft });
    pending(h.lambdaScheduled(resource, input, Date.now(), timeoutSeconds));
    pending(h.lambdaStarted(Date.now()));
    const handler = taskName ? this.handlers[taskName] : undefined;
    try {
      if (!handler) {
        const error = new Error(`Function not found: ${resource}`);
        error.name = 'Lambda.ResourceNotFoundException';
        throw error;
      }
      // Lambda hands the handler a fresh copy of the JSON and serialises what it returns.
      const result = await handler(
        JSON.parse(JSON.stringify(input ?? null)),
        lambdaContext(resource, timeoutSeconds * 1000),
      );
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

  /** Wait durations, read when a Wait state starts: the seconds its definition asks for, scaled. */
  private waitOverrides(execution: RunningExecution): Record<string, number> {
    return new Proxy({} as Record<string, number>, {
      get: (_target, stateName) => {
        if (typeof stateName !== 'string') return undefined;
        const state = this.states[stateName];
        if (state?.Type !== 'Wait') return undefined;
        const raw =
          typeof state.Seconds === 'number'
            ? state.Seconds
            : typeof state.SecondsPath === 'string'
              ? readPath(execution.lastTaskOutput, state.SecondsPath)
              : undefined;
        if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) {
          return this.timeScale === 1 ? undefined : 0;
        }
        try {
          this.options.onWait?.({
            executionArn: execution.record.executionArn,
            stateName,
            seconds: raw,
            input: execution.lastTaskOutput,
          });
        } catch (error) {
          this.logger.warn('onWait hook failed', { stateName, error });
        }
        return Math.min(MAX_TIMER_MS, raw * 1000 * this.timeScale);
      },
    });
  }

  /** Retry intervals: native (with backoff and jitter) in real time, else the same backoff scaled. */
  private retryOverrides(execution: RunningExecution): Record<string, number[]> {
    return new Proxy({} as Record<string, number[]>, {
      get: (_target, stateName) => {
        if (typeof stateName !== 'string' || this.timeScale === 1) return undefined;
        const retriers = this.states[stateName]?.Retry;
        if (!retriers) return undefined;
        const attempt = Math.max(0, (execution.consecutiveFailures.get(stateName) ?? 1) - 1);
        return retriers.map((retrier) => {
          const interval =
            (retrier.IntervalSeconds ?? 1) * ((retrier.BackoffRate as number | undefined) ?? 2) ** attempt;
          const capped = Math.min(interval, (retrier.MaxDelaySeconds as number | undefined) ?? interval);
          const jittered = retrier.JitterStrategy === 'FULL' ? Math.random() * capped : capped;
          return Math.min(MAX_TIMER_MS, jittered * 1000 * this.timeScale);
        });
      },
    });
  }

  describeExecution(request: { executionArn?: unknown }) {
    const { record } = this.find(request.executionArn);
    return {
      executionArn: record.executionArn,
      stateMachineArn: this.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate,
      ...(record.stopDate !== undefined ? { stopDate: record.stopDate } : {}),
      input: record.input,
      inputDetails: { included: true },
      ...(record.output !== undefined ? { output: record.output, outputDetails: { included: true } } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
    };
  }

  getExecutionHistory(request: {
    executionArn?: unknown;
    maxResults?: unknown;
    nextToken?: unknown;
    reverseOrder?: unknown;
    includeExecutionData?: unknown;
  }) {
    const { record } = this.find(request.executionArn);
    const max = request.maxResults === undefined || request.maxResults === 0 ? 100 : request.maxResults;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > 1000) {
      throw new SfnError('ValidationException', 'maxResults must be an integer from 0 to 1000');
    }
    const ordered = request.reverseOrder === true ? [...record.events].reverse() : record.events;
    let start = 0;
    if (request.nextToken !== undefined) {
      const parsed =
        typeof request.nextToken === 'string' ? Number(Buffer.from(request.nextToken, 'base64url').toString()) : NaN;
      if (!Number.isInteger(parsed) || parsed < 0 || parsed > ordered.length) {
        throw new SfnError('InvalidToken', 'Invalid Token');
      }
      start = parsed;
    }
    const page = ordered.slice(start, start + max);
    const next = start + page.length;
    const strip = request.includeExecutionData === false;
    return {
      events: page.map((event) => (strip ? withoutData(event) : event)),
      ...(next < ordered.length ? { nextToken: Buffer.from(String(next)).toString('base64url') } : {}),
    };
  }

  listExecutions(request: {
    stateMachineArn?: unknown;
    statusFilter?: unknown;
    maxResults?: unknown;
    nextToken?: unknown;
  }) {
    this.assertStateMachine(request.stateMachineArn);
    const max = request.maxResults === undefined || request.maxResults === 0 ? 100 : request.maxResults;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > 1000) {
      throw new SfnError('ValidationException', 'maxResults must be an integer from 0 to 1000');
    }
    const all = [...this.executions.values()]
      .map((e) => e.record)
      .filter((r) => request.statusFilter === undefined || r.status === request.statusFilter)
      .sort((a, b) => b.startDate - a.startDate);
    let start = 0;
    if (request.nextToken !== undefined) {
      const parsed =
        typeof request.nextToken === 'string' ? Number(Buffer.from(request.nextToken, 'base64url').toString()) : NaN;
      if (!Number.isInteger(parsed) || parsed < 0 || parsed > all.length)
        throw new SfnError('InvalidToken', 'Invalid Token');
      start = parsed;
    }
    const page = all.slice(start, start + max);
    const next = start + page.length;
    return {
      executions: page.map((r) => ({
        executionArn: r.executionArn,
        stateMachineArn: this.stateMachineArn,
        name: r.name,
        status: r.status,
        startDate: r.startDate,
        ...(r.stopDate !== undefined ? { stopDate: r.stopDate } : {}),
      })),
      ...(next < all.length ? { nextToken: Buffer.from(String(next)).toString('base64url') } : {}),
    };
  }

  stopExecution(request: { executionArn?: unknown; error?: unknown; cause?: unknown }) {
    const execution = this.find(request.executionArn);
    if (execution.record.status === 'RUNNING') {
      execution.stopRequest = {
        error: typeof request.error === 'string' ? request.error.slice(0, 256) : undefined,
        cause: typeof request.cause === 'string' ? request.cause.slice(0, 32768) : undefined,
      };
      execution.abort();
    }
    return { stopDate: execution.record.stopDate ?? Date.now() };
  }

  listStateMachines() {
    return {
      stateMachines: [
        {
          stateMachineArn: this.stateMachineArn,
          name: this.stateMachineName,
          type: 'STANDARD',
          creationDate: this.creationDate,
        },
      ],
    };
  }

  describeStateMachine(request: { stateMachineArn?: unknown }) {
    this.assertStateMachine(request.stateMachineArn);
    return {
      stateMachineArn: this.stateMachineArn,
      name: this.stateMachineName,
      status: 'ACTIVE',
      definition: JSON.stringify(this.definition),
      roleArn: this.roleArn,
      type: 'STANDARD',
      creationDate: this.creationDate,
    };
  }

  /** Resolves once the execution has ended and its history is complete (for tests and tools). */
  async waitForExecution(executionArn: string): Promise<ExecutionRecord> {
    const execution = this.find(executionArn);
    await execution.done;
    return execution.record;
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

function withoutData(event: h.HistoryEvent): h.HistoryEvent {
  const copy: h.HistoryEvent = { ...event };
  for (const [key, value] of Object.entries(copy)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') {
      const { input: _i, output: _o, ...rest } = value as Record<string, unknown>;
      copy[key] = rest;
    }
  }
  return copy;
}
