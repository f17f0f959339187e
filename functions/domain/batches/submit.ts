/**
 * Submitting a batch (POST /v1/batches): validate every order with the order's own schemas, fill in the default
 * orderIds, store the orders in chunks and start the batch's execution. At most once per batchId: the same batch again
 * answers the stored one (and finishes what an interrupted first submit left undone: chunks and start are idempotent),
 * another batch under the same batchId is a conflict. Pure: the store and the executions are ports.
 */
import { createHash } from 'node:crypto';
import { type BatchRequest, BatchRequestSchema, defaultOrderId } from '../contract/batch';
import type { Order } from '../contract/order';
import { ERROR_CODES, RULES } from '../contract/rules';
import { parseOrThrow } from '../contract/validation';
import { ConflictError, ValidationError, type WebexErrorItem } from '../errors';
import type { BatchExecutions, BatchOrderEntry, BatchStore, StoredBatch } from '../ports/batches';
import type { Clock } from '../ports/clock';
import { canonicalJson } from '../workflow/orders';
import { type BatchView, batchView } from './view';

/** A chunk item stays well below DynamoDB's 400 KB item limit, however long its orders' fields are. */
const MAX_CHUNK_BYTES = 300_000;

export interface SubmitBatchDependencies {
  store: BatchStore;
  executions: BatchExecutions;
  clock: Clock;
}

export interface SubmitBatchResult {
  /** true: this call accepted the batch (202); false: it was accepted before (200). */
  created: boolean;
  batch: BatchView;
}

/** Parse a batch request (every bad item named by its place: `orders[3].subscriber.userId`). */
export function parseBatch(body: unknown): BatchRequest {
  return parseOrThrow(BatchRequestSchema, body, 'batch');
}

/** The batch's orders as they will run: orderIds filled in, batch options applied; duplicate orderIds refused. */
export function batchOrders(batch: BatchRequest): BatchOrderEntry[] {
  const entries: BatchOrderEntry[] = batch.orders.map((item, i) => {
    const options = item.options ?? batch.options;
    const order: Order = {
      orderId: item.orderId ?? defaultOrderId(batch.batchId, i + 1),
      subscriber: item.subscriber,
      ...(options === undefined ? {} : { options }),
    };
    return { index: i + 1, orderId: order.orderId, order };
  });
  const firstPlace = new Map<string, number>();
  const errors: WebexErrorItem[] = [];
  for (const entry of entries) {
    const first = firstPlace.get(entry.orderId);
    if (first === undefined) firstPlace.set(entry.orderId, entry.index);
    else {
      errors.push({
        description: `orders[${entry.index - 1}].orderId ${entry.orderId} is also the orderId of orders[${first - 1}]`,
        errorCode: ERROR_CODES.invalidValue,
        fieldName: `orders[${entry.index - 1}].orderId`,
      });
    }
  }
  if (errors.length > 0) throw new ValidationError('The batch is invalid.', errors);
  return entries;
}

/** The orders split into chunks of at most `RULES.batchChunkOrders` orders and `MAX_CHUNK_BYTES` of JSON. */
export function chunkOrders(entries: readonly BatchOrderEntry[]): BatchOrderEntry[][] {
  const chunks: BatchOrderEntry[][] = [];
  let current: BatchOrderEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(JSON.stringify(entry.order));
    if (current.length > 0 && (current.length >= RULES.batchChunkOrders || bytes + size > MAX_CHUNK_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function batchDigest(batchId: string, entries: readonly BatchOrderEntry[]): string {
  const canonical = canonicalJson({ batchId, orders: entries.map((e) => e.order) });
  return createHash('sha256').update(canonical).digest('hex');
}

/** Accept a batch validated with `BatchRequestSchema` (the API's validation step, or `parseBatch`). */
export async function submitBatch(
  deps: SubmitBatchDependencies,
  request: BatchRequest,
  actor: string,
): Promise<SubmitBatchResult> {
  const entries = batchOrders(request);
  const chunks = chunkOrders(entries);
  const batch: StoredBatch = {
    batchId: request.batchId,
    digest: batchDigest(request.batchId, entries),
    total: entries.length,
    chunks: chunks.length,
    createdAt: new Date(deps.clock.now()).toISOString(),
    actor,
  };
  const created = await deps.store.create(batch);
  if (!created) {
    const existing = await deps.store.get(batch.batchId);
    if (!existing) throw new ConflictError(`The batch ${batch.batchId} could not be stored; try again.`);
    if (existing.digest !== batch.digest) {
      throw new ConflictError(`A batch with the batchId ${batch.batchId} exists already, with different content.`, [
        {
          description: 'batchId is already used by a different batch',
          errorCode: ERROR_CODES.invalidValue,
          fieldName: 'batchId',
        },
      ]);
    }
  }
  // The orders before the execution that reads them. Both again on a repeated submit: an interrupted first submit
  // (a crash after storing the batch) is finished by the next one, and nothing accepted is lost.
  for (const [chunk, orders] of chunks.entries()) await deps.store.putChunk(batch.batchId, chunk, orders);
  await deps.executions.start({ batchId: batch.batchId, chunks: chunks.map((_, i) => i) });
  const view = created
    ? batchView(batch, [], { max: RULES.batchFailuresDefaultMax })
    : await readBatchView(deps.store, batch.batchId);
  return { created, batch: view };
}

async function readBatchView(store: BatchStore, batchId: string): Promise<BatchView> {
  const stored = await store.get(batchId);
  if (!stored) throw new ConflictError(`The batch ${batchId} could not be read; try again.`);
  return batchView(stored, await store.listOutcomes(batchId), { max: RULES.batchFailuresDefaultMax });
}
