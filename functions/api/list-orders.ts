/**
 * GET /v1/orders?status=&day=&spEnterpriseId=&max=&cursor= — the orders started on one UTC day (default today), newest
 * first, summed up from the audit trail's byDay index; `Link` paging.
 */
import { getAuditStore, getClock } from '../composition/root';
import { listOrders, OrderListQuerySchema } from '../domain/workflow/order-list';
import { createHttpHandler } from '../http/handler';
import { json, nextLink } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'listOrders',
  query: OrderListQuerySchema,
  handle: async ({ query, event }) => {
    const page = await listOrders({ audit: getAuditStore(), clock: getClock() }, query);
    const next: Record<string, string> = { day: page.day };
    for (const name of ['status', 'spEnterpriseId', 'max'] as const) {
      const value = query[name];
      if (value !== undefined) next[name] = String(value);
    }
    const link = page.cursor === undefined ? undefined : nextLink(event, { ...next, cursor: page.cursor });
    return json(200, { day: page.day, items: page.items }, link === undefined ? {} : { Link: link });
  },
});
