/**
 * Running a batch: the batch workflow's chunk task (`startChunk`: start a chunk's orders on the provisioning workflow,
 * at most once each, and say how long to wait to keep the start rate) and the recording of an order's end
 * (`recordOrderEnd`, fed by Step Functions' execution status change events). Pure: store and executions are ports.
 *
 * Exactly once: an order's execution name is its orderId, so a second StartExecution can never run it twice. An order
 * whose execution exists already (a retried chunk, the same order in an earlier batch or POST /v1/orders) is adopted
 * when it is the same order — the batch watches it, then reads it, so its end is recorded whichever comes first — and
 * is a failure `OrderConflict` when another order holds its orderId.
 */
import { createHash } from 'node:crypto';
import { type Order, OrderSchema } from '../contract/order';
import { inPool } from '../pool';
import {
  type BatchMarker,
  type BatchMembership,
  type BatchOrderEntry,
  type BatchOrderExecutions,
  type BatchStore,
  ORDER_CONFLICT,
  type OrderOutcome,
  type OutcomeStatus,
} from '../ports/batches';
import type { Clock } from '../ports/clock';
import { attemptOf } from '../workflow/attempts';
import type { OrderExecution } from '../workflow/order-view';
import { canonicalJson } from '../workflow/orders';

/** StartExecution calls in flight at once per chunk. */
const START_CONCURRENCY = 8;

export interface StartChunkInput {
  batchId: string;
  chunk: number;
}

export interface StartChunkResult {
  batchId: string;
  chunk: number;
  /** Executions this call started. */
  started: number;
  /** Orders whose execution existed already, with the same order: adopted. */
  adopted: number;
  /** Orders whose orderId another order holds: recorded as failed (OrderConflict). */
  conflicts: number;
  /** Orders with an outcome already (a retried chunk): skipped. */
  skipped: number;
  /** Seconds to wait before the next chunk, so the batch starts at most `ratePerSecond` orders per second. */
  waitSeconds: number;
}

export class BatchChunkMissingError extends Error {
  override name = 'BatchChunkMissingError';
}

/** The order's execution disappeared between StartExecution and DescribeExecution (retried by the workflow). */
export class OrderExecutionVanishedError extends Error {
  override name = 'OrderExecutionVanishedError';
}

export interface StartChunkDependencies {
  store: BatchStore;
  orders: BatchOrderExecutions;
  clock: Clock;
  /** Orders started per second at most. */
  ratePerSecond: number;
}

export async function startChunk(deps: StartChunkDependencies, input: StartChunkInput): Promise<StartChunkResult> {
  const began = deps.clock.now();
  const entries = await deps.store.getChunk(input.batchId, input.chunk);
  if (!entries) throw new BatchChunkMissingError(`Batch ${input.batchId} has no chunk ${input.chunk}`);
  const result: StartChunkResult = { ...input, started: 0, adopted: 0, conflicts: 0, skipped: 0, waitSeconds: 0 };
  const first = entries[0];
  const last = entries.at(-1);
  if (!first || !last) return result;
  const known = new Set(
    (await deps.store.listOutcomes(input.batchId, { from: first.index, to: last.index })).map((o) => o.index),
  );
  const todo = entries.filter((entry) => !known.has(entry.index));
  result.skipped = entries.length - todo.length;

  await inPool(todo, START_CONCURRENCY, async (entry) => {
    const marker: BatchMarker = { batchId: input.batchId, index: entry.index };
    if (await deps.orders.start(entry.orderId, { ...entry.order, batch: marker })) {
      result.started += 1;
      return;
    }
    const kind = await adopt(deps, marker, entry);
    if (kind === 'conflict') result.conflicts += 1;
    else if (kind === 'adopted') result.adopted += 1;
    else result.started += 1;
  });

  if (result.started > 0) {
    const elapsedSeconds = (deps.clock.now() - began) / 1000;
    result.waitSeconds = Math.max(0, Math.ceil(result.started / deps.ratePerSecond - elapsedSeconds));
  }
  return result;
}

