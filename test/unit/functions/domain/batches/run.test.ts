/**
 * The batch use cases against in-memory ports: pacing of the chunk task, adoption and conflicts of existing orders,
 * and the recording of an order's end (at least once, in any order, for every batch that watches it).
 */
import { describe, expect, it } from 'vitest';
import { orderDigest, recordOrderEnd, startChunk } from '../../../../../functions/domain/batches/run';
import { batchOrders, chunkOrders, parseBatch } from '../../../../../functions/domain/batches/submit';
import { batchView, csvField } from '../../../../../functions/domain/batches/view';
import type { Order } from '../../../../../functions/domain/contract/order';
import {
  type BatchMembership,
  type BatchOrderEntry,
  type BatchOrderExecutions,
  type BatchStore,
  ORDER_CONFLICT,
  type OrderOutcome,
  type StoredBatch,
} from '../../../../../functions/domain/ports/batches';
import type { OrderExecution } from '../../../../../functions/domain/workflow/order-view';
import { anOrder } from '../../../../workflow/harness';

class MemoryStore implements BatchStore {
  batches = new Map<string, StoredBatch>();
  chunks = new Map<string, BatchOrderEntry[]>();
  outcomes = new Map<string, Map<number, OrderOutcome>>();
  watches = new Map<string, BatchMembership[]>();
  async create(batch: StoredBatch) {
    if (this.batches.has(batch.batchId)) return false;
    this.batches.set(batch.batchId, batch);
    return true;
  }
  async get(batchId: string) {
    return this.batches.get(batchId);
  }
  async putChunk(batchId: string, chunk: number, orders: readonly BatchOrderEntry[]) {
    this.chunks.set(`${batchId}#${chunk}`, [...orders]);
  }
  async getChunk(batchId: string, chunk: number) {
    return this.chunks.get(`${batchId}#${chunk}`);
  }
  async listOrderIds(batchId: string) {
    return [...this.chunks].filter(([k]) => k.startsWith(`${batchId}#`)).flatMap(([, v]) => v);
  }
  async recordOutcome(batchId: string, outcome: OrderOutcome) {
    const map = this.outcomes.get(batchId) ?? new Map<number, OrderOutcome>();
    this.outcomes.set(batchId, map);
    const stored = map.get(outcome.index);
    // As the DynamoDB store: a later end replaces an earlier one; an OrderConflict replaces any and stays.
    if (stored?.error === ORDER_CONFLICT) return false;
    if (stored && outcome.error !== ORDER_CONFLICT && stored.stopDate >= outcome.stopDate) return false;
    map.set(outcome.index, outcome);
    return true;
  }
  async listOutcomes(batchId: string, range?: { from: number; to: number }) {
    return [...(this.outcomes.get(batchId)?.values() ?? [])].filter(
      (o) => !range || (o.index >= range.from && o.index <= range.to),
    );
  }
  async watch(orderId: string, membership: BatchMembership) {
    this.watches.set(orderId, [...(this.watches.get(orderId) ?? []), membership]);
  }
  async watchers(orderId: string) {
    return this.watches.get(orderId) ?? [];
  }
}

class MemoryExecutions implements BatchOrderExecutions {
  executions = new Map<string, OrderExecution>();
  starts = 0;
  async start(orderId: string, input: Order & { batch: { batchId: string; index: number } }) {
    if (this.executions.has(orderId)) return false;
    this.starts += 1;
    this.executions.set(orderId, {
      name: orderId,
      executionArn: `arn:${orderId}`,
      status: 'RUNNING',
      startDate: new Date(0).toISOString(),
      input,
    });
    return true;
  }
  async describe(orderId: string) {
    return this.executions.get(orderId);
  }
}

const clock = (start = 0) => {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
};

async function stored(store: MemoryStore, batchId: string, orders: Order[]) {
  const entries = batchOrders(
    parseBatch({ batchId, orders: orders.map((o) => ({ orderId: o.orderId, subscriber: o.subscriber })) }),
  );
  for (const [i, chunk] of chunkOrders(entries).entries()) await store.putChunk(batchId, i, chunk);
  await store.create({ batchId, digest: 'd', total: entries.length, chunks: 1, createdAt: '', actor: 'a' });
  return entries;
}

