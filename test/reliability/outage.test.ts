/**
 * The local runtime survives Webex (the simulator) going away and coming back: meanwhile every API call that needs
 * Webex answers 502/503/504 with a Webex error body, `/health` reports the simulator down, orders are still accepted,
 * and every order in flight — one caught mid-polling, two submitted during the outage — finishes once Webex is back,
 * with one subscriber each and one finish record each.
 *
 * Time: the simulator runs on a manual clock that each workflow Wait advances; the engine waits zero real time. Step
 * Functions' backoff between retries (seconds to minutes in AWS) is modelled by holding an order's retries once it has
 * failed twice during the outage, until the simulator is back — so the outage outlasts several attempts but not the
 * retry budget, as a short Webex outage would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../functions/domain/ports/audit';
import type { OrderView } from '../../functions/domain/workflow/orders';
import { type LocalStepFunctions, startLocalStepFunctions, type TaskHandler } from '../../local/stepfunctions';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { executionOfTaskInput } from './support/fault-harness';
import { orderOf } from './support/scenario';

interface WebexErrorBody {
  message: string;
  errors: Array<{ description: string }>;
  trackingId: string;
}

let t: TestRuntime;
let sfn: LocalStepFunctions | undefined;

/** Outage bookkeeping shared with the task wrapper. */
const outage = {
  down: false,
  failures: new Map<string, number>(),
  waiters: [] as Array<() => void>,
  back: Promise.resolve(),
  /** Order held at its first status check until the outage starts. */
  held: new Map<string, { reached: () => void; release: Promise<void> }>(),
};

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const wrapTask =
  (name: string, handler: TaskHandler): TaskHandler =>
  async (input, context) => {
    const execution = executionOfTaskInput(input) ?? '';
    const hold = name === 'checkStatus' ? outage.held.get(execution) : undefined;
    if (hold) {
      outage.held.delete(execution);
      hold.reached();
      await hold.release;
    }
    // Step Functions' backoff: once an order failed twice during the outage, its next attempt comes after it.
    if (outage.down && (outage.failures.get(execution) ?? 0) >= 2) await outage.back;
    try {
      return await handler(input, context);
    } catch (error) {
      if (outage.down) {
        outage.failures.set(execution, (outage.failures.get(execution) ?? 0) + 1);
        for (const wake of outage.waiters.splice(0)) wake();
      }
      throw error;
    }
  };

async function failedTwice(orderIds: string[]): Promise<void> {
  while (!orderIds.every((id) => (outage.failures.get(id) ?? 0) >= 2)) {
    await new Promise<void>((resolve) => outage.waiters.push(resolve));
  }
}

beforeAll(async () => {
  t = await startTestRuntime({
    stopAfterAll: false,
    // One attempt per call: the API answers at once, and every workflow retry is Step Functions'.
    composition: { webexClient: { maxAttempts: 1 } },
    stepFunctions: async ({ port, host, logger }) => {
      sfn = await startLocalStepFunctions({
        port,
        host,
        logger,
        timeScale: 0,
        onWait: (wait) => t.clock.advance(wait.seconds * 1000),
        wrapTask,
      });
      return sfn;
    },
  });
});
afterAll(async () => {
  await t?.stop();
});

function expectWebexUnavailable(operation: string, response: { status: number; headers: Headers; body: unknown }) {
  expect([502, 503, 504], operation).toContain(response.status);
  const body = response.body as WebexErrorBody;
  expect(body.message).toEqual(expect.any(String));
  expect(body.errors[0]?.description).toEqual(expect.any(String));
  expect(body.trackingId).toMatch(/^WBXPROV_/);
  expect(response.headers.get('trackingid')).toBe(body.trackingId);
}

