/**
 * Records the outcome of an order's execution for its batch (and every batch that watches it): the target of Step
 * Functions' "Execution Status Change" events for the provisioning workflow (an EventBridge rule in AWS; the local
 * engine sends the same event). An execution that is no batch's order is ignored. A failure throws, so EventBridge
 * retries the event (then its dead-letter queue).
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { getBatchStore } from '../composition/batch-store';
import { recordOrderEnd } from '../domain/batches/run';
import type { ExecutionStatus } from '../domain/workflow/order-view';
import { logger as rootLogger } from '../shared/logger';

function parseJson(text: string | null | undefined): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';

export interface ExecutionStatusChange {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  /** Epoch milliseconds. */
  startDate: number;
  stopDate?: number | null;
  input?: string | null;
  output?: string | null;
  error?: string | null;
  cause?: string | null;
}

const log = rootLogger.child({ component: 'record-order-outcome' });

export const handler = async (
  event: EventBridgeEvent<string, ExecutionStatusChange>,
): Promise<{ recorded: number }> => {
  const detail = event.detail;
  if (event['detail-type'] !== EXECUTION_STATUS_CHANGE || !detail || typeof detail.name !== 'string') {
    log.warn('not an execution status change: ignored', { detailType: event['detail-type'] });
    return { recorded: 0 };
  }
  const iso = (ms: number | null | undefined) =>
    typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  const recorded = await recordOrderEnd(
    { store: getBatchStore() },
    {
      name: detail.name,
      executionArn: detail.executionArn,
      status: detail.status as ExecutionStatus,
      startDate: iso(detail.startDate) ?? new Date(0).toISOString(),
      stopDate: iso(detail.stopDate) ?? iso(Date.parse(event.time)),
      input: parseJson(detail.input),
      output: parseJson(detail.output),
      ...(typeof detail.error === 'string' ? { error: detail.error } : {}),
      ...(typeof detail.cause === 'string' ? { cause: detail.cause } : {}),
    },
  );
  if (recorded > 0) log.debug('order outcome recorded', { orderId: detail.name, status: detail.status, recorded });
  return { recorded };
};