describe('the chunk task', () => {
  it('starts each order once and asks to wait so the batch keeps its start rate', async () => {
    // Prepare
    const store = new MemoryStore();
    const orders = new MemoryExecutions();
    await stored(
      store,
      'b1',
      Array.from({ length: 10 }, () => anOrder()),
    );
    const time = clock();

    // Act
    const first = await startChunk({ store, orders, clock: time, ratePerSecond: 4 }, { batchId: 'b1', chunk: 0 });
    const retried = await startChunk({ store, orders, clock: time, ratePerSecond: 4 }, { batchId: 'b1', chunk: 0 });

    // Assess
    expect(first).toMatchObject({ started: 10, adopted: 0, conflicts: 0, waitSeconds: 3 });
    expect(retried).toMatchObject({ started: 10, adopted: 0, conflicts: 0 });
    expect(orders.starts).toBe(10);
  });

  it('adopts an ended order with the same content (its outcome now) and fails one whose orderId holds another order', async () => {
    // Prepare
    const store = new MemoryStore();
    const orders = new MemoryExecutions();
    const same = anOrder();
    const other = anOrder();
    orders.executions.set(same.orderId, {
      name: same.orderId,
      executionArn: 'x',
      status: 'SUCCEEDED',
      startDate: '2026-01-01T00:00:00.000Z',
      stopDate: '2026-01-01T00:01:00.000Z',
      input: same,
      output: { subscriber: { id: 'sub-1' } },
    });
    orders.executions.set(other.orderId, {
      name: other.orderId,
      executionArn: 'y',
      status: 'RUNNING',
      startDate: '2026-01-01T00:00:00.000Z',
      input: { ...other, subscriber: { ...other.subscriber, lastName: 'Else' } },
    });
    await stored(store, 'b2', [same, other]);

    // Act
    const result = await startChunk({ store, orders, clock: clock(), ratePerSecond: 25 }, { batchId: 'b2', chunk: 0 });
    const view = batchView((await store.get('b2')) as StoredBatch, await store.listOutcomes('b2'), { max: 10 });

    // Assess
    expect(result).toMatchObject({ started: 0, adopted: 1, conflicts: 1, waitSeconds: 0 });
    expect(view.counts).toEqual({ total: 2, succeeded: 1, failed: 1, running: 0 });
    expect(view.failures).toEqual([
      { orderId: other.orderId, error: 'OrderConflict', cause: expect.objectContaining({ error: 'OrderConflict' }) },
    ]);
    expect(store.watches.get(same.orderId)).toEqual([{ batchId: 'b2', index: 1, orderDigest: orderDigest(same) }]);
  });

  it('keeps an OrderConflict when the other order under that orderId has ended or ends later', async () => {
    // Prepare
    const store = new MemoryStore();
    const orders = new MemoryExecutions();
    const ended = anOrder();
    const running = anOrder();
    const other = (order: Order, stopDate?: string): OrderExecution => ({
      name: order.orderId,
      executionArn: `arn:${order.orderId}`,
      status: stopDate ? 'SUCCEEDED' : 'RUNNING',
      startDate: '2026-01-01T00:00:00.000Z',
      ...(stopDate ? { stopDate, output: { subscriber: { id: 'theirs' } } } : {}),
      input: { ...order, subscriber: { ...order.subscriber, lastName: 'Else' } },
    });
    orders.executions.set(ended.orderId, other(ended, '2026-01-01T00:01:00.000Z'));
    orders.executions.set(running.orderId, other(running));
    await stored(store, 'b3', [ended, running]);

    // Act
    const result = await startChunk({ store, orders, clock: clock(), ratePerSecond: 25 }, { batchId: 'b3', chunk: 0 });
    const laterEnd = await recordOrderEnd({ store }, other(running, '2027-01-01T00:00:00.000Z'));
    const overwrite = await store.recordOutcome('b3', {
      index: 2,
      orderId: running.orderId,
      status: 'SUCCEEDED',
      stopDate: '2028-01-01T00:00:00.000Z',
    });
    const view = batchView((await store.get('b3')) as StoredBatch, await store.listOutcomes('b3'), { max: 10 });

    // Assess
    expect(result).toMatchObject({ started: 0, adopted: 0, conflicts: 2 });
    expect(laterEnd).toBe(0);
    expect(overwrite).toBe(false);
    expect(view.counts).toEqual({ total: 2, succeeded: 0, failed: 2, running: 0 });
    expect(view.failures.map((f) => f.error)).toEqual(['OrderConflict', 'OrderConflict']);
  });
});

