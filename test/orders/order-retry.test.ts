/**
 * Retrying a failed order: a new attempt of the same order, named for its attempt, refused when it cannot help, exactly
 * once under concurrency, and recorded in the order's audit trail. The workflow's first task knows a retry's name as
 * the order's and records its steps anew.
 */
import { describe, expect, it } from 'vitest';
import type { Order } from '../../functions/domain/contract/order';
import { RULES } from '../../functions/domain/contract/rules';
import { ConflictError, NotFoundError, ValidationError } from '../../functions/domain/errors';
import type { AuditRecord } from '../../functions/domain/ports/audit';
import { attemptExecutionName, attemptOf } from '../../functions/domain/workflow/attempts';
import { summarizeOrder } from '../../functions/domain/workflow/order-list';
import { getOrder, retryOrder } from '../../functions/domain/workflow/orders';
import { validateOrderStep } from '../../functions/domain/workflow/steps';
import { InMemoryAuditStore, InMemoryOrderExecutions } from '../support/fakes';

const order: Order = {
  orderId: 'order-1',
  subscriber: {
    provisioningId: 'template',
    userId: 'u1@sp.example.com',
    spEnterpriseId: 'e1',
    firstName: 'Ada',
    lastName: 'Lovelace',
    package: 'standard',
    extension: '1001',
  },
};
const call = { actor: 'operator-1', trackingId: 'WBXPROV_retry-1' };
const clock = { now: () => Date.UTC(2025, 0, 6, 10), sleep: async () => undefined };

function failedOrder(error = 'UpstreamUnavailable') {
  const executions = new InMemoryOrderExecutions();
  executions.put(order.orderId, order, {
    status: 'FAILED',
    error,
    cause: '{"detail":"Webex unavailable"}',
    stopDate: '2025-01-06T09:30:00.000Z',
  });
  return { executions, audit: new InMemoryAuditStore(), clock };
}

describe('attempt execution names', () => {
  it('names the first attempt by the orderId and retries <orderId>.<n>, within 80 characters, both ways', () => {
    // Prepare
    const long = 'o'.repeat(80);
    const almost = 'p'.repeat(78);

    // Act
    const names = [2, 3, 10].map((n) => attemptExecutionName(long, n));

    // Assess
    expect(attemptExecutionName('order-1', 1)).toBe('order-1');
    expect(attemptExecutionName('order-1', 2)).toBe('order-1.2');
    expect(attemptExecutionName(almost, 2)).toBe(`${almost}.2`);
    for (const name of [...names, attemptExecutionName(almost, 10)]) expect(name.length).toBeLessThanOrEqual(80);
    expect(new Set(names).size).toBe(3);
    expect(names.map((name) => attemptOf(long, name))).toEqual([2, 3, 10]);
    expect(attemptOf('order-1', 'order-1')).toBe(1);
    expect(attemptOf('order-1', 'order-1.7')).toBe(7);
  });

  it('never takes another order name for an attempt', () => {
    // Act / Assess
    expect(attemptOf('order-1', 'order-2')).toBeUndefined();
    expect(attemptOf('order-1', 'order-1.1')).toBeUndefined();
    expect(attemptOf('order-1', `order-1.${RULES.maxOrderAttempts + 1}`)).toBeUndefined();
    expect(attemptOf('order-1', 'order-1-2')).toBeUndefined();
    expect(attemptOf('o'.repeat(80), `${'o'.repeat(66)}.0123456789.2`)).toBeUndefined();
  });
});

