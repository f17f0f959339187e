/**
 * Orders through the HTTP API: submit (start the workflow, at most once per orderId) and read (status, subscriber,
 * failure cause, audit records). Pure: the workflow's executions are behind the `OrderExecutions` port.
 */
import { ORDER_ID_PATTERN, type Order, OrderSchema } from '../contract/order';
import { ERROR_CODES } from '../contract/rules';
import { type Subscriber, SubscriberSchema } from '../contract/schemas';
import { parseOrThrow } from '../contract/validation';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { AuditRecord, AuditStore } from '../ports/audit';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface OrderExecution {
  name: string;
  executionArn: string;
  status: ExecutionStatus;
  /** ISO 8601. */
  startDate: string;
  stopDate?: string | undefined;
  /** The execution's input and output, parsed (absent when not JSON). */
  input?: unknown;
  output?: unknown;
  error?: string | undefined;
  cause?: string | undefined;
}

/** The provisioning workflow's executions, by name (the orderId). */
export interface OrderExecutions {
  /** Start an execution; `undefined` when one with that name exists already (running or not). */
  start(name: string, input: Order): Promise<OrderExecution | undefined>;
  /** The execution with that name, or `undefined`. */
  describe(name: string): Promise<OrderExecution | undefined>;
}

export interface OrderView {
  orderId: string;
  status: ExecutionStatus;
  executionArn: string;
  startDate: string;
  stopDate?: string;
  /** The provisioned subscriber, once the order succeeded. */
  subscriber?: Subscriber;
  /** Why the order failed: the Fail state's error and its machine-readable cause. */
  failure?: { error: string; cause: unknown };
  /** The order's audit records, newest first (GET only). */
  audit?: { items: AuditRecord[] };
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

export function orderView(execution: OrderExecution): OrderView {
  const view: OrderView = {
    orderId: execution.name,
    status: execution.status,
    executionArn: execution.executionArn,
    startDate: execution.startDate,
  };
  if (execution.stopDate) view.stopDate = execution.stopDate;
  if (execution.status === 'SUCCEEDED' && execution.output && typeof execution.output === 'object') {
    const subscriber = SubscriberSchema.safeParse((execution.output as { subscriber?: unknown }).subscriber);
    if (subscriber.success) view.subscriber = subscriber.data;
  }
  if (execution.error !== undefined || (execution.status !== 'RUNNING' && execution.status !== 'SUCCEEDED')) {
    let cause: unknown = execution.cause;
    if (typeof execution.cause === 'string') {
      try {
        cause = JSON.parse(execution.cause);
      } catch {
        cause = execution.cause;
      }
    }
    view.failure = { error: execution.error ?? execution.status, cause: cause ?? null };
  }
  return view;
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

/** Read an order: its execution and its audit records, newest first. */
export async function getOrder(
  deps: { executions: OrderExecutions; audit: AuditStore },
  orderId: string,
  auditMax = 100,
): Promise<OrderView> {
  if (!ORDER_ID_PATTERN.test(orderId)) {
    throw new ValidationError('The orderId is invalid.', [
      {
        description: 'orderId must be 1 to 80 letters, digits, - or _',
        errorCode: ERROR_CODES.invalidValue,
        fieldName: 'orderId',
      },
    ]);
  }
  const execution = await deps.executions.describe(orderId);
  if (!execution) throw new NotFoundError(`No order ${orderId}.`);
  const page = await deps.audit.listByOrder(orderId, { max: auditMax });
  return { ...orderView(execution), audit: { items: page.items } };
}
