/**
 * Test harness for the provisioning workflow: the REAL rendered definition on the local engine, the REAL task handler
 * modules, the Webex simulator on a manual clock and the audit table on dynalite.
 *
 * Time never passes for real: the engine runs with `timeScale: 0`, and every Wait state advances the manual clock by
 * exactly the seconds the definition asked for — so the simulator's lifecycle, the poll policy and the deadlines all
 * see the time the workflow would have waited in AWS. `onWait` lets a test act at a wait (a person consents, a fault
 * is lifted).
 */
import { DynamoAuditStore } from '../../functions/adapters/dynamodb/audit-store';
import { REFRESH_GRANT_COMPOSITION } from '../../functions/composition/refresh-grant';
import { resetCompositionForTests } from '../../functions/composition/root';
import type { Order } from '../../functions/domain/contract/order';
import type { Subscriber } from '../../functions/domain/contract/subscriber';
import type { AuditRecord } from '../../functions/domain/ports/audit';
import type { WorkflowState } from '../../functions/domain/workflow/state';
import {
  type ExecutionRecord,
  type LocalStepFunctionsEngine,
  startLocalStepFunctions,
  type TaskHandler,
  type WaitInfo,
} from '../../local/stepfunctions';
import type { HistoryEvent } from '../../local/stepfunctions/history';
import {
  createWebexSimulator,
  type OperationId,
  TRUSTED_TEMPLATE_ID,
  type WebexSimulator,
} from '../../local/webex-simulator';
import { startTestDynamo, TEST_AWS_ENV, type TestDynamo } from '../support/dynalite';
import { createManualClock, type ManualClock } from '../support/fakes';

export const CLOCK_START = Date.UTC(2025, 0, 6, 9, 0, 0);
export const PROVISIONING_DELAY_MS = 60_000;

export interface WorkflowHarness {
  clock: ManualClock;
  sim: WebexSimulator;
  engine: LocalStepFunctionsEngine;
  audit: DynamoAuditStore;
  dynamo: TestDynamo;
  /** Every Wait the executions went through, in order. */
  waits: WaitInfo[];
  /** Set per test: called at every Wait (after the clock moved). */
  onWait: ((wait: WaitInfo, state: WorkflowState) => void) | undefined;
  /** Set per test: wraps task handlers (fault injection between Step Functions and Lambda). */
  wrapTask: ((taskName: string, handler: TaskHandler) => TaskHandler) | undefined;
  /** Start an execution named after the order and wait until it has ended. */
  runOrder(order: Order | unknown, name?: string): Promise<ExecutionRecord>;
  run(input: unknown, name: string): Promise<ExecutionRecord>;
  /** Every audit record of an order (oldest first). */
  orderRecords(orderId: string): Promise<AuditRecord[]>;
  subscriberRecords(subscriberId: string): Promise<AuditRecord[]>;
  /** Calls the simulator answered for one operation, by status. */
  calls(operation: OperationId): Record<string, number>;
  /** Provision a subscriber straight at the simulator (someone else's, or an earlier one), as Webex's API would. */
  provisionDirectly(body: Record<string, unknown>): Promise<Subscriber>;
  /** Remove a subscriber straight at the simulator, as Webex's API would. */
  removeDirectly(subscriberId: string): Promise<void>;
  reset(): void;
  stop(): Promise<void>;
}

