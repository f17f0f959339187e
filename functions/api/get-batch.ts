/**
 * GET /v1/batches/{batchId} — a batch (extension): status (RUNNING, SUCCEEDED, COMPLETED_WITH_FAILURES), counts, and
 * a page of its failed orders (`max`, then the `cursor` of the `Link` header).
 */
import { getBatchStore } from '../composition/batch-store';
import { getBatch } from '../domain/batches/view';
import { BatchPathSchema, BatchQuerySchema } from '../domain/contract/batch';
import { RULES } from '../domain/contract/rules';
import { createHttpHandler } from '../http/handler';
import { json, nextLink } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'getBatch',
  params: BatchPathSchema,
  query: BatchQuerySchema,
  handle: async ({ params, query, event }) => {
    const max = query.max === undefined ? RULES.batchFailuresDefaultMax : Number(query.max);
    const { nextCursor, ...view } = await getBatch({ store: getBatchStore() }, params.batchId, {
      max,
      cursor: query.cursor,
    });
    const link = nextCursor === undefined ? undefined : nextLink(event, { max: String(max), cursor: nextCursor });
    return json(200, view, link === undefined ? {} : { Link: link });
  },
});
