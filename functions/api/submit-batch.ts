/**
 * POST /v1/batches — accept a batch of up to 5,000 orders (extension) and start its execution. 202 when this call
 * accepted it, 200 for the same batch again (nothing starts twice), 409 for another batch under the same batchId, 400
 * naming each bad item (`orders[3].subscriber.userId`). Bodies up to `RULES.maxBatchBodyBytes` (4 MiB).
 */
import { getBatchExecutions } from '../composition/batch-executions';
import { getBatchStore } from '../composition/batch-store';
import { getClock } from '../composition/root';
import { submitBatch } from '../domain/batches/submit';
import { BatchRequestSchema } from '../domain/contract/batch';
import { RULES } from '../domain/contract/rules';
import { createHttpHandler } from '../http/handler';
import { json } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'submitBatch',
  body: BatchRequestSchema,
  maxBodyBytes: RULES.maxBatchBodyBytes,
  handle: async ({ body, call, logger }) => {
    const result = await submitBatch(
      { store: getBatchStore(), executions: getBatchExecutions(), clock: getClock() },
      body,
      call.actor,
    );
    logger.info(result.created ? 'batch accepted' : 'batch exists already', {
      batchId: result.batch.batchId,
      orders: result.batch.counts.total,
    });
    const { nextCursor: _next, ...view } = result.batch;
    return json(result.created ? 202 : 200, view);
  },
});
