/** PUT /v1/broadworks/subscribers/{subscriberId} — 200 with `updating` and the OLD values, as Webex answers. */
import { getAuditedWebexDependencies } from '../composition/webex';
import { type UpdateRequest, UpdateRequestSchema } from '../domain/contract/update-request';
import { updateSubscriber } from '../domain/use-cases/update-subscriber';
import { createHttpHandler } from '../http/handler';
import { SubscriberPathSchema } from '../http/params';
import { json } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'updateSubscriber',
  params: SubscriberPathSchema,
  body: UpdateRequestSchema,
  handle: async ({ params, body, call, logger }) => {
    const deps = await getAuditedWebexDependencies(logger);
    const { value } = await updateSubscriber(deps, call, params.subscriberId, body as UpdateRequest);
    return json(200, value);
  },
});
