/**
 * Orders through the HTTP API: submit (start the workflow, at most once per orderId); reading an order is in
 * `order-view.ts` (re-exported here). Pure: the workflow's executions are behind the `OrderExecutions` port.
 */
import { type Order, OrderSchema } from '../contract/order';
import { ERROR_CODES } from '../contract/rules';
import { parseOrThrow } from '../contract/validation';
import { ConflictError } from '../errors';
import { type OrderExecution, type OrderExecutionReader, type OrderView, orderView } from './order-view';

export * from './order-view';

/** The provisioning workflow's executions, by name (the orderId). */
export interface OrderExecutions extends OrderExecutionReader {
  /** Start an execution; `undefined` when one with that name exists already (running or not). */
  start(name: string, input: Order): Promise<OrderExecution | undefined>;
}

/** Validate an order as the workflow will (the deadline's upper bound is part of the contract schema). */
export function parseOrder(body: unknown): Order {
  return parseOrThrow(OrderSchema, body, 'order');
}

/** JSON with object keys sorted: two orders are the same when their canonical forms are. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface SubmitResult {
  /** true: this call started the workflow (202); false: the order existed already (200). */
  started: boolean;
  order: OrderView;
}

/** Start the workflow for an order; the same order twice answers the existing one, a different one is a conflict. */
export async function submitOrder(deps: { executions: OrderExecutions }, body: unknown): Promise<SubmitResult> {
  const order = parseOrder(body);
  const existing = await deps.executions.describe(order.orderId);
  if (existing) return { started: false, order: sameOrderOrConflict(existing, order) };
  const started = await deps.executions.start(order.orderId, order);
  if (started) return { started: true, order: orderView(started) };
  // Started by a concurrent request between our look and our start.
  const raced = await deps.executions.describe(order.orderId);
  if (!raced) throw new ConflictError(`The order ${order.orderId} could not be started; try again.`);
  return { started: false, order: sameOrderOrConflict(raced, order) };
}

function sameOrderOrConflict(existing: OrderExecution, order: Order): OrderView {
  const parsed = OrderSchema.safeParse(existing.input);
  const existingOrder: unknown = parsed.success ? parsed.data : existing.input;
  if (canonicalJson(existingOrder) !== canonicalJson(order)) {
    throw new ConflictError(`An order with the orderId ${order.orderId} exists already, with different content.`, [
      {
        description: 'orderId is already used by a different order',
        errorCode: ERROR_CODES.invalidValue,
        fieldName: 'orderId',
      },
    ]);
  }
  return orderView(existing);
}
