/** POST /v1/broadworks/subscribers/validate — Webex's provisioning precheck (email only, or the whole payload). */
import { getAuditedWebexDependencies } from '../composition/webex';
import { PrecheckRequestSchema } from '../domain/contract/precheck-request';
import { precheckSubscriber } from '../domain/use-cases/precheck-subscriber';
import { createHttpHandler } from '../http/handler';
import { json } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'precheckSubscriber',
  body: PrecheckRequestSchema,
  handle: async ({ body, call, logger }) => {
    const { value } = await precheckSubscriber(await getAuditedWebexDependencies(logger), call, body);
    return json(200, value);
  },
});
