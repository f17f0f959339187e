/**
 * Orders as batches, the way an ordering system sends them: POST /v1/batches through the REAL `submit-batch` handler
 * (an API Gateway event with the JWT authorizer's context), at most `RULES.maxBatchOrders` orders per batch, all
 * batches submitted together; GET /v1/batches/{batchId} through the REAL `get-batch` handler. The batch workflow then
 * starts the orders on the local engine (`workflow-rig.ts` with `batches`).
 */
import type { BatchView } from '../../functions/domain/batches/view';
import type { Order } from '../../functions/domain/contract/order';
import { RULES } from '../../functions/domain/contract/rules';
import type { ExecutionRecord } from '../../local/stepfunctions';
import { buildEvent, lambdaContext } from '../../test/support/apigw-event';
import type { WorkflowRig } from './workflow-rig';

export interface SubmittedBatch {
  batchId: string;
  orderIds: string[];
}

interface HttpResult {
  statusCode: number;
  body?: string;
}

/** The orders in batches of at most `maxOrders` (the API's limit by default). */
export function splitIntoBatches(orders: readonly Order[], maxOrders: number = RULES.maxBatchOrders): Order[][] {
  const batches: Order[][] = [];
  for (let from = 0; from < orders.length; from += maxOrders) batches.push(orders.slice(from, from + maxOrders));
  return batches;
}

/** POST /v1/batches for each batch, all at once; each must be accepted (202). The orders keep their orderIds. */
export async function submitBatches(prefix: string, batches: readonly Order[][]): Promise<SubmittedBatch[]> {
  const { handler } = await import('../../functions/api/submit-batch');
  return Promise.all(
    batches.map(async (orders, i) => {
      const batchId = `${prefix}-${i + 1}`;
      const body = {
        batchId,
        orders: orders.map((order) => ({ orderId: order.orderId, subscriber: order.subscriber })),
      };
      const result = (await handler(buildEvent('submitBatch', { body }), lambdaContext())) as HttpResult;
      if (result.statusCode !== 202) {
        throw new Error(`POST /v1/batches ${batchId} answered ${result.statusCode}: ${result.body ?? ''}`);
      }
      return { batchId, orderIds: orders.map((order) => order.orderId) };
    }),
  );
}

/** GET /v1/batches/{batchId}: the batch's status and counts. */
export async function getBatch(batchId: string): Promise<BatchView> {
  const { handler } = await import('../../functions/api/get-batch');
  const result = (await handler(
    buildEvent('getBatch', { pathParameters: { batchId } }),
    lambdaContext(),
  )) as HttpResult;
  if (result.statusCode !== 200) throw new Error(`GET /v1/batches/${batchId} answered ${result.statusCode}`);
  return JSON.parse(result.body ?? '{}') as BatchView;
}

/** Orders (of these batches) whose execution has ended; an order not started yet has none. */
export function endedOrders(rig: WorkflowRig, batches: readonly SubmittedBatch[]): number {
  let ended = 0;
  for (const { orderIds } of batches) {
    for (const orderId of orderIds) {
      try {
        const { status } = rig.engine.describeExecution({ executionArn: rig.engine.executionArnOf(orderId) });
        if (status !== 'RUNNING') ended += 1;
      } catch {
        // Not started yet.
      }
    }
  }
  return ended;
}

/**
 * Resolves once every batch's execution has ended (every order started), then every order's execution, then every
 * execution end has reached the outcome recorder: the orders' records, in the batches' order.
 */
export async function waitForBatches(rig: WorkflowRig, batches: readonly SubmittedBatch[]): Promise<ExecutionRecord[]> {
  await Promise.all(
    batches.map(({ batchId }) => rig.batchEngine.waitForExecution(rig.batchEngine.executionArnOf(batchId))),
  );
  const records = await Promise.all(
    batches.flatMap(({ orderIds }) =>
      orderIds.map((orderId) => rig.engine.waitForExecution(rig.engine.executionArnOf(orderId))),
    ),
  );
  await rig.executionEvents.idle();
  return records;
}

export interface BatchCounts {
  /** Batches submitted. */
  count: number;
  /** Summed over the batches, as GET /v1/batches/{batchId} answers them. */
  succeeded: number;
  failed: number;
  running: number;
  statuses: string[];
  /** The counts are the executions' (succeeded, failed, nothing running). */
  agree: boolean;
}

/** The batches' counts (GET) beside the executions' outcomes. */
export function batchCounts(views: readonly BatchView[], succeeded: number, notSucceeded: number): BatchCounts {
  const sum = (pick: (v: BatchView) => number) => views.reduce((total, view) => total + pick(view), 0);
  const counts = {
    count: views.length,
    succeeded: sum((v) => v.counts.succeeded),
    failed: sum((v) => v.counts.failed),
    running: sum((v) => v.counts.running),
    statuses: [...new Set(views.map((v) => v.status))],
  };
  return {
    ...counts,
    agree: counts.succeeded === succeeded && counts.failed === notSucceeded && counts.running === 0,
  };
}
