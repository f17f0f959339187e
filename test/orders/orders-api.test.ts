/**
 * The order entry points through the local runtime: the API gateway (JWT, payload 2.0), the handlers on H3a's middy
 * stack, the local Step Functions endpoint running the workflow, the simulator and dynalite.
 */
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditRecord } from '../../functions/domain/ports/audit';
import type { OrderView } from '../../functions/domain/workflow/orders';
import { type LocalStepFunctions, startLocalStepFunctions } from '../../local/stepfunctions';
import { main as orderCli } from '../../scripts/order-cli';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { anOrder } from '../workflow/harness';

let t: TestRuntime;
let sfn: LocalStepFunctions | undefined;

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
      });
      return sfn;
    },
  });
});
afterAll(async () => {
  await t?.stop();
});

async function settled(executionArn: string) {
  if (!sfn) throw new Error('no local step functions');
  return sfn.engine.waitForExecution(executionArn);
}

describe('POST /v1/orders and GET /v1/orders/{orderId}', () => {
  it('starts an order (202), then shows it provisioned with its audit records newest first', async () => {
    // Prepare
    const order = anOrder();

    // Act
    const submitted = await t.api.post<OrderView>('/v1/orders', order);
    await settled(submitted.body.executionArn);
    const read = await t.api.get<OrderView>(`/v1/orders/${order.orderId}`, { token: t.runtime.tokens.read });

    // Assess
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ orderId: order.orderId, status: 'RUNNING' });
    expect(submitted.headers.get('trackingid')).toBeTruthy();
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      orderId: order.orderId,
      status: 'SUCCEEDED',
      subscriber: { userId: order.subscriber.userId, status: 'provisioned' },
    });
    const items = read.body.audit?.items ?? [];
    expect(items.map((r: AuditRecord) => r.step ?? r.status?.to)).toEqual(
      expect.arrayContaining(['validateOrder', 'precheck', 'provision', 'provisioned', 'finish']),
    );
    const times = items.map((r: AuditRecord) => Date.parse(r.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('answers the existing order with 200 for the same order, and 409 for other content under its orderId', async () => {
    // Prepare
    const order = anOrder();
    const first = await t.api.post<OrderView>('/v1/orders', order);
    await settled(first.body.executionArn);

    // Act
    const again = await t.api.post<OrderView>('/v1/orders', order);
    const different = await t.api.post('/v1/orders', {
      ...order,
      subscriber: { ...order.subscriber, firstName: 'Grace' },
    });

    // Assess
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ executionArn: first.body.executionArn, status: 'SUCCEEDED' });
    expect(different.status).toBe(409);
    expect(different.body).toMatchObject({ message: expect.any(String), trackingId: expect.any(String) });
    expect(t.runtime.simulator.stats().requests.byOperation.provisionSubscriber?.total).toBeGreaterThanOrEqual(2);
  });

  it('answers 202 to exactly one of 30 concurrent identical posts, 200 to the others, then 409 to other content', async () => {
    // Prepare
    const order = anOrder();
    const other = { ...order, subscriber: { ...order.subscriber, firstName: 'Grace' } };

    // Act
    const identical = await Promise.all(Array.from({ length: 30 }, () => t.api.post<OrderView>('/v1/orders', order)));
    const conflicting = await t.api.post('/v1/orders', other);
    await settled(identical[0]?.body.executionArn as string);

    // Assess
    expect(identical.filter((a) => a.status === 202)).toHaveLength(1);
    expect(identical.filter((a) => a.status === 200)).toHaveLength(29);
    expect(conflicting.status).toBe(409);
    expect(new Set(identical.map((a) => a.body.executionArn)).size).toBe(1);
    expect(t.runtime.simulator.stats().requests.byOperation.provisionSubscriber?.byStatus[200]).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('refuses invalid orders with Webex error bodies before starting anything', async () => {
    // Act
    const invalid = await t.api.post('/v1/orders', { orderId: 'x', subscriber: { firstName: 'Ada' } });
    const notJson = await t.api.post('/v1/orders', '{', { headers: { 'content-type': 'application/json' } });
    const readOnly = await t.api.post('/v1/orders', anOrder(), { token: t.runtime.tokens.read });

    // Assess
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      errors: expect.arrayContaining([
        { description: expect.any(String), errorCode: 1001, fieldName: 'subscriber.userId' },
      ]),
    });
    expect(notJson.status).toBe(400);
    expect(readOnly.status).toBe(403);
  });

  it('answers 404 for an unknown order and 400 for a malformed orderId', async () => {
    // Act
    const unknown = await t.api.get('/v1/orders/never-submitted');
    const malformed = await t.api.get('/v1/orders/bad.id');

    // Assess
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      errors: [expect.objectContaining({ errorCode: 1002, fieldName: 'orderId' })],
    });
  });

  it('retries a failed order as a new attempt that adopts its subscriber, once, and refuses what cannot help', async () => {
    // Prepare: Webex provisions the subscriber but its status checks fail until the order gives up.
    const order = anOrder();
    t.runtime.simulator.setFaults({ errorRate: { share: 1, statuses: [503] }, operations: ['getSubscriber'] });
    const submitted = await t.api.post<OrderView>('/v1/orders', order);
    const failed = await settled(submitted.body.executionArn);
    t.runtime.simulator.resetFaults();

    // Act
    const retried = await t.api.post<OrderView>(`/v1/orders/${order.orderId}/retry`, undefined);
    const whileRunning = await t.api.post(`/v1/orders/${order.orderId}/retry`, undefined);
    const done = await settled(retried.body.executionArn);
    const read = await t.api.get<OrderView>(`/v1/orders/${order.orderId}`, { token: t.runtime.tokens.read });
    const afterSuccess = await t.api.post(`/v1/orders/${order.orderId}/retry`, undefined);
    const unknown = await t.api.post('/v1/orders/never-submitted/retry', undefined);
    const readOnly = await t.api.post(`/v1/orders/${order.orderId}/retry`, undefined, { token: t.runtime.tokens.read });
    const listed = await t.api.get<{ items: Array<{ id: string }> }>(
      `/v1/broadworks/subscribers?userId=${encodeURIComponent(order.subscriber.userId)}`,
    );

    // Assess
    expect(failed).toMatchObject({ status: 'FAILED', error: 'UpstreamUnavailable' });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ orderId: order.orderId, status: 'RUNNING', attempt: 2 });
    expect(whileRunning.status).toBe(409);
    expect(whileRunning.body).toMatchObject({
      message: expect.stringMatching(/running/),
      trackingId: expect.any(String),
    });
    expect(done, JSON.stringify(done)).toMatchObject({ status: 'SUCCEEDED' });
    expect(read.body).toMatchObject({ orderId: order.orderId, status: 'SUCCEEDED', attempt: 2 });
    expect(read.body.attempts?.map((a) => [a.attempt, a.status, a.failure?.error])).toEqual([
      [1, 'FAILED', 'UpstreamUnavailable'],
      [2, 'SUCCEEDED', undefined],
    ]);
    expect(read.body.audit?.items.map((r: AuditRecord) => r.step)).toEqual(expect.arrayContaining(['retry', 'finish']));
    expect(afterSuccess.status).toBe(409);
    expect(unknown.status).toBe(404);
    expect(readOnly.status).toBe(403);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]?.id).toBe(read.body.subscriber?.id);
  });

  it('retries from the command line through the API and follows the new attempt to provisioned', async () => {
    // Prepare: an order that failed UpstreamUnavailable (its precheck found Webex down), and the CLI's environment.
    const order = anOrder();
    t.runtime.simulator.setFaults({ errorRate: { share: 1, statuses: [503] }, operations: ['precheckSubscriber'] });
    const submitted = await t.api.post<OrderView>('/v1/orders', order);
    await settled(submitted.body.executionArn);
    t.runtime.simulator.resetFaults();
    const env = { API_URL: t.runtime.urls.api, TOKEN: t.runtime.tokens.write, SFN_ENDPOINT: sfn?.url };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);

    // Act
    let codes: number[];
    try {
      codes = [
        await orderCli(['retry', order.orderId, '--follow'], { pollMs: 10 }),
        await orderCli(['retry', order.orderId]),
      ];
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }

    // Assess
    expect(codes).toEqual([0, 1]);
    expect(out.join('')).toContain(`order ${order.orderId} retried: attempt 2`);
    expect(out.join('')).toMatch(/done\s+provisioned/);
    expect(err.join('')).toMatch(/retry refused \(409\): The order .* has succeeded/);
  });

  it('follows an API Provision with a tracking execution (through the audit stream)', async () => {
    // Prepare
    const order = anOrder();
    const client = new SFNClient({
      endpoint: t.runtime.urls.stepFunctions,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

    // Act
    const provisioned = await t.api.post<{ id: string }>('/v1/broadworks/subscribers', order.subscriber, {
      headers: { TrackingID: 'CALLER_tracking-1' },
    });
    await t.runtime.auditStream.idle();
    const list = await client.send(new ListExecutionsCommand({ stateMachineArn: t.runtime.stateMachineArn }));

    // Assess
    expect(provisioned.status).toBe(200);
    const tracking = list.executions?.find((e) => e.name?.startsWith('track-provision-CALLER_tracking-1-'));
    expect(tracking).toBeDefined();
    const done = await settled(tracking?.executionArn as string);
    expect(done, JSON.stringify(done)).toMatchObject({ status: 'SUCCEEDED' });
    expect(JSON.parse(done.output ?? '{}').subscriber.id).toBe(provisioned.body.id);
    client.destroy();
  });
});
