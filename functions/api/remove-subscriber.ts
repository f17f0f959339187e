/** DELETE /v1/broadworks/subscribers/{subscriberId} — 204 with no body. */
import { getAuditedWebexDependencies } from '../composition/webex';
import { removeSubscriber } from '../domain/use-cases/remove-subscriber';
import { createHttpHandler } from '../http/handler';
import { SubscriberPathSchema } from '../http/params';
import { noContent } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'removeSubscriber',
  params: SubscriberPathSchema,
  handle: async ({ params, call, logger }) => {
    await removeSubscriber(await getAuditedWebexDependencies(logger), call, params.subscriberId);
    return noContent();
  },
});
