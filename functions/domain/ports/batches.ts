/**
 * Ports of batches: where a batch's orders and their outcomes are kept (`BatchStore`, DynamoDB), and the two kinds of
 * Step Functions executions a batch uses: its own (`BatchExecutions`, the batch workflow) and its orders'
 * (`BatchOrderExecutions`, the provisioning workflow, execution name = orderId).
 */
import type { Order } from '../contract/order';
import type { OrderExecution } from '../workflow/order-view';

/** A batch as accepted: everything but its orders (kept in chunks) and their outcomes. */
export interface StoredBatch {
  batchId: string;
  /** SHA-256 of the batch's canonical content (orderIds filled in): the same batch again has the same digest. */
  digest: string;
  /** Orders in the batch. */
  total: number;
  /** Chunks the orders are kept and started in (0 … chunks-1). */
  chunks: number;
  /** ISO 8601. */
  createdAt: string;
  /** Who submitted it (the caller's client_id or sub). */
  actor: string;
}

/** One order of a batch: its place (from 1), its id and the order as it is started. */
export interface BatchOrderEntry {
  index: number;
  orderId: string;
  order: Order;
}

/**
 * The batch's own verdict that one of its orders never ran: its orderId holds another order (another content, or an
 * execution that is no order). Final: it replaces whatever end was recorded for that place, and nothing replaces it
 * (the other order's end reaches the batch through its watch, and is not this order's outcome).
 */
export const ORDER_CONFLICT = 'OrderConflict';

/** How an order's execution ended. */
export type OutcomeStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface OrderOutcome {
  index: number;
  orderId: string;
  status: OutcomeStatus;
  /**
   * The execution's error: the provisioning workflow's Fail state (`InvalidOrder`, `PrecheckFailed`,
   * `ProvisioningFailed`, `SubscriberConflict`, `ProvisioningTimedOut`, …), `States.Timeout` and the like, or
   * `OrderConflict` (`ORDER_CONFLICT`).
   */
  error?: string | undefined;
  /** The execution's cause: the workflow's JSON text `{error, orderId, …}`. */
  cause?: string | undefined;
  /** The provisioned subscriber's id, when the order succeeded. */
  subscriberId?: string | undefined;
  /** ISO 8601: when the execution ended. A later end (a redriven execution) replaces an earlier one. */
  stopDate: string;
}

/** A batch that watches an order it did not start (the order's execution input names another batch, or none). */
export interface BatchMembership {
  batchId: string;
  index: number;
  /**
   * SHA-256 of the batch's order at that place (canonical JSON): only an end of an execution that runs this same order
   * is its outcome, never that of another order under the same orderId. Absent: any end counts.
   */
  orderDigest?: string | undefined;
}

export interface BatchStore {
  /** Store the batch unless one with its batchId exists: true when this call created it. */
  create(batch: StoredBatch): Promise<boolean>;
  get(batchId: string): Promise<StoredBatch | undefined>;
  /** Store (or store again, identically) one chunk of the batch's orders. */
  putChunk(batchId: string, chunk: number, orders: readonly BatchOrderEntry[]): Promise<void>;
  getChunk(batchId: string, chunk: number): Promise<BatchOrderEntry[] | undefined>;
  /** Every order's place and id, in order (the report). */
  listOrderIds(batchId: string): Promise<Array<{ index: number; orderId: string }>>;
  /**
   * Record an order's outcome; a stored outcome is replaced only by one that ended later, and an `OrderConflict`
   * (`ORDER_CONFLICT`) replaces any other and is never replaced. false: nothing was written.
   */
  recordOutcome(batchId: string, outcome: OrderOutcome): Promise<boolean>;
  /** The outcomes recorded so far, by index; `from`/`to` (inclusive) limit the range. */
  listOutcomes(batchId: string, range?: { from: number; to: number }): Promise<OrderOutcome[]>;
  /** Remember that `membership.batchId` waits for the outcome of `orderId`. */
  watch(orderId: string, membership: BatchMembership): Promise<void>;
  /** The batches that watch `orderId`. */
  watchers(orderId: string): Promise<BatchMembership[]>;
}

/** The batch workflow's input: small whatever the batch's size (the orders stay in the store). */
export interface BatchExecutionInput {
  batchId: string;
  /** Chunk numbers, one Map iteration each. */
  chunks: number[];
}

export interface BatchExecutions {
  /** Start the batch's execution (name = batchId); nothing happens when it exists already. */
  start(input: BatchExecutionInput): Promise<void>;
}

/** Where an order of a batch came from, carried in its execution's input so its outcome finds its way back. */
export interface BatchMarker {
  batchId: string;
  index: number;
}

export interface BatchOrderExecutions {
  /** Start an order's execution; false when one with that name exists already (running or not). */
  start(orderId: string, input: Order & { batch: BatchMarker }): Promise<boolean>;
  describe(orderId: string): Promise<OrderExecution | undefined>;
}
