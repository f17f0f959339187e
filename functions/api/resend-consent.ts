/** POST /v1/subscribers/{subscriberId}/emails/consentMove — resend the consent email: 204 with no body. */
import { getAuditedWebexDependencies } from '../composition/webex';
import { resendConsent } from '../domain/use-cases/resend-consent';
import { createHttpHandler } from '../http/handler';
import { SubscriberPathSchema } from '../http/params';
import { noContent } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'resendConsent',
  params: SubscriberPathSchema,
  handle: async ({ params, call, logger }) => {
    await resendConsent(await getAuditedWebexDependencies(logger), call, params.subscriberId);
    return noContent();
  },
});
