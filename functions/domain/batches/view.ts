/**
 * Reading a batch (GET /v1/batches/{batchId} and its report): counts and failures from the outcomes its orders' ends
 * recorded, so a read costs one item and one Query of small outcome items, never a DescribeExecution per order.
 * Pure: the store is a port.
 */
import { ERROR_CODES } from '../contract/rules';
import { NotFoundError, ValidationError } from '../errors';
import type { BatchStore, OrderOutcome, StoredBatch } from '../ports/batches';

export type BatchStatus = 'RUNNING' | 'SUCCEEDED' | 'COMPLETED_WITH_FAILURES';

export interface BatchFailure {
  orderId: string;
  error: string;
  /** The workflow's cause (`{error, orderId, subscriberId?, lastStatus?, errors?}`), parsed when it is JSON. */
  cause: unknown;
}

export interface BatchView {
  batchId: string;
  status: BatchStatus;
  counts: { total: number; succeeded: number; failed: number; running: number };
  /** One page of failed orders, in the batch's order. */
  failures: BatchFailure[];
  /** The `cursor` of the next page of failures, when there is one. */
  nextCursor?: string;
}

export interface FailurePage {
  max: number;
  /** Opaque: the value of the previous page's `nextCursor`. */
  cursor?: string | undefined;
}

export function batchView(batch: StoredBatch, outcomes: readonly OrderOutcome[], page: FailurePage): BatchView {
  const succeeded = outcomes.filter((o) => o.status === 'SUCCEEDED').length;
  const failedOutcomes = outcomes.filter((o) => o.status !== 'SUCCEEDED').sort((a, b) => a.index - b.index);
  const failed = failedOutcomes.length;
  const running = Math.max(0, batch.total - succeeded - failed);
  const status: BatchStatus = running > 0 ? 'RUNNING' : failed > 0 ? 'COMPLETED_WITH_FAILURES' : 'SUCCEEDED';
  const after = page.cursor === undefined ? 0 : cursorIndex(page.cursor);
  const rest = failedOutcomes.filter((o) => o.index > after);
  const shown = rest.slice(0, page.max);
  const view: BatchView = {
    batchId: batch.batchId,
    status,
    counts: { total: batch.total, succeeded, failed, running },
    failures: shown.map((o) => ({ orderId: o.orderId, error: o.error ?? o.status, cause: parseCause(o.cause) })),
  };
  const last = shown.at(-1);
  if (rest.length > shown.length && last) view.nextCursor = String(last.index);
  return view;
}

function cursorIndex(cursor: string): number {
  if (!/^\d{1,9}$/.test(cursor)) {
    throw new ValidationError('The cursor is invalid.', [
      {
        description: 'cursor must be the value of a Link header',
        errorCode: ERROR_CODES.invalidValue,
        fieldName: 'cursor',
      },
    ]);
  }
  return Number(cursor);
}

function parseCause(cause: string | undefined): unknown {
  if (cause === undefined) return null;
  try {
    return JSON.parse(cause);
  } catch {
    return cause;
  }
}

export async function getBatch(deps: { store: BatchStore }, batchId: string, page: FailurePage): Promise<BatchView> {
  const batch = await deps.store.get(batchId);
  if (!batch) throw new NotFoundError(`No batch ${batchId}.`);
  return batchView(batch, await deps.store.listOutcomes(batchId), page);
}

const REPORT_COLUMNS = ['index', 'orderId', 'outcome', 'error', 'subscriberId', 'cause'] as const;

/**
 * The batch's report: CSV (RFC 4180, CRLF), a header line, then one line per order in the batch's order with its
 * outcome: SUCCEEDED, FAILED, TIMED_OUT, ABORTED, or RUNNING while it has not ended.
 */
export async function batchReport(deps: { store: BatchStore }, batchId: string): Promise<string> {
  const batch = await deps.store.get(batchId);
  if (!batch) throw new NotFoundError(`No batch ${batchId}.`);
  const [orders, outcomes] = await Promise.all([deps.store.listOrderIds(batchId), deps.store.listOutcomes(batchId)]);
  const byIndex = new Map(outcomes.map((o) => [o.index, o]));
  const lines = [REPORT_COLUMNS.join(',')];
  for (const { index, orderId } of orders) {
    const outcome = byIndex.get(index);
    lines.push(
      [
        String(index),
        orderId,
        outcome?.status ?? 'RUNNING',
        outcome?.error ?? '',
        outcome?.subscriberId ?? '',
        outcome?.cause ?? '',
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** RFC 4180 quoting; a cell a spreadsheet would run as a formula is prefixed with `'`. */
export function csvField(value: string): string {
  const safe = /^[=+@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
