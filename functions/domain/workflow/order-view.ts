/**
 * Reading an order (GET /v1/orders/{orderId}): its execution's status, the subscriber once provisioned, the failure
 * cause, and its audit records. Pure: the executions are behind `OrderExecutionReader`. Apart from `orders.ts`
 * (submitting), so the read path does not build the order's request schemas at cold start.
 */
import { ERROR_CODES, RULES } from '../contract/rules';
import { type Subscriber, SubscriberSchema } from '../contract/subscriber';
import { NotFoundError, ValidationError } from '../errors';
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

/** Reading the provisioning workflow's executions, by name (the orderId): all that reading an order needs. */
export interface OrderExecutionReader {
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

/** Read an order: its execution and its audit records, newest first. */
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
  const execution = await deps.executions.describe(orderId);
  if (!execution) throw new NotFoundError(`No order ${orderId}.`);
  const page = await deps.audit.listByOrder(orderId, { max: auditMax });
  return { ...orderView(execution), audit: { items: page.items } };
}