/** An order whose execution exists: ours (a retried chunk), the same order (adopt it) or another one (conflict). */
async function adopt(
  deps: StartChunkDependencies,
  marker: BatchMarker,
  entry: BatchOrderEntry,
): Promise<'ours' | 'adopted' | 'conflict'> {
  // Watch first, read second: an end after the watch is recorded by recordOrderEnd, one before it is seen here. The
  // watch names the order's content, so the end of another order under this orderId is never taken for this one's.
  await deps.store.watch(entry.orderId, { ...marker, orderDigest: orderDigest(entry.order) });
  const execution = await deps.orders.describe(entry.orderId);
  if (!execution) throw new OrderExecutionVanishedError(`The execution of ${entry.orderId} exists and does not`);
  const theirs = batchMarkerOf(execution.input);
  const ours = theirs?.batchId === marker.batchId && theirs.index === marker.index;
  if (!ours && !sameOrder(execution.input, entry.order)) {
    await deps.store.recordOutcome(marker.batchId, {
      index: entry.index,
      orderId: entry.orderId,
      status: 'FAILED',
      error: ORDER_CONFLICT,
      cause: JSON.stringify({
        error: ORDER_CONFLICT,
        orderId: entry.orderId,
        detail: 'The orderId is already used by a different order.',
      }),
      stopDate: new Date(deps.clock.now()).toISOString(),
    });
    return 'conflict';
  }
  const outcome = outcomeOf(execution, marker.index);
  if (outcome) await deps.store.recordOutcome(marker.batchId, outcome);
  return ours ? 'ours' : 'adopted';
}

function sameOrder(input: unknown, order: Order): boolean {
  const parsed = OrderSchema.safeParse(input);
  return parsed.success && canonicalJson(parsed.data) === canonicalJson(order);
}

/** SHA-256 of an order's canonical JSON (what a watch waits for). */
export function orderDigest(order: Order): string {
  return createHash('sha256').update(canonicalJson(order)).digest('hex');
}

/** Whether an execution's end is the outcome a watching batch waits for: that of the same order. */
function runsWatchedOrder(watcher: BatchMembership, input: unknown): boolean {
  if (watcher.orderDigest === undefined) return true;
  const parsed = OrderSchema.safeParse(input);
  return parsed.success && orderDigest(parsed.data) === watcher.orderDigest;
}

/** The batch marker an order's execution input carries, if any. */
export function batchMarkerOf(input: unknown): BatchMarker | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const batch = (input as { batch?: unknown }).batch;
  if (batch === null || typeof batch !== 'object') return undefined;
  const { batchId, index } = batch as { batchId?: unknown; index?: unknown };
  return typeof batchId === 'string' && typeof index === 'number' && Number.isInteger(index) && index >= 1
    ? { batchId, index }
    : undefined;
}

const ENDED: ReadonlySet<string> = new Set<OutcomeStatus>(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** The order an execution runs: its input's orderId when the name is one of that order's attempts (a retry). */
function orderIdOf(execution: OrderExecution): string {
  const orderId = (execution.input as { orderId?: unknown } | undefined)?.orderId;
  return typeof orderId === 'string' && attemptOf(orderId, execution.name) !== undefined ? orderId : execution.name;
}

/** The outcome of an ended execution (undefined while it runs). */
export function outcomeOf(execution: OrderExecution, index: number): OrderOutcome | undefined {
  if (!ENDED.has(execution.status)) return undefined;
  const output = execution.output as { subscriber?: { id?: unknown } } | undefined;
  const subscriberId = typeof output?.subscriber?.id === 'string' ? output.subscriber.id : undefined;
  return {
    index,
    orderId: orderIdOf(execution),
    status: execution.status as OutcomeStatus,
    ...(execution.error === undefined ? {} : { error: execution.error }),
    ...(execution.cause === undefined ? {} : { cause: execution.cause }),
    ...(subscriberId === undefined ? {} : { subscriberId }),
    stopDate: execution.stopDate ?? execution.startDate,
  };
}

/**
 * An order's execution ended: record its outcome for the batch its input names and for every batch that watches it.
 * Idempotent (events come at least once, in any order): an outcome is replaced only by a later end.
 */
export async function recordOrderEnd(deps: { store: BatchStore }, execution: OrderExecution): Promise<number> {
  if (!ENDED.has(execution.status)) return 0;
  const targets = new Map<string, BatchMarker>();
  const marker = batchMarkerOf(execution.input);
  if (marker) targets.set(marker.batchId, marker);
  for (const watcher of await deps.store.watchers(orderIdOf(execution))) {
    if (watcher.batchId !== marker?.batchId && runsWatchedOrder(watcher, execution.input)) {
      targets.set(watcher.batchId, watcher);
    }
  }
  let recorded = 0;
  for (const target of targets.values()) {
    const outcome = outcomeOf(execution, target.index);
    if (outcome && (await deps.store.recordOutcome(target.batchId, outcome))) recorded += 1;
  }
  return recorded;
}
