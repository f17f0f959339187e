/** GET /v1/broadworks/subscribers/{subscriberId} — one subscriber; unknown id 404. */
import { getWebex } from '../composition/webex';
import { getSubscriber } from '../domain/use-cases/get-subscriber';
import { createHttpHandler } from '../http/handler';
import { SubscriberPathSchema } from '../http/params';
import { json } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'getSubscriber',
  params: SubscriberPathSchema,
  handle: async ({ params, call }) => {
    const { value } = await getSubscriber({ webex: getWebex() }, call, params.subscriberId);
    return json(200, value);
  },
});
