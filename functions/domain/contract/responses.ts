/**
 * What this service answers with (strict), besides the subscriber itself (`subscriber.ts`): the list and precheck
 * answers and the Webex error body. Only the OpenAPI document, the simulator and tests use these schemas.
 */
import { WebexErrorItemSchema } from './fields';
import { SubscriberSchema } from './subscriber';
import * as z from './zod';

export const SubscriberListResponseSchema = z
  .strictObject({ items: z.array(SubscriberSchema) })
  .register(z.globalRegistry, { id: 'SubscriberListResponse' });
export type SubscriberListResponse = z.infer<typeof SubscriberListResponseSchema>;

export const PrecheckInfoSchema = z.strictObject({ infoCode: z.number(), description: z.string() });
export const PrecheckResponseSchema = z
  .strictObject({ message: z.string(), info: z.array(PrecheckInfoSchema) })
  .register(z.globalRegistry, { id: 'SubscriberProvisioningPrecheckResponse' });
export type PrecheckResponse = z.infer<typeof PrecheckResponseSchema>;

export const WebexErrorBodySchema = z
  .strictObject({
    message: z.string(),
    errors: z.optional(z.array(WebexErrorItemSchema)),
    trackingId: z.string(),
  })
  .register(z.globalRegistry, { id: 'WebexError' });
export type WebexErrorBody = z.infer<typeof WebexErrorBodySchema>;
