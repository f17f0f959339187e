/** POST /v1/broadworks/subscribers — provision at Webex: 200 with the subscriber in `provisioning` (not 201). */
import { getAuditedWebexDependencies } from '../composition/webex';
import { ProvisionRequestSchema } from '../domain/contract/provision-request';
import { provisionSubscriber } from '../domain/use-cases/provision-subscriber';
import { createHttpHandler } from '../http/handler';
import { json } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'provisionSubscriber',
  body: ProvisionRequestSchema,
  handle: async ({ body, call, logger }) => {
    const { value } = await provisionSubscriber(await getAuditedWebexDependencies(logger), call, body);
    return json(200, value);
  },
});
