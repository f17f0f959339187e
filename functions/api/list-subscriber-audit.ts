/** GET /v1/broadworks/subscribers/{subscriberId}/audit?max=&cursor= — the audit trail, newest first, `Link` paging. */
import { getAuditStore } from '../composition/root';
import { AuditListQuerySchema, listSubscriberAudit } from '../domain/use-cases/list-subscriber-audit';
import { createHttpHandler } from '../http/handler';
import { SubscriberPathSchema } from '../http/params';
import { json, nextLink } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'listSubscriberAudit',
  params: SubscriberPathSchema,
  query: AuditListQuerySchema,
  handle: async ({ params, query, event }) => {
    const page = await listSubscriberAudit({ audit: getAuditStore() }, params.subscriberId, query);
    const link =
      page.cursor === undefined
        ? undefined
        : nextLink(event, { ...(query.max === undefined ? {} : { max: query.max }), cursor: page.cursor });
    return json(200, { items: page.items }, link === undefined ? {} : { Link: link });
  },
});
