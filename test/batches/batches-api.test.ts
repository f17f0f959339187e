/**
 * Batches end to end through the local runtime: the API gateway and handlers, the batch workflow and the provisioning
 * workflow on the local Step Functions endpoint (the definitions rendered from the CDK constructs), the execution
 * status change events feeding the outcome recorder, dynalite and the simulator on a manual clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchView } from '../../functions/domain/batches/view';
import type { Order } from '../../functions/domain/contract/order';
import { type LocalStepFunctions, startLocalStepFunctions } from '../../local/stepfunctions';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { anOrder } from '../workflow/harness';

let t: TestRuntime;
let sfn: LocalStepFunctions | undefined;
/** Run once before an order's next `Check status` (by orderId): a person acting at Webex while the order waits. */
const beforeCheck = new Map<string, (state: { subscriberId?: string }) => Promise<void>>();

beforeAll(async () => {
  t = await startTestRuntime({
    stopAfterAll: false,
    stepFunctions: async ({ port, host, logger }) => {
      sfn = await startLocalStepFunctions({
        port,
        host,
        logger,
        timeScale: 0,
        onWait: (wait) => t.clock.advance(wait.seconds * 1000),
        wrapTask: (name, handler) =>
          name !== 'checkStatus'
            ? handler
            : async (input, context) => {
                const state = input as { ref?: string; subscriberId?: string };
                const hook = state.ref === undefined ? undefined : beforeCheck.get(state.ref);
                if (hook && state.ref !== undefined) {
                  beforeCheck.delete(state.ref);
                  await hook(state);
                }
                return handler(input, context);
              },
      });
      return sfn;
    },
  });
});
afterAll(async () => {
  await t?.stop();
});

function local(): LocalStepFunctions {
  if (!sfn) throw new Error('no local step functions');
  return sfn;
}

let batchSequence = 0;
function aBatchId(): string {
  batchSequence += 1;
  return `batch-${Date.now().toString(36)}-${batchSequence}`;
}

type Item = { orderId?: string; subscriber: Order['subscriber']; options?: Order['options'] };
const item = (order: Order, withId = false): Item => ({
  ...(withId ? { orderId: order.orderId } : {}),
  subscriber: order.subscriber,
});
const valid = () => item(anOrder());
const precheckRefused = () => item(anOrder({ subscriber: { provisioningId: 'no-such-template' } }));
const provisioningFails = () =>
  item(anOrder({ subscriber: { userId: `fail-${Date.now().toString(36)}-${++batchSequence}@sp.example.com` } }));

/** Wait until the batch's execution and every order's execution have ended and their outcomes are recorded. */
async function settled(batchId: string, orderIds: readonly string[]): Promise<void> {
  const engines = local();
  await engines.batchEngine.waitForExecution(engines.batchEngine.executionArnOf(batchId));
  for (const orderId of orderIds) await engines.engine.waitForExecution(engines.engine.executionArnOf(orderId));
  await engines.executionEvents.idle();
}

function orderExecutionStarts(orderIds: readonly string[]): number[] {
  const engine = local().engine;
  return orderIds.map((id) => engine.describeExecution({ executionArn: engine.executionArnOf(id) }).startDate);
}