export async function startWorkflowHarness(): Promise<WorkflowHarness> {
  process.env.LOG_LEVEL = 'silent';
  const clock = createManualClock(CLOCK_START);
  const sim = createWebexSimulator({ clock, provisioningDelayMs: PROVISIONING_DELAY_MS, updateDelayMs: 30_000 });
  const { url } = await sim.start({ port: 0, host: '127.0.0.1' });
  const dynamo = await startTestDynamo('audit-workflow');
  const credentials = sim.credentials;
  Object.assign(process.env, {
    ...TEST_AWS_ENV,
    AUDIT_TABLE_NAME: dynamo.tableName,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    WEBEX_BASE_URL: `${url}/v1`,
    WEBEX_REFRESH_TOKEN: credentials.refreshToken,
    WEBEX_CLIENT_ID: credentials.clientId,
    WEBEX_CLIENT_SECRET: credentials.clientSecret,
    AUDIT_DIGEST_KEY: 'workflow-test-digest-key-0123456789abcdef',
    LOG_LEVEL: 'silent',
  });
  delete process.env.PARTNER_TOKEN_SECRET_ID;
  delete process.env.AUDIT_DIGEST_SECRET_ID;
  // One attempt per task invocation: retries are Step Functions' (visible in the history), never a sleep on the clock.
  resetCompositionForTests({ ...REFRESH_GRANT_COMPOSITION, clock, webexClient: { maxAttempts: 1 } });

  const waits: WaitInfo[] = [];
  // The harness is created below; the endpoint's hooks reach it through this reference.
  let current: WorkflowHarness | undefined;
  // The HTTP endpoint (port 0), as tools and the order CLI reach it.
  const endpoint = await startLocalStepFunctions({
    port: 0,
    timeScale: 0,
    onWait: (wait) => {
      waits.push(wait);
      clock.advance(wait.seconds * 1000);
      current?.onWait?.(wait, wait.input as WorkflowState);
    },
    wrapTask: (name, handler) => (input, context) =>
      current?.wrapTask ? current.wrapTask(name, handler)(input, context) : handler(input, context),
  });
  const harness: WorkflowHarness = {
    clock,
    sim,
    dynamo,
    waits,
    onWait: undefined,
    wrapTask: undefined,
    audit: new DynamoAuditStore({ client: dynamo.client, tableName: dynamo.tableName }),
    engine: endpoint.engine,
    async run(input, name) {
      const { executionArn } = harness.engine.startExecution({
        stateMachineArn: harness.engine.stateMachineArn,
        name,
        input: JSON.stringify(input),
      });
      return harness.engine.waitForExecution(executionArn);
    },
    async runOrder(order, name) {
      const orderId = (order as { orderId?: unknown }).orderId;
      return harness.run(order, name ?? String(orderId));
    },
    async orderRecords(orderId) {
      const page = await harness.audit.listByOrder(orderId, { max: 100 });
      return [...page.items].reverse();
    },
    async subscriberRecords(subscriberId) {
      const page = await harness.audit.listBySubscriber(subscriberId, { max: 100 });
      return [...page.items].reverse();
    },
    calls(operation) {
      return { ...sim.stats().requests.byOperation[operation]?.byStatus };
    },
    async removeDirectly(subscriberId) {
      const response = await fetch(`${url}/v1/broadworks/subscribers/${encodeURIComponent(subscriberId)}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${sim.credentials.accessToken}` },
      });
      if (response.status !== 204) throw new Error(`direct remove answered ${response.status}`);
    },
    async provisionDirectly(body) {
      const response = await fetch(`${url}/v1/broadworks/subscribers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sim.credentials.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 200) throw new Error(`direct provision answered ${response.status}`);
      return (await response.json()) as Subscriber;
    },
    reset() {
      sim.reset();
      waits.length = 0;
      harness.onWait = undefined;
      harness.wrapTask = undefined;
    },
    async stop() {
      await endpoint.stop();
      await sim.stop();
      await dynamo.stop();
      resetCompositionForTests();
    },
  };
  current = harness;
  return harness;
}

let sequence = 0;

/** A valid order with a unique orderId and userId (trusted template, an email that provisions directly). */
export function anOrder(
  overrides: { subscriber?: Record<string, unknown>; options?: Order['options']; orderId?: string } = {},
): Order {
  sequence += 1;
  const n = `${Date.now().toString(36)}-${sequence}`;
  return {
    orderId: overrides.orderId ?? `order-${n}`,
    subscriber: {
      provisioningId: TRUSTED_TEMPLATE_ID,
      userId: `user-${n}@sp.example.com`,
      spEnterpriseId: 'enterprise-1',
      firstName: 'Ada',
      lastName: 'Lovelace',
      package: 'standard',
      primaryPhoneNumber: '+1 408 555 0100',
      email: `ada-${n}@customer.example.com`,
      ...overrides.subscriber,
    } as Order['subscriber'],
    ...(overrides.options ? { options: overrides.options } : {}),
  };
}

export function eventsOfType(record: ExecutionRecord, type: string): HistoryEvent[] {
  return record.events.filter((e) => e.type === type);
}

/** Names of the states entered, in order. */
export function statesEntered(record: ExecutionRecord): string[] {
  return record.events
    .filter((e) => e.type.endsWith('StateEntered'))
    .map((e) => (e.stateEnteredEventDetails as { name: string }).name);
}

export function parsedCause(record: ExecutionRecord): Record<string, unknown> {
  return JSON.parse(record.cause ?? 'null') as Record<string, unknown>;
}

/** Records keyed by what makes them one event: `step:<name>` or `status:<status>`. */
export function recordKeys(records: AuditRecord[]): string[] {
  return records.map((r) => (r.action === 'statusChange' ? `status:${r.status?.to}` : `step:${r.step}`));
}
