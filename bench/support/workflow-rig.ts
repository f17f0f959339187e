/**
 * The provisioning workflow as the benchmarks drive it: the REAL rendered definition on the local Step Functions engine,
 * the REAL task handler modules, the Webex simulator and the audit table on dynalite — the same pieces as the workflow
 * tests (test/workflow/harness.ts), with the simulator's delays, faults and clock chosen per benchmark. With `batches`,
 * also the batch workflow as `npm start` runs it: the batch table on dynalite, the batch definition on the same endpoint
 * (its chunk task starting orders through the endpoint) and the execution status change events feeding the outcome
 * recorder.
 */

import { REFRESH_GRANT_COMPOSITION } from '../../functions/composition/refresh-grant';
import { resetCompositionForTests } from '../../functions/composition/root';
import { getStatusSweepDependencies } from '../../functions/composition/status-sweep';
import type { Order } from '../../functions/domain/contract/order';
import type { Clock } from '../../functions/domain/ports/clock';
import { runSweepLoop, type SweepReport } from '../../functions/domain/status-sweep/sweep';
import { createLogger } from '../../functions/shared/logger';
import {
  type LocalStepFunctions,
  type LocalStepFunctionsEngine,
  startLocalStepFunctions,
  type TaskHandler,
  type WaitInfo,
} from '../../local/stepfunctions';
import {
  createWebexSimulator,
  type SimulatorOptions,
  TRUSTED_TEMPLATE_ID,
  type WebexSimulator,
} from '../../local/webex-simulator';
import { createTestBatchTable, startTestDynamo, TEST_AWS_ENV, type TestDynamo } from '../../test/support/dynalite';

export interface WorkflowRig {
  sim: WebexSimulator;
  /** Sweeps done by the in-process sweeper (with `statusSweeper`), with when each ended (clock ms). */
  sweeps(): Array<SweepReport & { endedAtMs: number }>;
  /** Sweeps that failed (the error's name each): the next one runs at the next interval. */
  sweepFailures(): string[];
  engine: LocalStepFunctionsEngine;
  /** The batch workflow's engine (runs batches only with `batches`). */
  batchEngine: LocalStepFunctionsEngine;
  /** The provisioning workflow's execution status change events: `idle()` once every one reached the recorder. */
  executionEvents: LocalStepFunctions['executionEvents'];
  dynamo: TestDynamo;
  stop(): Promise<void>;
}

export interface WorkflowRigOptions {
  clock: Clock;
  simulator: Omit<SimulatorOptions, 'clock'>;
  /** Engine time scale: 0 = waits only move the (manual) clock through `onWait`. */
  timeScale: number;
  onWait?: (wait: WaitInfo) => void;
  wrapTask?: (taskName: string, handler: TaskHandler) => TaskHandler;
  /** Reuse a running dynalite (one per benchmark run). */
  dynamo?: TestDynamo;
  /**
   * Start dynalite in a process of its own (when `dynamo` is not given): the rig runs every Lambda, the engine and the
   * simulator in this one process, and DynamoDB should not take their CPU (in AWS it never does).
   */
  dynamoInOwnProcess?: boolean;
  /**
   * The Webex client retries as deployed (API callers and the sweeper wait out a Webex 429 within their deadline;
   * tasks hand every 429 back to the state machine anyway). Default: one attempt per call, as the workflow tests run.
   */
  deployedWebexRetries?: boolean;
  maxClosedExecutions?: number;
  /**
   * Our pacing of Webex calls (the Webex state table's token bucket) at this many requests per second; absent = none.
   */
  pacingRequestsPerSecond?: number;
  /** Run the status sweeper in-process on `clock` (the scheduled Lambda in AWS); `Check status` then reads its records. */
  statusSweeper?: boolean;
  /** Run batches (POST /v1/batches): each batch starts at most this many orders per second (BATCH_START_RATE_PER_SECOND). */
  batches?: { startRatePerSecond: number };
}