describe('recording an order end', () => {
  const ended = (status: OrderExecution['status'], stopDate: string, input: unknown): OrderExecution => ({
    name: 'o-1',
    executionArn: 'a',
    status,
    startDate: '2026-01-01T00:00:00.000Z',
    stopDate,
    input,
    ...(status === 'SUCCEEDED' ? {} : { error: 'ProvisioningFailed', cause: '{"error":"ProvisioningFailed"}' }),
  });

  it('records for the batch in the input and every watcher, once, a later end replacing an earlier one', async () => {
    // Prepare
    const store = new MemoryStore();
    await store.watch('o-1', { batchId: 'watching', index: 7 });
    const input = { ...anOrder(), batch: { batchId: 'own', index: 2 } };
    const failed = ended('FAILED', '2026-01-01T00:01:00.000Z', input);
    const redriven = ended('SUCCEEDED', '2026-01-02T00:00:00.000Z', input);

    // Act
    const counts = [
      await recordOrderEnd({ store }, failed),
      await recordOrderEnd({ store }, failed),
      await recordOrderEnd({ store }, redriven),
      await recordOrderEnd({ store }, failed),
      await recordOrderEnd({ store }, { ...redriven, status: 'RUNNING' }),
    ];

    // Assess
    expect(counts).toEqual([2, 0, 2, 0, 0]);
    expect((await store.listOutcomes('own')).map((o) => [o.index, o.status])).toEqual([[2, 'SUCCEEDED']]);
    expect((await store.listOutcomes('watching')).map((o) => [o.index, o.status])).toEqual([[7, 'SUCCEEDED']]);
  });

  it("counts a retried order's end (execution <orderId>.<n>) as that order's, for its batch and its watchers", async () => {
    // Prepare
    const store = new MemoryStore();
    const order = { ...anOrder(), orderId: 'o-1' };
    await store.watch('o-1', { batchId: 'watching', index: 7 });
    const input = { ...order, batch: { batchId: 'own', index: 2 } };
    const failed = ended('FAILED', '2026-01-01T00:01:00.000Z', input);
    const retried: OrderExecution = { ...ended('SUCCEEDED', '2026-01-02T00:00:00.000Z', input), name: 'o-1.2' };

    // Act
    await recordOrderEnd({ store }, failed);
    const recorded = await recordOrderEnd({ store }, retried);

    // Assess
    expect(recorded).toBe(2);
    expect((await store.listOutcomes('own')).map((o) => [o.index, o.orderId, o.status])).toEqual([
      [2, 'o-1', 'SUCCEEDED'],
    ]);
    expect((await store.listOutcomes('watching')).map((o) => [o.index, o.orderId, o.status])).toEqual([
      [7, 'o-1', 'SUCCEEDED'],
    ]);
  });

  it('records a SubscriberConflict like any failure, with the subscriber that holds the userId in its cause', async () => {
    // Prepare
    const store = new MemoryStore();
    const cause = JSON.stringify({
      error: 'SubscriberConflict',
      orderId: 'o-1',
      existingSubscriberId: 'sub-9',
      errors: [{ errorCode: 10022, description: 'The userId is already used by subscriber sub-9' }],
    });
    await stored(store, 'b4', [anOrder({ orderId: 'o-1' })]);
    const input = { ...anOrder({ orderId: 'o-1' }), batch: { batchId: 'b4', index: 1 } };

    // Act
    const recorded = await recordOrderEnd(
      { store },
      { ...ended('FAILED', '2026-01-01T00:01:00.000Z', input), error: 'SubscriberConflict', cause },
    );
    const view = batchView((await store.get('b4')) as StoredBatch, await store.listOutcomes('b4'), { max: 10 });

    // Assess
    expect(recorded).toBe(1);
    expect(view.status).toBe('COMPLETED_WITH_FAILURES');
    expect(view.failures).toEqual([
      {
        orderId: 'o-1',
        error: 'SubscriberConflict',
        cause: expect.objectContaining({ existingSubscriberId: 'sub-9' }),
      },
    ]);
  });

  it('does not take the end of another execution under a watched orderId (a tracking that ended Removed)', async () => {
    // Prepare
    const store = new MemoryStore();
    await store.watch('o-1', { batchId: 'watching', index: 3, orderDigest: orderDigest(anOrder({ orderId: 'o-1' })) });
    const removed: OrderExecution = {
      ...ended('SUCCEEDED', '2026-01-01T00:01:00.000Z', { tracking: { reason: 'provision' } }),
      output: { trackingId: 'WBXPROV_x', subscriberId: 'sub-1', removed: true },
    };

    // Act
    const recorded = await recordOrderEnd({ store }, removed);

    // Assess
    expect(recorded).toBe(0);
    expect(await store.listOutcomes('watching')).toEqual([]);
  });

  it('ignores executions no batch knows', async () => {
    // Act
    const recorded = await recordOrderEnd({ store: new MemoryStore() }, ended('FAILED', '2026-01-01T00:00:00Z', {}));

    // Assess
    expect(recorded).toBe(0);
  });
});

describe('the report', () => {
  it('quotes CSV fields and defuses spreadsheet formulas', () => {
    // Assess
    expect(csvField('plain')).toBe('plain');
    expect(csvField('{"error":"X","a":1}')).toBe('"{""error"":""X"",""a"":1}"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
  });
});
