/** GET /v1/broadworks/subscribers — one page of Webex's list; its `Link: rel="next"` rewritten to this service. */
import { getWebex } from '../composition/webex';
import { ListQuerySchema } from '../domain/contract/list-query';
import { listSubscribers } from '../domain/use-cases/list-subscribers';
import { createHttpHandler } from '../http/handler';
import { json, nextLink } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'listSubscribers',
  query: ListQuerySchema,
  handle: async ({ query, call, event }) => {
    const { value } = await listSubscribers({ webex: getWebex() }, call, query);
    const link = value.nextQuery === undefined ? undefined : nextLink(event, value.nextQuery);
    return json(200, { items: value.items }, link === undefined ? {} : { Link: link });
  },
});
