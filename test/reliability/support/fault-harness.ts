import { DynamoAuditStore } from '../../../functions/adapters/dynamodb/audit-store';
import { REFRESH_GRANT_COMPOSITION } from '../../../functions/composition/refresh-grant';
import { resetCompositionForTests } from '../../../functions/composition/root';
import type { SubscriberStatus } from '../../../functions/domain/contract/fields';
import type { AuditRecord } from '../../../functions/domain/ports/audit';
import type { Clock } from '../../../functions/domain/ports/clock';
import type { WorkflowState } from '../../../functions/domain/workflow/state';
import { createLogger } from '../../../functions/shared/logger';
import {
  type ExecutionRecord,
  type LocalStepFunctions,
  type LocalStepFunctionsEngine,
  startLocalStepFunctions,
  type TaskHandler,
} from '../../../local/stepfunctions';
import {
  createWebexSimulator,
  type DuplicateUserIdMode,
  type PersonAction,
  type WebexSimulator,
} from '../../../local/webex-simulator';
import { createTestBatchTable, startTestDynamo, TEST_AWS_ENV, type TestDynamo } from '../../support/dynalite';
import { createManualClock, type ManualClock } from '../../support/fakes';
import { seededRandom } from './seeded-random';

export const CLOCK_START = Date.UTC(2025, 2, 3, 8, 0, 0);
const IDLE_TICK_MS = 50;
/** The most one wait passes the shared clock while executions run at once (`setConcurrentTime`). */
const CONCURRENT_WAIT_STEP_MS = 1000;
const IDLE_TICKS_BEFORE_STALL = 20;

/** Where a task crash happens: before the handler ran, or after it ran and its answer was lost. */
export type CrashPoint = 'before' | 'after';
export interface CrashPlan {
  task: string;
  point: CrashPoint;
  /** Called when the crash happens (a test moves the clock: the retry comes later). */
  onCrash?: () => void;
}

export interface FaultHarnessOptions {
  /** Seed of the simulator's fault decisions. */
  seed: number;
  provisioningDelayMs?: number;
  updateDelayMs?: number;
  duplicateUserIdMode?: DuplicateUserIdMode;
}

export interface FaultHarness {
  clock: ManualClock;
  sim: WebexSimulator;
  engine: LocalStepFunctionsEngine;
  /** The endpoint: both workflows (provisioning and batch) and the execution status change events. */
  endpoint: LocalStepFunctions;
  audit: DynamoAuditStore;
  dynamo: TestDynamo;
  /** The Webex base URL (`…/v1`). */
  webexBaseUrl: string;
  /** Crash plans by execution name (one crash each, at most). */
  crashes: Map<string, CrashPlan>;
  /** Crashes that actually happened, by execution name. */
  crashed: Map<string, CrashPlan>;
  /** Person actions taken, by subscriber id. */
  personActions: Map<string, PersonAction['action']>;
  /** Times the idle watchdog moved the clock to the next sleeper (see `startFaultHarness`). */
  readonly stalls: number;
  /** Start an execution named `name` and wait until it has ended. */
  run(input: unknown, name: string): Promise<ExecutionRecord>;
  /** Every audit record of an order (oldest first), all pages. */
  orderRecords(orderId: string): Promise<AuditRecord[]>;
  reset(seed: number): void;
  /**
   * Executions running at once (a batch): they wait side by side, so each wait passes at most one second of the shared clock
   * (a 15 s poll wait is then fifteen of anyone's waits) and no call in flight sees time jump far under it (a Webex call
   * has a 20 s budget).
   */
  setConcurrentTime(on: boolean): void;
  stop(): Promise<void>;
}

const PERSON_ACTIONS: Partial<Record<SubscriberStatus, PersonAction>> = {
  pending_email_input: { action: 'enterEmail', email: 'entered.later@customer.example.com' },
  pending_email_validation: { action: 'validateEmail' },
  pending_user_migration: { action: 'consent' },
};

/** The execution a task input belongs to: `executionName` of a start payload, else the workflow state's `ref`. */
export function executionOfTaskInput(input: unknown): string | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const record = input as Record<string, unknown>;
  if (typeof record.executionName === 'string') return record.executionName;
  // The batch workflow's chunk task: `<batchId>#<chunk>`.
  if (typeof record.batchId === 'string' && typeof record.chunk === 'number')
    return `${record.batchId}#${record.chunk}`;
  if (typeof record.ref === 'string') return record.ref;
  const state = record.state as Record<string, unknown> | undefined;
  return typeof state?.ref === 'string' ? state.ref : undefined;
}

/** A clock for the simulator: the shared manual clock, but a sleep (a latency fault) is served at once. */
function servedAtOnce(clock: ManualClock): Clock {
  return {
    now: () => clock.now(),
    sleep(ms, signal) {
      const sleeping = clock.sleep(ms, signal);
      // Time passes for this request alone: move the clock to its due time (waking anyone else due by then).
      if (Number.isFinite(ms) && ms > 0) clock.advance(ms);
      return sleeping;
    },
  };
}

