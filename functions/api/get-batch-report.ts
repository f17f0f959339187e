/**
 * GET /v1/batches/{batchId}/report — the batch's report (extension): CSV, one line per order with its outcome.
 */
import { getBatchStore } from '../composition/batch-store';
import { batchReport } from '../domain/batches/view';
import { BatchPathSchema } from '../domain/contract/batch';
import { createHttpHandler } from '../http/handler';

export const handler = createHttpHandler({
  operationId: 'getBatchReport',
  params: BatchPathSchema,
  handle: async ({ params }) => {
    const csv = await batchReport({ store: getBatchStore() }, params.batchId);
    return {
      statusCode: 200,
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${params.batchId}-report.csv"`,
      },
      body: csv,
    };
  },
});