describe('local runtime: Webex goes away and comes back', () => {
  it('answers 502/503/504 meanwhile, and finishes the orders in flight once Webex is back', async () => {
    // Prepare: order A is provisioned and about to check its status when Webex goes away
    const engine = sfn?.engine;
    if (!engine) throw new Error('no local Step Functions');
    const simulatorPort = Number(new URL(t.runtime.urls.simulator).port);
    const [a, b, c] = ['outage-a', 'outage-b', 'outage-c'].map((tag) => orderOf('direct', tag)) as [
      ReturnType<typeof orderOf>,
      ReturnType<typeof orderOf>,
      ReturnType<typeof orderOf>,
    ];
    const reached = deferred();
    const release = deferred();
    outage.held.set(a.orderId, { reached: reached.resolve, release: release.promise });
    const back = deferred();
    outage.back = back.promise;
    const submittedA = await t.api.post<OrderView>('/v1/orders', a.input);
    await reached.promise;

    // Act 1: Webex goes away
    await t.runtime.simulator.stop();
    outage.down = true;
    release.resolve();
    const subscriber = (a.input as { subscriber: Record<string, unknown> }).subscriber;
    const duringOutage = {
      list: await t.api.get('/v1/broadworks/subscribers?max=5'),
      provision: await t.api.post('/v1/broadworks/subscribers', { ...subscriber, userId: 'during-outage@sp.example' }),
      precheck: await t.api.post('/v1/broadworks/subscribers/validate', subscriber),
      get: await t.api.get('/v1/broadworks/subscribers/Y2lzY29zcGFyazovL3Vz'),
      update: await t.api.put('/v1/broadworks/subscribers/Y2lzY29zcGFyazovL3Vz', { firstName: 'Ada' }),
      remove: await t.api.delete('/v1/broadworks/subscribers/Y2lzY29zcGFyazovL3Vz'),
      consent: await t.api.post('/v1/subscribers/Y2lzY29zcGFyazovL3Vz/emails/consentMove'),
    };
    const healthDown = await t.api.get<{ components: Record<string, { status: string }> }>('/health');
    const submittedB = await t.api.post<OrderView>('/v1/orders', b.input);
    const submittedC = await t.api.post<OrderView>('/v1/orders', c.input);
    await failedTwice([a.orderId, b.orderId, c.orderId]);

    // Act 2: Webex comes back
    await t.runtime.simulator.start({ port: simulatorPort, host: '127.0.0.1' });
    outage.down = false;
    back.resolve();
    const executions = await Promise.all(
      [submittedA, submittedB, submittedC].map((s) => engine.waitForExecution(s.body.executionArn)),
    );
    const healthUp = await t.api.get('/health');

    // Assess: during the outage
    for (const [operation, response] of Object.entries(duringOutage)) {
      expectWebexUnavailable(operation, response);
    }
    expect(healthDown.status).toBe(503);
    expect(healthDown.body.components.simulator?.status).toBe('down');
    expect([submittedA.status, submittedB.status, submittedC.status]).toEqual([202, 202, 202]);

    // Assess: after the outage
    expect(healthUp.status).toBe(200);
    expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    for (const execution of executions) {
      const failed = execution.events.filter((e) => e.type === 'LambdaFunctionFailed');
      expect(failed.length).toBeGreaterThanOrEqual(2);
      expect(
        failed.every((e) => (e.lambdaFunctionFailedEventDetails as { error: string }).error === 'UpstreamUnavailable'),
      ).toBe(true);
    }
    for (const order of [a, b, c]) {
      const view = await t.api.get<OrderView>(`/v1/orders/${order.orderId}`);
      expect(view.body).toMatchObject({ status: 'SUCCEEDED', subscriber: { status: 'provisioned' } });
      const items = (view.body.audit?.items ?? []) as AuditRecord[];
      expect(items.filter((r) => r.step === 'finish')).toHaveLength(1);
      expect(items.filter((r) => r.step === 'provision' || r.step === 'adopt')).toHaveLength(1);
      expect(new Set(items.map((r) => r.id)).size).toBe(items.length);
      const listed = await t.api.get<{ items: unknown[] }>(
        `/v1/broadworks/subscribers?${new URLSearchParams({ userId: order.userId })}`,
      );
      expect(listed.body.items).toHaveLength(1);
    }
  });
});