export async function startFaultHarness(options: FaultHarnessOptions): Promise<FaultHarness> {
  process.env.LOG_LEVEL = 'silent';
  const clock = createManualClock(CLOCK_START);
  let random = seededRandom(options.seed);
  const sim = createWebexSimulator({
    clock: servedAtOnce(clock),
    random: () => random(),
    provisioningDelayMs: options.provisioningDelayMs ?? 60_000,
    updateDelayMs: options.updateDelayMs ?? 30_000,
    duplicateUserIdMode: options.duplicateUserIdMode ?? '409',
    logger: createLogger({ component: 'webex-simulator' }, { level: 'silent' }),
  });
  const { url } = await sim.start({ port: 0, host: '127.0.0.1' });
  const dynamo = await startTestDynamo('audit-reliability');
  const batchTable = await createTestBatchTable(dynamo);
  const credentials = sim.credentials;
  Object.assign(process.env, {
    ...TEST_AWS_ENV,
    AUDIT_TABLE_NAME: dynamo.tableName,
    BATCH_TABLE_NAME: batchTable,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    WEBEX_BASE_URL: `${url}/v1`,
    WEBEX_REFRESH_TOKEN: credentials.refreshToken,
    WEBEX_CLIENT_ID: credentials.clientId,
    WEBEX_CLIENT_SECRET: credentials.clientSecret,
    AUDIT_DIGEST_KEY: 'reliability-test-digest-key-0123456789abcdef',
    LOG_LEVEL: 'silent',
  });
  delete process.env.PARTNER_TOKEN_SECRET_ID;
  delete process.env.AUDIT_DIGEST_SECRET_ID;
  delete process.env.STATE_MACHINE_ARN;
  const composition = { ...REFRESH_GRANT_COMPOSITION, clock, webexClient: { maxAttempts: 1 } };
  resetCompositionForTests(composition);

  const crashes = new Map<string, CrashPlan>();
  const crashed = new Map<string, CrashPlan>();
  const personActions = new Map<string, PersonAction['action']>();

  let concurrentTime = false;
  const passTime = (ms: number) => clock.advance(concurrentTime ? Math.min(ms, CONCURRENT_WAIT_STEP_MS) : ms);

  const crashing =
    (taskName: string, handler: TaskHandler): TaskHandler =>
    async (input, context) => {
      const execution = executionOfTaskInput(input);
      const plan = execution === undefined ? undefined : crashes.get(execution);
      const due = plan !== undefined && plan.task === taskName && execution !== undefined && !crashed.has(execution);
      const crash = () => {
        crashed.set(execution as string, plan as CrashPlan);
        plan?.onCrash?.();
        const error = new Error(`injected crash ${plan?.point} ${taskName}`);
        error.name = plan?.point === 'before' ? 'Lambda.ServiceException' : 'Sandbox.Timedout';
        return error;
      };
      if (due && plan.point === 'before') throw crash();
      const output = await handler(input, context);
      if (due && plan.point === 'after') throw crash();
      return output;
    };

  // The HTTP endpoint (port 0), as tools reach it.
  const endpoint = await startLocalStepFunctions({
    port: 0,
    timeScale: 0,
    maxClosedExecutions: 100_000,
    logger: createLogger({ component: 'local-stepfunctions' }, { level: 'silent' }),
    onWait: (wait) => {
      passTime(wait.seconds * 1000);
      const state = wait.input as Partial<WorkflowState> | undefined;
      const status = state?.lastStatus;
      const subscriberId = state?.subscriberId;
      const action = status === undefined ? undefined : PERSON_ACTIONS[status];
      if (action && subscriberId && !personActions.has(subscriberId)) {
        personActions.set(subscriberId, action.action);
        sim.personAction(subscriberId, action);
      }
    },
    wrapTask: crashing,
  });
  const engine = endpoint.engine;
  // Batches: the chunk task starts orders on this endpoint.
  process.env.SFN_ENDPOINT = endpoint.url;
  process.env.STATE_MACHINE_ARN = endpoint.stateMachineArn;
  process.env.BATCH_STATE_MACHINE_ARN = endpoint.batchStateMachineArn;
  resetCompositionForTests(composition);

  // Idle watchdog: time on the manual clock only moves when the workflow waits or Webex answers slowly. Should
  // everything stand still (an HTTP exchange that never completes, which a real attempt timeout would end), let the
  // time pass to the next sleeper — as it would — instead of hanging. Sequential runs never need it.
  let stalls = 0;
  let lastSeen = '';
  let idleTicks = 0;
  const watchdog = setInterval(() => {
    const seen = `${clock.now()}:${sim.stats().requests.total}`;
    idleTicks = seen === lastSeen && clock.pendingSleeps() > 0 ? idleTicks + 1 : 0;
    lastSeen = seen;
    if (idleTicks >= IDLE_TICKS_BEFORE_STALL && clock.advanceToNext()) {
      stalls++;
      idleTicks = 0;
    }
  }, IDLE_TICK_MS);
  watchdog.unref();

  const audit = new DynamoAuditStore({ client: dynamo.client, tableName: dynamo.tableName });
  const harness: FaultHarness = {
    clock,
    sim,
    engine,
    endpoint,
    audit,
    dynamo,
    webexBaseUrl: `${url}/v1`,
    crashes,
    crashed,
    personActions,
    get stalls() {
      return stalls;
    },
    async run(input, name) {
      const { executionArn } = engine.startExecution({
        stateMachineArn: engine.stateMachineArn,
        name,
        input: JSON.stringify(input),
      });
      return engine.waitForExecution(executionArn);
    },
    async orderRecords(orderId) {
      const records: AuditRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await audit.listByOrder(orderId, { max: 100, cursor });
        records.push(...page.items);
        cursor = page.cursor;
      } while (cursor !== undefined);
      return records.reverse();
    },
    setConcurrentTime(on) {
      concurrentTime = on;
    },
    reset(seed) {
      sim.reset();
      random = seededRandom(seed);
      crashes.clear();
      crashed.clear();
      personActions.clear();
    },
    async stop() {
      clearInterval(watchdog);
      await endpoint.stop();
      for (const name of ['SFN_ENDPOINT', 'STATE_MACHINE_ARN', 'BATCH_STATE_MACHINE_ARN', 'BATCH_TABLE_NAME']) {
        delete process.env[name];
      }
      await sim.stop();
      await dynamo.stop();
      resetCompositionForTests();
    },
  };
  return harness;
}