describe('retryOrder', () => {
  it('starts attempt 2 of a failed order with the order as first submitted, and records who asked', async () => {
    // Prepare
    const deps = failedOrder();

    // Act
    const view = await retryOrder(deps, order.orderId, call);

    // Assess
    expect(deps.executions.starts).toEqual(['order-1.2']);
    expect(deps.executions.executions.get('order-1.2')?.input).toEqual(order);
    expect(view).toMatchObject({ orderId: 'order-1', status: 'RUNNING', attempt: 2 });
    expect(view.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        status: 'FAILED',
        failure: expect.objectContaining({ error: 'UpstreamUnavailable' }),
      }),
      expect.objectContaining({ attempt: 2, status: 'RUNNING' }),
    ]);
    expect(deps.audit.records).toEqual([
      expect.objectContaining({
        step: 'retry',
        orderId: 'order-1',
        attempt: 2,
        actor: 'operator-1',
        trackingId: 'WBXPROV_retry-1',
        detail: 'retry requested after attempt 1 ended UpstreamUnavailable',
      }),
    ]);
  });

  it("keeps what the first attempt's input carries beyond the order (a batch's marker)", async () => {
    // Prepare
    const deps = failedOrder();
    deps.executions.put(order.orderId, { ...order, batch: { batchId: 'b-1', index: 3 } }, { status: 'FAILED' });

    // Act
    await retryOrder(deps, order.orderId, call);

    // Assess
    expect(deps.executions.executions.get('order-1.2')?.input).toEqual({
      ...order,
      batch: { batchId: 'b-1', index: 3 },
    });
  });

  it('refuses with 409 while an attempt runs, once it succeeded, and for an invalid order', async () => {
    // Prepare
    const running = failedOrder();
    await retryOrder(running, order.orderId, call);
    const succeeded = failedOrder();
    succeeded.executions.put(order.orderId, order, { status: 'SUCCEEDED' });
    const invalid = failedOrder('InvalidOrder');

    // Act
    const outcomes = await Promise.allSettled([
      retryOrder(running, order.orderId, call),
      retryOrder(succeeded, order.orderId, call),
      retryOrder(invalid, order.orderId, call),
    ]);

    // Assess
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    }
    expect((outcomes[0] as PromiseRejectedResult).reason.message).toMatch(/is running \(attempt 2\)/);
    expect((outcomes[2] as PromiseRejectedResult).reason.message).toMatch(/new orderId/);
    expect(invalid.executions.starts).toEqual([]);
  });

  it('answers NotFound for an unknown order and a ValidationError for a malformed orderId', async () => {
    // Prepare
    const deps = failedOrder();

    // Act / Assess
    await expect(retryOrder(deps, 'never-submitted', call)).rejects.toBeInstanceOf(NotFoundError);
    await expect(retryOrder(deps, 'bad.id', call)).rejects.toBeInstanceOf(ValidationError);
  });

  it('starts one attempt for many concurrent retries: one is accepted, the others are conflicts', async () => {
    // Prepare
    const deps = failedOrder();

    // Act
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => retryOrder(deps, order.orderId, call)));

    // Assess
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason)).toEqual(
      Array.from({ length: 4 }, () => expect.any(ConflictError)),
    );
    expect([...deps.executions.executions.keys()]).toEqual(['order-1', 'order-1.2']);
  });

  it('refuses a retry past the most attempts an order may have', async () => {
    // Prepare
    const deps = failedOrder();
    for (let n = 2; n <= RULES.maxOrderAttempts; n++) {
      deps.executions.put(attemptExecutionName(order.orderId, n), order, { status: 'FAILED', error: 'InternalError' });
    }

    // Act / Assess
    await expect(retryOrder(deps, order.orderId, call)).rejects.toThrow(/the most an order may/);
  });

  it('shows the latest attempt on GET, with every attempt listed', async () => {
    // Prepare
    const deps = failedOrder();
    await retryOrder(deps, order.orderId, call);
    deps.executions.put('order-1.2', order, {
      status: 'SUCCEEDED',
      output: {
        subscriber: {
          id: 'sub-1',
          userId: order.subscriber.userId,
          spEnterpriseId: 'e1',
          status: 'provisioned',
          firstName: 'Ada',
          lastName: 'Lovelace',
          package: 'standard',
          provisioningId: 'template',
          created: '2025-01-06T09:00:00.000Z',
          lastStatusChange: '2025-01-06T10:01:00.000Z',
          language: 'en',
        },
      },
    });

    // Act
    const view = await getOrder(deps, order.orderId);

    // Assess
    expect(view).toMatchObject({ orderId: 'order-1', status: 'SUCCEEDED', attempt: 2 });
    expect(view.attempts?.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'FAILED'],
      [2, 'SUCCEEDED'],
    ]);
  });
});

describe('a retry in the workflow', () => {
  it("records the retry's steps under the orderId, with its attempt, as new records", async () => {
    // Prepare
    const records: AuditRecord[] = [];
    const deps = {
      audit: {
        append: async (r: AuditRecord) => {
          records.push(r);
          return { written: true };
        },
        listBySubscriber: async () => ({ items: [] }),
        listByOrder: async () => ({ items: [] }),
      },
      digester: { digest: (v: string) => `hmac-sha256:${v.length}` },
      clock,
    };

    // Act
    const first = await validateOrderStep(deps, { input: order, executionName: 'order-1' });
    const retried = await validateOrderStep(deps, { input: order, executionName: 'order-1.2' });
    const foreign = await validateOrderStep(deps, { input: order, executionName: 'order-2.2' });

    // Assess
    expect(first).toMatchObject({ ref: 'order-1', route: 'precheck' });
    expect(first.attempt).toBeUndefined();
    expect(retried).toMatchObject({ ref: 'order-1', attempt: 2, route: 'precheck' });
    expect(records[1]).toMatchObject({ orderId: 'order-1', attempt: 2, step: 'validateOrder' });
    expect(records[1]?.id).not.toBe(records[0]?.id);
    expect(foreign).toMatchObject({ route: 'failed', failure: { error: 'InvalidOrder' } });
  });

  it('sums an order up by its latest attempt: a retry that has not ended is RUNNING', () => {
    // Prepare
    const at = (minute: number) => `2025-01-06T09:${String(minute).padStart(2, '0')}:00.000Z`;
    const base = { actor: 'workflow:order-1', action: 'orderStep' as const, orderId: 'order-1' };
    const start = { ...base, id: 's1', at: at(0), step: 'validateOrder', outcome: { result: 'success' as const } };
    const finish = { ...base, id: 'f1', at: at(30), step: 'finish', outcome: { result: 'failure' as const } };
    const retry = { ...base, id: 'r2', at: at(40), step: 'retry', attempt: 2, outcome: { result: 'success' as const } };

    // Act
    const before = summarizeOrder(start, [finish, start]);
    const after = summarizeOrder(start, [retry, finish, start]);

    // Assess
    expect(before).toMatchObject({ status: 'FAILED' });
    expect(after).toMatchObject({ status: 'RUNNING', attempt: 2, lastStep: 'retry' });
  });
});