describe('POST /v1/batches, GET /v1/batches/{batchId} and its report', () => {
  it('runs a batch of valid, Webex-invalid and failing subscribers to correct counts and a report', async () => {
    // Prepare
    const batchId = aBatchId();
    const orders = [valid(), precheckRefused(), valid(), provisioningFails()];
    const orderIds = orders.map((_, i) => `${batchId}-${i + 1}`);

    // Act
    const submitted = await t.api.post<BatchView>('/v1/batches', { batchId, orders });
    await settled(batchId, orderIds);
    const read = await t.api.get<BatchView>(`/v1/batches/${batchId}`, { token: t.runtime.tokens.read });
    const report = await t.api.get<string>(`/v1/batches/${batchId}/report`, { token: t.runtime.tokens.read });

    // Assess
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({
      batchId,
      status: 'RUNNING',
      counts: { total: 4, succeeded: 0, failed: 0, running: 4 },
      failures: [],
    });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      batchId,
      status: 'COMPLETED_WITH_FAILURES',
      counts: { total: 4, succeeded: 2, failed: 2, running: 0 },
    });
    expect(read.body.failures).toEqual([
      { orderId: orderIds[1], error: 'PrecheckFailed', cause: expect.objectContaining({ error: 'PrecheckFailed' }) },
      {
        orderId: orderIds[3],
        error: 'ProvisioningFailed',
        cause: expect.objectContaining({ error: 'ProvisioningFailed', orderId: orderIds[3] }),
      },
    ]);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = report.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('index,orderId,outcome,error,subscriberId,cause');
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 4))).toEqual([
      ['1', orderIds[0], 'SUCCEEDED', ''],
      ['2', orderIds[1], 'FAILED', 'PrecheckFailed'],
      ['3', orderIds[2], 'SUCCEEDED', ''],
      ['4', orderIds[3], 'FAILED', 'ProvisioningFailed'],
    ]);
    expect(lines[1]?.split(',')[4]).toMatch(/.+/);
  });

  it('answers the same batch again with 200 and starts no order twice', async () => {
    // Prepare
    const batchId = aBatchId();
    const body = { batchId, orders: [valid(), valid(), provisioningFails()] };
    const orderIds = body.orders.map((_, i) => `${batchId}-${i + 1}`);
    const first = await t.api.post<BatchView>('/v1/batches', body);
    await settled(batchId, orderIds);
    const startsBefore = orderExecutionStarts(orderIds);
    const executionsBefore = local().engine.listExecutions({
      stateMachineArn: local().stateMachineArn,
      maxResults: 1000,
    }).executions.length;

    // Act
    const again = await t.api.post<BatchView>('/v1/batches', body);
    const explicitIds = await t.api.post<BatchView>('/v1/batches', {
      batchId,
      orders: body.orders.map((o, i) => ({ orderId: orderIds[i], ...o })),
    });
    await settled(batchId, orderIds);

    // Assess
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(explicitIds.status).toBe(200);
    expect(again.body).toMatchObject({
      batchId,
      status: 'COMPLETED_WITH_FAILURES',
      counts: { total: 3, succeeded: 2, failed: 1, running: 0 },
    });
    expect(orderExecutionStarts(orderIds)).toEqual(startsBefore);
    expect(
      local().engine.listExecutions({ stateMachineArn: local().stateMachineArn, maxResults: 1000 }).executions.length,
    ).toBe(executionsBefore);
    const batchRuns = local().batchEngine.listExecutions({ stateMachineArn: local().batchStateMachineArn }).executions;
    expect(batchRuns.filter((e) => e.name === batchId)).toHaveLength(1);
  });

  it('refuses another batch under the same batchId with 409, also when both arrive at once (exactly one 202)', async () => {
    // Prepare
    const batchId = aBatchId();
    const bodies = Array.from({ length: 4 }, () => ({ batchId, orders: [valid()] }));
    const sameId = aBatchId();
    const same = { batchId: sameId, orders: [valid(), valid()] };

    // Act
    const different = await Promise.all(bodies.map((body) => t.api.post('/v1/batches', body)));
    const identical = await Promise.all(Array.from({ length: 4 }, () => t.api.post('/v1/batches', same)));
    await settled(batchId, [`${batchId}-1`]);
    await settled(sameId, [`${sameId}-1`, `${sameId}-2`]);

    // Assess
    expect(different.map((r) => r.status).sort()).toEqual([202, 409, 409, 409]);
    const conflict = different.find((r) => r.status === 409)?.body as { errors: Array<{ fieldName?: string }> };
    expect(conflict.errors[0]?.fieldName).toBe('batchId');
    expect(identical.map((r) => r.status).sort()).toEqual([200, 200, 200, 202]);
  });

  it('names each bad item with 400 (orders[n].subscriber.field) and starts nothing', async () => {
    // Prepare
    const batchId = aBatchId();
    const { userId: _dropped, ...withoutUserId } = anOrder().subscriber;
    const orders = [
      valid(),
      { subscriber: withoutUserId },
      { subscriber: { ...anOrder().subscriber, package: 'gold' } },
    ];

    // Act
    const refused = await t.api.post<{ errors: Array<{ fieldName?: string; errorCode?: number }>; trackingId: string }>(
      '/v1/batches',
      { batchId, orders },
    );
    const read = await t.api.get(`/v1/batches/${batchId}`);

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.trackingId).toBeTruthy();
    expect(refused.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ fieldName: 'orders[1].subscriber.userId', errorCode: 1001 }),
        expect.objectContaining({ fieldName: 'orders[2].subscriber.package', errorCode: 1002 }),
      ]),
    );
    expect(read.status).toBe(404);
  });

  it('refuses duplicate orderIds in a batch, an empty batch and more than 5,000 orders', async () => {
    // Prepare
    const batchId = aBatchId();
    const twice = anOrder();

    // Act
    const duplicates = await t.api.post<{ errors: Array<{ fieldName?: string }> }>('/v1/batches', {
      batchId,
      orders: [item(twice, true), item(twice, true)],
    });
    const empty = await t.api.post('/v1/batches', { batchId, orders: [] });
    const tooMany = await t.api.post<{ errors: Array<{ fieldName?: string }> }>('/v1/batches', {
      batchId,
      orders: Array.from({ length: 5001 }, () => ({ subscriber: twice.subscriber })),
    });

    // Assess
    expect(duplicates.status).toBe(400);
    expect(duplicates.body.errors.map((e) => e.fieldName)).toEqual(['orders[1].orderId']);
    expect(empty.status).toBe(400);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors.map((e) => e.fieldName)).toContain('orders');
  });

  it('adopts an order that exists with the same content and fails one whose orderId holds another order', async () => {
    // Prepare
    const batchId = aBatchId();
    const existing = anOrder();
    const taken = anOrder();
    await t.api.post('/v1/orders', existing);
    await t.api.post('/v1/orders', taken);
    await settled_orders([existing.orderId, taken.orderId]);
    const startsBefore = orderExecutionStarts([existing.orderId, taken.orderId]);
    const orders = [
      item(existing, true),
      { orderId: taken.orderId, subscriber: { ...taken.subscriber, firstName: 'Someone' } },
    ];

    // Act
    const submitted = await t.api.post('/v1/batches', { batchId, orders });
    await settled(batchId, []);
    const read = await t.api.get<BatchView>(`/v1/batches/${batchId}?max=1`);
    const next = read.headers.get('link');

    // Assess
    expect(submitted.status).toBe(202);
    expect(orderExecutionStarts([existing.orderId, taken.orderId])).toEqual(startsBefore);
    expect(read.body).toMatchObject({
      status: 'COMPLETED_WITH_FAILURES',
      counts: { total: 2, succeeded: 1, failed: 1, running: 0 },
      failures: [{ orderId: taken.orderId, error: 'OrderConflict' }],
    });
    expect(next).toBeNull();
  });

  it('counts an order whose userId Webex holds for a subscriber it did not create as a SubscriberConflict', async () => {
    // Prepare: the subscriber exists at Webex, provisioned through the API, not by any order of this batch.
    const batchId = aBatchId();
    const held = anOrder();
    const { customerInfo: _customerInfo, ...fields } = held.subscriber;
    const existing = await t.api.post<{ id: string }>('/v1/broadworks/subscribers', fields);
    const orders = [valid(), item(held)];
    const orderIds = orders.map((_, i) => `${batchId}-${i + 1}`);

    // Act
    await t.api.post('/v1/batches', { batchId, orders });
    await settled(batchId, orderIds);
    const read = await t.api.get<BatchView>(`/v1/batches/${batchId}`);
    const report = await t.api.get<string>(`/v1/batches/${batchId}/report`);
    const atWebex = await t.api.get<{ items: unknown[] }>(
      `/v1/broadworks/subscribers?userId=${encodeURIComponent(held.subscriber.userId)}`,
    );

    // Assess
    expect(existing.status).toBe(200);
    expect(read.body).toMatchObject({
      status: 'COMPLETED_WITH_FAILURES',
      counts: { total: 2, succeeded: 1, failed: 1, running: 0 },
    });
    expect(read.body.failures).toEqual([
      {
        orderId: orderIds[1],
        error: 'SubscriberConflict',
        cause: expect.objectContaining({ error: 'SubscriberConflict', existingSubscriberId: existing.body.id }),
      },
    ]);
    expect(
      report.text
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',').slice(2, 4)),
    ).toEqual([
      ['SUCCEEDED', ''],
      ['FAILED', 'SubscriberConflict'],
    ]);
    expect(atWebex.body.items).toHaveLength(1);
  });

  it('fails the subscribers of a finished batch sent under another batchId as conflicts, creating none twice', async () => {
    // Prepare
    const first = aBatchId();
    const again = aBatchId();
    const orders = [valid(), valid()];
    await t.api.post('/v1/batches', { batchId: first, orders });
    await settled(first, [`${first}-1`, `${first}-2`]);

    // Act
    const submitted = await t.api.post('/v1/batches', { batchId: again, orders });
    await settled(again, [`${again}-1`, `${again}-2`]);
    const firstRead = await t.api.get<BatchView>(`/v1/batches/${first}`);
    const againRead = await t.api.get<BatchView>(`/v1/batches/${again}`);
    const atWebex = await Promise.all(
      orders.map((o) =>
        t.api.get<{ items: unknown[] }>(`/v1/broadworks/subscribers?userId=${encodeURIComponent(o.subscriber.userId)}`),
      ),
    );

    // Assess
    expect(submitted.status).toBe(202);
    expect(firstRead.body).toMatchObject({ status: 'SUCCEEDED', counts: { succeeded: 2, failed: 0 } });
    expect(againRead.body).toMatchObject({
      status: 'COMPLETED_WITH_FAILURES',
      counts: { total: 2, succeeded: 0, failed: 2, running: 0 },
    });
    expect(againRead.body.failures.map((f) => f.error)).toEqual(['SubscriberConflict', 'SubscriberConflict']);
    expect(atWebex.map((page) => page.body.items.length)).toEqual([1, 1]);
  });

  it('counts an order whose subscriber is removed while it waits as failed, in its counts and report', async () => {
    // Prepare: before the order's first status check, an operator removes its subscriber through the API.
    const batchId = aBatchId();
    const orders = [valid(), valid()];
    const orderIds = orders.map((_, i) => `${batchId}-${i + 1}`);
    beforeCheck.set(orderIds[1] as string, async (state) => {
      const removed = await t.api.delete(`/v1/broadworks/subscribers/${state.subscriberId}`);
      expect(removed.status).toBe(204);
    });

    // Act
    await t.api.post('/v1/batches', { batchId, orders });
    await settled(batchId, orderIds);
    const read = await t.api.get<BatchView>(`/v1/batches/${batchId}`);
    const report = await t.api.get<string>(`/v1/batches/${batchId}/report`);

    // Assess
    expect(beforeCheck.has(orderIds[1] as string)).toBe(false);
    expect(read.body).toMatchObject({
      status: 'COMPLETED_WITH_FAILURES',
      counts: { total: 2, succeeded: 1, failed: 1, running: 0 },
    });
    expect(read.body.failures).toEqual([
      {
        orderId: orderIds[1],
        error: 'ProvisioningFailed',
        cause: expect.objectContaining({ errors: [expect.objectContaining({})] }),
      },
    ]);
    expect(report.text.trimEnd().split('\r\n')[2]?.split(',').slice(1, 4)).toEqual([
      orderIds[1],
      'FAILED',
      'ProvisioningFailed',
    ]);
  });

  it('keeps an OrderConflict when the other order under that orderId ends afterwards', async () => {
    // Prepare: another order runs under the orderId, held at its first status check until the batch has started.
    const batchId = aBatchId();
    const taken = anOrder();
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    beforeCheck.set(taken.orderId, () => gate);
    await t.api.post('/v1/orders', taken);
    const engine = local().engine;
    const takenArn = engine.executionArnOf(taken.orderId);

    // Act
    const submitted = await t.api.post('/v1/batches', {
      batchId,
      orders: [{ orderId: taken.orderId, subscriber: { ...taken.subscriber, firstName: 'Someone' } }],
    });
    await local().batchEngine.waitForExecution(local().batchEngine.executionArnOf(batchId));
    const whileRunning = await t.api.get<BatchView>(`/v1/batches/${batchId}`);
    const statusWhileRunning = engine.describeExecution({ executionArn: takenArn }).status;
    open();
    await settled_orders([taken.orderId]);
    const read = await t.api.get<BatchView>(`/v1/batches/${batchId}`);
    const report = await t.api.get<string>(`/v1/batches/${batchId}/report`);

    // Assess
    expect(submitted.status).toBe(202);
    expect(statusWhileRunning).toBe('RUNNING');
    expect(whileRunning.body.failures).toEqual([expect.objectContaining({ error: 'OrderConflict' })]);
    expect(engine.describeExecution({ executionArn: takenArn }).status).toBe('SUCCEEDED');
    expect(read.body).toMatchObject({
      status: 'COMPLETED_WITH_FAILURES',
      counts: { total: 1, succeeded: 0, failed: 1, running: 0 },
      failures: [{ orderId: taken.orderId, error: 'OrderConflict' }],
    });
    expect(report.text.trimEnd().split('\r\n')[1]?.split(',').slice(2, 5)).toEqual(['FAILED', 'OrderConflict', '']);
  });

  it('pages the failures with a Link header', async () => {
    // Prepare
    const batchId = aBatchId();
    const orders = [precheckRefused(), valid(), precheckRefused(), precheckRefused()];
    await t.api.post('/v1/batches', { batchId, orders });
    await settled(
      batchId,
      orders.map((_, i) => `${batchId}-${i + 1}`),
    );

    // Act
    const first = await t.api.get<BatchView>(`/v1/batches/${batchId}?max=2`);
    const link = first.headers.get('link') ?? '';
    const nextUrl = /<([^>]+)>; rel="next"/.exec(link)?.[1] ?? '';
    const second = await t.api.get<BatchView>(nextUrl.replace(/^https?:\/\/[^/]+/, ''));

    // Assess
    expect(first.body.failures.map((f) => f.orderId)).toEqual([`${batchId}-1`, `${batchId}-3`]);
    expect(nextUrl).toMatch(/cursor=3/);
    expect(second.body.failures.map((f) => f.orderId)).toEqual([`${batchId}-4`]);
    expect(second.headers.get('link')).toBeNull();
  });
});

async function settled_orders(orderIds: readonly string[]): Promise<void> {
  for (const orderId of orderIds) await local().engine.waitForExecution(local().engine.executionArnOf(orderId));
  await local().executionEvents.idle();
}
