/**
 * Orders through the HTTP API: submit (start the workflow, at most once per orderId) and retry a failed order (a new
 * execution of the same order); reading an order is in `order-view.ts` (re-exported here). Pure: the workflow's
 * executions are behind the `OrderExecutions` port.
 */
import { auditId } from '../audit';
import { type Order, OrderSchema } from '../contract/order';
import { ERROR_CODES, RULES } from '../contract/rules';
import { parseOrThrow } from '../contract/validation';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { AuditStore, FieldDigester } from '../ports/audit';
import type { Clock } from '../ports/clock';
import { attemptExecutionName } from './attempts';
import {
  attemptsView,
  type OrderExecution,
  type OrderExecutionReader,
  type OrderView,
  orderView,
  readAttempts,
} from './order-view';

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

export interface SubmitDeps {
  executions: OrderExecutions;
  /** Where the submission is recorded: its conditional append decides who submitted an order first. */
  audit: AuditStore;
  digester: FieldDigester;
  clock: Clock;
}

export interface SubmitCall {
  actor: string;
  trackingId: string;
}

/**
 * Record that `call` submits this content under this orderId. The record's id is derived from the orderId and a keyed
 * digest of the canonical content, and the append is conditional: of any number of concurrent identical submissions,
 * exactly one writes it (StartExecution alone cannot tell: the same name and input answer every caller alike).
 */
async function claimSubmission(deps: SubmitDeps, order: Order, call: SubmitCall): Promise<boolean> {
  const content = deps.digester.digest(canonicalJson(order));
  const { written } = await deps.audit.append({
    id: auditId(order.orderId, 'submit', content),
    at: new Date(deps.clock.now()).toISOString(),
    actor: call.actor,
    action: 'orderStep',
    step: 'submit',
    orderId: order.orderId,
    outcome: { result: 'success' },
    trackingId: call.trackingId,
    detail: 'order submitted (POST /v1/orders)',
  });
  return written;
}

/**
 * Start the workflow for an order. Exactly one caller of a new order gets `started: true` (202); every other caller with
 * the same content gets the existing order (200), and other content under the same orderId is a conflict (409).
 *
 * Every caller starts the execution (StartExecution with the same name and input is idempotent), so an order whose
 * first submitter failed between its record and its start is still started by the next one.
 */
export async function submitOrder(deps: SubmitDeps, body: unknown, call: SubmitCall): Promise<SubmitResult> {
  const order = parseOrder(body);
  const first = await claimSubmission(deps, order, call);
  // The first submitter of this content: an execution of that name may still exist, started otherwise (an ordering
  // system's own StartExecution, or an order of other content).
  const before = first ? await deps.executions.describe(order.orderId) : undefined;
  if (before) return { started: false, order: await existingOrder(deps.executions, before, order) };
  const started = await deps.executions.start(order.orderId, order);
  // StartExecution answered: the running execution has our content (other input is ExecutionAlreadyExists).
  if (started) return { started: first, order: orderView(started) };
  // An execution of that name exists already: it has ended, or it runs with other content.
  const existing = await deps.executions.describe(order.orderId);
  if (!existing) throw new ConflictError(`The order ${order.orderId} could not be started; try again.`);
  return { started: false, order: await existingOrder(deps.executions, existing, order) };
}

/** The same order submitted again: as its latest attempt shows it (after a retry, the retry's). */
async function existingOrder(executions: OrderExecutions, first: OrderExecution, order: Order): Promise<OrderView> {
  sameOrderOrConflict(first, order);
  const attempts = await readAttempts(executions, order.orderId);
  return attempts.length > 0 ? attemptsView(order.orderId, attempts) : orderView(first);
}

function sameOrder(existing: OrderExecution, order: Order): boolean {
  const parsed = OrderSchema.safeParse(existing.input);
  return canonicalJson(parsed.success ? parsed.data : existing.input) === canonicalJson(order);
}

