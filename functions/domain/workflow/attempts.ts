/**
 * An order's attempts: the first runs as the execution named by the orderId; a retry (POST /v1/orders/{orderId}/retry)
 * runs as a new execution of the same order, named `<orderId>.<n>` (n from 2). A `.` cannot occur in an orderId, so no
 * order's first execution can take a retry's name. When `<orderId>.<n>` would pass Step Functions' 80 characters, the
 * orderId is cut and a digest of the whole orderId keeps the name unique: `<orderId cut>.<digest>.<n>`.
 */
import { auditId } from '../audit';
import { RULES } from '../contract/rules';

/** Step Functions' longest execution name. */
const MAX_EXECUTION_NAME = 80;
const DIGEST_LENGTH = 10;

/** The execution name of attempt `attempt` (1 = the order's first execution, named by the orderId). */
export function attemptExecutionName(orderId: string, attempt: number): string {
  if (attempt <= 1) return orderId;
  const suffix = `.${attempt}`;
  if (orderId.length + suffix.length <= MAX_EXECUTION_NAME) return `${orderId}${suffix}`;
  const tail = `.${auditId('attempt', orderId).slice(0, DIGEST_LENGTH)}${suffix}`;
  return `${orderId.slice(0, MAX_EXECUTION_NAME - tail.length)}${tail}`;
}

/**
 * Which attempt of `orderId` an execution named `executionName` is: 1 for the orderId itself, n for a retry's name,
 * `undefined` when the name is not one of this order's.
 */
export function attemptOf(orderId: string, executionName: string): number | undefined {
  if (executionName === orderId) return 1;
  const match = /\.(\d{1,4})$/.exec(executionName);
  const attempt = match ? Number(match[1]) : Number.NaN;
  if (!Number.isInteger(attempt) || attempt < 2 || attempt > RULES.maxOrderAttempts) return undefined;
  return attemptExecutionName(orderId, attempt) === executionName ? attempt : undefined;
}
