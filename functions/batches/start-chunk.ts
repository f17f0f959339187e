/**
 * The batch workflow's chunk task: start one chunk of a batch's orders on the provisioning workflow (execution name =
 * orderId, so never twice) and answer how long to wait before the next chunk (the batch start rate).
 * Input `{batchId, chunk}`; output `{batchId, chunk, started, adopted, conflicts, skipped, waitSeconds}`.
 */
import { batchStartRate, getBatchOrderExecutions } from '../composition/batch-executions';
import { getBatchStore } from '../composition/batch-store';
import { getClock } from '../composition/root';
import { startChunk } from '../domain/batches/run';
import { BatchIdSchema } from '../domain/contract/batch';
import * as z from '../domain/contract/zod';
import { logger as rootLogger } from '../shared/logger';

const ChunkInputSchema = z.object({
  batchId: BatchIdSchema,
  chunk: z.number().check(z.int(), z.gte(0)),
});

/** The chunk task's input is not `{batchId, chunk}`: a bug in the workflow, never retried into success. */
export class InvalidChunkInputError extends Error {
  override name = 'InvalidChunkInputError';
}

const log = rootLogger.child({ task: 'startBatchChunk' });

export const handler = async (input: unknown, context?: { awsRequestId?: string }) => {
  const parsed = ChunkInputSchema.safeParse(input);
  if (!parsed.success) throw new InvalidChunkInputError('The chunk task needs {batchId, chunk}');
  const startedAt = Date.now();
  const result = await startChunk(
    {
      store: getBatchStore(),
      orders: getBatchOrderExecutions(),
      clock: getClock(),
      ratePerSecond: batchStartRate(),
    },
    parsed.data,
  );
  log.info('chunk started', { ...result, requestId: context?.awsRequestId, latencyMs: Date.now() - startedAt });
  return result;
};