function sameOrderOrConflict(existing: OrderExecution, order: Order): OrderView {
  if (!sameOrder(existing, order)) {
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

export interface RetryDeps {
  executions: OrderExecutions;
  /** Where the retry is recorded: its conditional append decides which of concurrent retries starts the attempt. */
  audit: AuditStore;
  clock: Clock;
}

/** Ended attempts a retry may follow; RUNNING and PENDING_REDRIVE are still running, SUCCEEDED is done. */
const RETRYABLE = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

function conflict(message: string): ConflictError {
  return new ConflictError(message, [
    { description: message, errorCode: ERROR_CODES.invalidValue, fieldName: 'orderId' },
  ]);
}

/**
 * Retry an order whose latest attempt failed (or timed out, or was stopped): a new execution of the same order, named
 * for its attempt (`attempts.ts`), with the order as it was first submitted. It adopts the subscriber an earlier attempt
 * of the order created (the provision marker is per order), so a retried order that succeeds leaves one subscriber.
 *
 * Refused with 409 while an attempt runs, once one succeeded, for an order that was invalid (InvalidOrder: it would
 * fail again; submit a corrected order under a new orderId) and past `RULES.maxOrderAttempts`. Of concurrent retries of
 * the same attempt, exactly one gets 202 (a conditional audit record), the others 409.
 */
export async function retryOrder(deps: RetryDeps, orderId: string, call: SubmitCall): Promise<OrderView> {
  if (!RULES.orderIdPattern.test(orderId)) {
    throw new ValidationError('The orderId is invalid.', [
      {
        description: 'orderId must be 1 to 80 letters, digits, - or _',
        errorCode: ERROR_CODES.invalidValue,
        fieldName: 'orderId',
      },
    ]);
  }
  const attempts = await readAttempts(deps.executions, orderId);
  const first = attempts[0];
  const latest = attempts.at(-1);
  if (!first || !latest) throw new NotFoundError(`No order ${orderId}.`);
  if (latest.status === 'SUCCEEDED') throw conflict(`The order ${orderId} has succeeded: there is nothing to retry.`);
  if (!RETRYABLE.has(latest.status)) {
    throw conflict(`The order ${orderId} is running (attempt ${attempts.length}): retry it once it has failed.`);
  }
  const order = OrderSchema.safeParse(first.input);
  if (latest.error === 'InvalidOrder' || !order.success || order.data.orderId !== orderId) {
    throw conflict(
      `The order ${orderId} is invalid and would fail again: submit a corrected order under a new orderId.`,
    );
  }
  const attempt = attempts.length + 1;
  if (attempt > RULES.maxOrderAttempts) {
    throw conflict(`The order ${orderId} has run ${attempts.length} times, the most an order may: it needs a person.`);
  }
  const { written } = await deps.audit.append({
    id: auditId(orderId, 'retry', attempt),
    at: new Date(deps.clock.now()).toISOString(),
    actor: call.actor,
    action: 'orderStep',
    step: 'retry',
    orderId,
    attempt,
    outcome: { result: 'success' },
    trackingId: call.trackingId,
    detail: `retry requested after attempt ${attempts.length} ended ${latest.error ?? latest.status}`,
  });
  // Every caller starts it (StartExecution of the same name and input is idempotent): a retry whose requester failed
  // between its record and its start is started by the next one. The input is the first attempt's as it was, with what
  // the workflow ignores but others read (a batch's marker), so a batch counts the retry's end as its order's.
  const input = { ...(first.input as object), ...order.data } as Order;
  const started = await deps.executions.start(attemptExecutionName(orderId, attempt), input);
  if (!written) throw conflict(`The order ${orderId} is being retried already (attempt ${attempt}).`);
  // Not started: an execution of that name exists already (started outside this API).
  const execution = started ?? (await deps.executions.describe(attemptExecutionName(orderId, attempt)));
  if (!execution) throw conflict(`The order ${orderId} could not be retried; try again.`);
  return attemptsView(orderId, [...attempts, execution]);
}
