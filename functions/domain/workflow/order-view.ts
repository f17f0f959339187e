/**
 * Reading an order (GET /v1/orders/{orderId}): its latest attempt's status, the subscriber once provisioned, the failure
 * cause, every attempt (the first execution and each retry's), and its audit records. Pure: the executions are behind `OrderExecutionReader`. Apart from `orders.ts`
 * (submitting), so the read path does not build the order's request schemas at cold start.
 */
import { ERROR_CODES, RULES } from '../contract/rules';
import { type Subscriber, SubscriberSchema } from '../contract/subscriber';
import { NotFoundError, ValidationError } from '../errors';
import type { AuditRecord, AuditStore } from '../ports/audit';
import { attemptExecutionName } from './attempts';

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

/** Reading the provisioning workflow's executions, by name (the orderId): all that reading an order needs. */
export interface OrderExecutionReader {
  /** The execution with that name, or `undefined`. */
  describe(name: string): Promise<OrderExecution | undefined>;
}

/** One attempt of an order: its first execution, or a retry's. */
export interface OrderAttempt {
  attempt: number;
  status: ExecutionStatus;
  executionArn: string;
  startDate: string;
  stopDate?: string;
  failure?: { error: string; cause: unknown };
}

export interface OrderView {
  orderId: string;
  /** The latest attempt's status (and below, its execution, dates, subscriber and failure). */
  status: ExecutionStatus;
  executionArn: string;
  startDate: string;
  stopDate?: string;
  /** The provisioned subscriber, once the order succeeded. */
  subscriber?: Subscriber;
  /** Why the order failed: the Fail state's error and its machine-readable cause. */
  failure?: { error: string; cause: unknown };
  /** Which attempt the view shows (1 = the first execution; 2 and on: retries). */
  attempt?: number;
  /** Every attempt, oldest first. */
  attempts?: OrderAttempt[];
  /** The order's audit records, newest first (GET only). */
  audit?: { items: AuditRecord[] };
}

export function orderView(execution: OrderExecution, orderId = execution.name): OrderView {
  const view: OrderView = {
    orderId,
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

/** Every execution of an order, oldest first: its first and each retry's (empty when the order is unknown). */
export async function readAttempts(executions: OrderExecutionReader, orderId: string): Promise<OrderExecution[]> {
  const attempts: OrderExecution[] = [];
  for (let attempt = 1; attempt <= RULES.maxOrderAttempts; attempt++) {
    const execution = await executions.describe(attemptExecutionName(orderId, attempt));
    if (!execution) break;
    attempts.push(execution);
  }
  return attempts;
}

/** The order as its latest attempt shows it, with every attempt listed. */
export function attemptsView(orderId: string, attempts: readonly OrderExecution[]): OrderView {
  const latest = attempts.at(-1);
  if (!latest) throw new NotFoundError(`No order ${orderId}.`);
  return {
    ...orderView(latest, orderId),
    attempt: attempts.length,
    attempts: attempts.map((execution, i) => {
      const { status, executionArn, startDate, stopDate, failure } = orderView(execution, orderId);
      return {
        attempt: i + 1,
        status,
        executionArn,
        startDate,
        ...(stopDate ? { stopDate } : {}),
        ...(failure ? { failure } : {}),
      };
    }),
  };
}

/** Read an order: its latest attempt, every attempt, and its audit records, newest first. */
export async function getOrder(
  deps: { executions: OrderExecutionReader; audit: AuditStore },
  orderId: string,
  auditMax = 100,
): Promise<OrderView> {
  if (!RULES.orderIdPattern.test(orderId)) {
    throw new ValidationError('The orderId is invalid.', [
      {
        description: 'orderId must be 1 to 80 letters, digits, - or _',
        errorCode: ERROR_CODES.invalidValue,
        fieldName: 'orderId',
      },
    ]);
  }
  const [attempts, page] = await Promise.all([
    readAttempts(deps.executions, orderId),
    deps.audit.listByOrder(orderId, { max: auditMax }),
  ]);
  return { ...attemptsView(orderId, attempts), audit: { items: page.items } };
}
