/**
 * GET /v1/orders: the orders of a day from the audit trail's byDay index, newest first, by status and enterprise, with
 * `Link` paging — through the local runtime (gateway, handler, dynalite) and the real workflow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderSummary } from '../../../../../functions/domain/workflow/order-list';
import type { OrderView } from '../../../../../functions/domain/workflow/orders';
import { type LocalStepFunctions, startLocalStepFunctions } from '../../../../../local/stepfunctions';
import { startTestRuntime, type TestRuntime } from '../../../../support/local-runtime';
import { anOrder } from '../../../../workflow/harness';

let t: TestRuntime;
let sfn: LocalStepFunctions | undefined;
let day: string;
const orders = {
  first: anOrder(),
  failed: anOrder({ subscriber: { userId: `fail-${Date.now().toString(36)}@sp.example.com` } }),
  other: anOrder({ subscriber: { spEnterpriseId: 'enterprise-2' } }),
};

type ListBody = { day: string; items: OrderSummary[] };

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
  // One after the other, so "newest first" has one answer.
  for (const order of [orders.first, orders.failed, orders.other]) {
    const submitted = await t.api.post<OrderView>('/v1/orders', order);
    await sfn?.engine.waitForExecution(submitted.body.executionArn);
  }
  const read = await t.api.get<OrderView>(`/v1/orders/${orders.first.orderId}`);
  day = (read.body.audit?.items.at(-1)?.at ?? '').slice(0, 10);
});
afterAll(async () => {
  await t?.stop();
});

describe('GET /v1/orders', () => {
  it("lists the day's orders newest first, each with its status, enterprise and subscriber (read scope)", async () => {
    // Act
    const listed = await t.api.get<ListBody>(`/v1/orders?day=${day}`, { token: t.runtime.tokens.read });

    // Assess
    expect(listed.status).toBe(200);
    expect(listed.body.day).toBe(day);
    expect(listed.body.items.map((o) => o.orderId)).toEqual([
      orders.other.orderId,
      orders.failed.orderId,
      orders.first.orderId,
    ]);
    expect(listed.body.items[2]).toMatchObject({
      orderId: orders.first.orderId,
      status: 'SUCCEEDED',
      spEnterpriseId: 'enterprise-1',
      subscriberId: expect.any(String),
      subscriberStatus: 'provisioned',
      lastStep: 'finish',
    });
    expect(listed.body.items[1]).toMatchObject({ status: 'FAILED', failure: 'ProvisioningFailed' });
    expect(JSON.stringify(listed.body)).not.toContain(orders.first.subscriber.email as string);
    expect(listed.headers.get('link')).toBeNull();
  });

  it('filters by status and by enterprise', async () => {
    // Act
    const failed = await t.api.get<ListBody>(`/v1/orders?day=${day}&status=FAILED`);
    const done = await t.api.get<ListBody>(`/v1/orders?day=${day}&status=SUCCEEDED,FAILED&spEnterpriseId=enterprise-2`);
    const running = await t.api.get<ListBody>(`/v1/orders?day=${day}&status=RUNNING`);

    // Assess
    expect(failed.body.items.map((o) => o.orderId)).toEqual([orders.failed.orderId]);
    expect(done.body.items.map((o) => o.orderId)).toEqual([orders.other.orderId]);
    expect(running.body.items).toEqual([]);
  });

  it('pages with max and the cursor of the Link header, keeping the filters', async () => {
    // Act
    const first = await t.api.get<ListBody>(`/v1/orders?day=${day}&status=SUCCEEDED&max=1`);
    const link = first.headers.get('link') ?? '';
    const next = new URL(/<([^>]+)>; rel="next"/.exec(link)?.[1] ?? 'http://invalid/');
    const second = await t.api.get<ListBody>(`${next.pathname}${next.search}`);

    // Assess
    expect(first.body.items.map((o) => o.orderId)).toEqual([orders.other.orderId]);
    expect(next.searchParams.get('status')).toBe('SUCCEEDED');
    expect(next.searchParams.get('day')).toBe(day);
    expect(second.body.items.map((o) => o.orderId)).toEqual([orders.first.orderId]);
  });

  it('answers an empty list for a day without orders, and 400 Webex bodies for bad parameters', async () => {
    // Act
    const empty = await t.api.get<ListBody>('/v1/orders?day=2001-01-01');
    const badDay = await t.api.get('/v1/orders?day=2026-02-30');
    const badStatus = await t.api.get('/v1/orders?status=DONE');
    const badCursor = await t.api.get(`/v1/orders?day=${day}&cursor=not-ours`);
    const noToken = await t.api.get('/v1/orders', { token: null });

    // Assess
    expect(empty.status).toBe(200);
    expect(empty.body.items).toEqual([]);
    for (const [response, field] of [
      [badDay, 'day'],
      [badStatus, 'status'],
      [badCursor, 'cursor'],
    ] as const) {
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        errors: [expect.objectContaining({ errorCode: 1002, fieldName: field })],
        trackingId: expect.any(String),
      });
    }
    expect(noToken.status).toBe(401);
  });
});