export async function startWorkflowRig(options: WorkflowRigOptions): Promise<WorkflowRig> {
  process.env.LOG_LEVEL = 'silent';
  const sim = createWebexSimulator({ ...options.simulator, clock: options.clock });
  const { url } = await sim.start({ port: 0, host: '127.0.0.1' });
  const dynamo =
    options.dynamo ?? (await startTestDynamo('audit-bench', { ownProcess: options.dynamoInOwnProcess === true }));
  const credentials = sim.credentials;
  Object.assign(process.env, {
    ...TEST_AWS_ENV,
    AUDIT_TABLE_NAME: dynamo.tableName,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    WEBEX_BASE_URL: `${url}/v1`,
    WEBEX_REFRESH_TOKEN: credentials.refreshToken,
    WEBEX_CLIENT_ID: credentials.clientId,
    WEBEX_CLIENT_SECRET: credentials.clientSecret,
    AUDIT_DIGEST_KEY: 'bench-digest-key-0123456789abcdef0123456789',
    LOG_LEVEL: 'silent',
  });
  for (const name of [
    'PARTNER_TOKEN_SECRET_ID',
    'AUDIT_DIGEST_SECRET_ID',
    'STATE_MACHINE_ARN',
    'SFN_ENDPOINT',
    'WEBEX_STATE_TABLE_NAME',
    'WEBEX_RATE_LIMIT_PER_SECOND',
    'BATCH_TABLE_NAME',
    'BATCH_STATE_MACHINE_ARN',
    'BATCH_START_RATE_PER_SECOND',
  ]) {
    delete process.env[name];
  }
  // Before the endpoint starts: it routes execution ends to the outcome recorder only when there is a batch table.
  if (options.batches) {
    process.env.BATCH_TABLE_NAME = await createTestBatchTable(dynamo);
    process.env.BATCH_START_RATE_PER_SECOND = String(Number(options.batches.startRatePerSecond.toFixed(3)));
  }
  if (options.pacingRequestsPerSecond !== undefined || options.statusSweeper) {
    process.env.WEBEX_STATE_TABLE_NAME = dynamo.stateTableName;
    if (options.pacingRequestsPerSecond !== undefined) {
      process.env.WEBEX_RATE_LIMIT_PER_SECOND = String(options.pacingRequestsPerSecond);
    }
  }
  // Unless deployedWebexRetries: one attempt per call (tasks hand throttling waits back to the state machine anyway).
  const composition = {
    ...REFRESH_GRANT_COMPOSITION,
    clock: options.clock,
    ...(options.deployedWebexRetries ? {} : { webexClient: { maxAttempts: 1 } }),
    ...(options.pacingRequestsPerSecond === undefined ? { pacer: null } : {}),
  };
  resetCompositionForTests(composition);
  // The HTTP endpoint (port 0), as tools reach it.
  const endpoint = await startLocalStepFunctions({
    port: 0,
    timeScale: options.timeScale,
    ...(options.onWait ? { onWait: options.onWait } : {}),
    ...(options.wrapTask ? { wrapTask: options.wrapTask } : {}),
    maxClosedExecutions: options.maxClosedExecutions ?? 2000,
  });
  const engine = endpoint.engine;
  if (options.batches) {
    // As `npm start` wires it: POST /v1/batches starts the batch workflow, its chunk task the orders, on this endpoint.
    process.env.SFN_ENDPOINT = endpoint.url;
    process.env.STATE_MACHINE_ARN = endpoint.stateMachineArn;
    process.env.BATCH_STATE_MACHINE_ARN = endpoint.batchStateMachineArn;
    resetCompositionForTests(composition);
  }
  const sweeps: Array<SweepReport & { endedAtMs: number }> = [];
  const sweepFailures: string[] = [];
  // The sweeper's warnings are how a failed sweep shows: counted, not printed.
  const sweepLogger = createLogger(
    {},
    {
      level: 'warn',
      sink: (line) => {
        const { message, errorName } = JSON.parse(line) as { message?: string; errorName?: string };
        if (message?.startsWith('status sweep failed')) sweepFailures.push(errorName ?? 'unknown');
      },
    },
  );
  const stopSweeper = new AbortController();
  const sweeper = options.statusSweeper
    ? runSweepLoop(getStatusSweepDependencies(sweepLogger), {
        owner: 'bench',
        signal: stopSweeper.signal,
        onSweep: (report) => sweeps.push({ ...report, endedAtMs: options.clock.now() }),
      })
    : Promise.resolve({ sweeps: 0 });
  return {
    sim,
    engine,
    batchEngine: endpoint.batchEngine,
    executionEvents: endpoint.executionEvents,
    dynamo,
    sweeps: () => sweeps,
    sweepFailures: () => sweepFailures,
    async stop() {
      stopSweeper.abort();
      await sweeper;
      await endpoint.stop();
      await sim.stop();
      if (!options.dynamo) await dynamo.stop();
      resetCompositionForTests();
    },
  };
}

let sequence = 0;

/** A valid order that provisions directly (trusted template, an email of an unknown domain). */
export function benchOrder(prefix = 'bench'): Order {
  sequence += 1;
  const n = `${Date.now().toString(36)}-${sequence}`;
  return {
    orderId: `${prefix}-${n}`,
    subscriber: {
      provisioningId: TRUSTED_TEMPLATE_ID,
      userId: `${prefix}-${n}@sp.example.com`,
      spEnterpriseId: 'enterprise-1',
      firstName: 'Ada',
      lastName: 'Lovelace',
      package: 'standard',
      primaryPhoneNumber: '+1 408 555 0100',
      email: `${prefix}-${n}@customer.example.com`,
    } as Order['subscriber'],
  };
}

/** Webex calls the simulator answered, by operation (the token grant left out: once per cold start, not per order). */
export function webexCalls(sim: WebexSimulator): number {
  const { byOperation } = sim.stats().requests;
  return Object.entries(byOperation)
    .filter(([operation]) => operation !== 'accessToken')
    .reduce((sum, [, value]) => sum + (value?.total ?? 0), 0);
}
