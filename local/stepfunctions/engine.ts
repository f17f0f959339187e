/**
 * A local Step Functions service for ONE state machine (the provisioning workflow, rendered from the CDK construct):
 * this module composes the pieces: the actions it answers (`api.ts`), the runner of its executions (`executions.ts`),
 * which invokes every Lambda task as our handler module in process (`task-invoker.ts`) and times waits and retries
 * (`timing.ts`). The HTTP endpoint (`server.ts`) exposes it with the AWS JSON protocol.
 *
 * Time: Wait states and retry intervals run in real time scaled by `timeScale` (1 = real time, 0.1 = ten times faster,
 * 0 = no waiting at all). `onWait` sees every Wait with the seconds the definition asked for (tests use it to advance a
 * manual clock by exactly that much).
 */
import { createLogger } from '../../functions/shared/logger';
import { type AslDefinition, LOCAL_ACCOUNT, LOCAL_REGION, renderProvisioningAsl } from '../../infra/workflow/asl';
import * as api from './api';
import { ExecutionRunner } from './executions';
import { moduleTaskHandlers } from './task-handlers';
import { type ExecutionRecord, type LocalEngineOptions, SfnError } from './types';

export type { ExecutionRecord, ExecutionStatus, LocalEngineOptions, WaitInfo } from './types';
export { SfnError };

export class LocalStepFunctionsEngine {
  readonly stateMachineName: string;
  readonly stateMachineArn: string;
  readonly roleArn: string;
  readonly definition: AslDefinition;
  readonly creationDate = Date.now();
  private readonly runner: ExecutionRunner;

  constructor(options: LocalEngineOptions = {}) {
    this.definition = options.definition ?? renderProvisioningAsl();
    this.stateMachineName = options.stateMachineName ?? 'ProvisioningWorkflow';
    this.stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${this.stateMachineName}`;
    this.roleArn = `arn:aws:iam::${LOCAL_ACCOUNT}:role/${this.stateMachineName}Role`;
    const logger = options.logger ?? createLogger({ component: 'local-stepfunctions' });
    const base = options.taskHandlers ?? moduleTaskHandlers();
    const handlers = Object.fromEntries(
      Object.entries(base).map(([name, handler]) => [
        name,
        options.wrapTask ? options.wrapTask(name, handler) : handler,
      ]),
    );
    this.runner = new ExecutionRunner(this, handlers, options, logger);
  }

  executionArnOf(name: string): string {
    return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${this.stateMachineName}:${name}`;
  }

  startExecution(request: { stateMachineArn?: unknown; name?: unknown; input?: unknown }) {
    api.assertStateMachine(this.stateMachineArn, request.stateMachineArn);
    const { name, inputText, input } = api.startRequest(request);
    const executionArn = this.executionArnOf(name);
    const existing = this.runner.get(executionArn);
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
    this.runner.start(record, input);
    return { executionArn, startDate: record.startDate };
  }

  /**
   * Executions read back from the store: closed ones are listed and described again; RUNNING ones wait for
   * `resumeRunning` (call it once the task handlers' environment is ready).
   */
  restore(records: readonly ExecutionRecord[]): void {
    this.runner.restore(records);
  }

  /**
   * Continue every restored RUNNING execution at the state it was in (the last state it entered, with that state's
   * input). Returns how many resumed.
   */
  resumeRunning(): number {
    return this.runner.resumeRunning();
  }

  describeExecution(request: { executionArn?: unknown }) {
    return api.describeExecutionResponse(this.runner.find(request.executionArn).record, this.stateMachineArn);
  }

  getExecutionHistory(request: {
    executionArn?: unknown;
    maxResults?: unknown;
    nextToken?: unknown;
    reverseOrder?: unknown;
    includeExecutionData?: unknown;
  }) {
    return api.executionHistoryResponse(this.runner.find(request.executionArn).record, request);
  }

  listExecutions(request: {
    stateMachineArn?: unknown;
    statusFilter?: unknown;
    maxResults?: unknown;
    nextToken?: unknown;
  }) {
    api.assertStateMachine(this.stateMachineArn, request.stateMachineArn);
    return api.listExecutionsResponse(this.runner.records(), this.stateMachineArn, request);
  }

  stopExecution(request: { executionArn?: unknown; error?: unknown; cause?: unknown }) {
    const execution = this.runner.find(request.executionArn);
    this.runner.stop(execution, api.stopRequest(request));
    return { stopDate: execution.record.stopDate ?? Date.now() };
  }

  listStateMachines() {
    return api.listStateMachinesResponse(this);
  }

  describeStateMachine(request: { stateMachineArn?: unknown }) {
    api.assertStateMachine(this.stateMachineArn, request.stateMachineArn);
    return api.describeStateMachineResponse(this);
  }

  /** Resolves once the execution has ended and its history is complete (for tests and tools). */
  async waitForExecution(executionArn: string): Promise<ExecutionRecord> {
    const execution = this.runner.find(executionArn);
    await execution.done;
    return execution.record;
  }

  /**
   * Stop running executions WITHOUT ending them (the local runtime is shutting down and keeps its data): they stay
   * RUNNING in the store and `resumeRunning` continues them after the next start.
   */
  suspend(): Promise<void> {
    return this.runner.suspend();
  }

  /** Stop every running execution and wait until they have ended. */
  close(): Promise<void> {
    return this.runner.close();
  }
}
