/**
 * What this service emits (strict): the subscriber, the list and precheck answers, and the Webex error body.
 */
import { PackageSchema, StatusSchema, TimestampSchema } from './fields';
import * as z from './zod';

const OptionalString = z.optional(z.string());

export const BackgroundErrorSchema = z.strictObject({
  errorCode: z.number(),
  description: z.string(),
});
export type BackgroundError = z.infer<typeof BackgroundErrorSchema>;

export const SubscriberSchema = z
  .strictObject({
    id: z.string(),
    personId: OptionalString,
    userId: z.string(),
    spEnterpriseId: z.string(),
    firstName: OptionalString,
    lastName: OptionalString,
    email: OptionalString,
    primaryPhoneNumber: OptionalString,
    mobilePhoneNumber: OptionalString,
    extension: OptionalString,
    package: PackageSchema,
    status: StatusSchema,
    errors: z.optional(z.array(BackgroundErrorSchema)),
    created: TimestampSchema,
    lastStatusChange: TimestampSchema,
    provisioningId: z.string(),
    selfActivated: z.boolean(),
  })
  .register(z.globalRegistry, { id: 'Subscriber' });
export type Subscriber = z.infer<typeof SubscriberSchema>;

export const SubscriberListResponseSchema = z
  .strictObject({ items: z.array(SubscriberSchema) })
  .register(z.globalRegistry, { id: 'SubscriberListResponse' });
export type SubscriberListResponse = z.infer<typeof SubscriberListResponseSchema>;

export const PrecheckInfoSchema = z.strictObject({ infoCode: z.number(), description: z.string() });
export const PrecheckResponseSchema = z
  .strictObject({ message: z.string(), info: z.array(PrecheckInfoSchema) })
  .register(z.globalRegistry, { id: 'SubscriberProvisioningPrecheckResponse' });
export type PrecheckResponse = z.infer<typeof PrecheckResponseSchema>;

export const WebexErrorItemSchema = z.strictObject({
  description: z.string(),
  errorCode: z.optional(z.number()),
  fieldName: OptionalString,
});
export type WebexErrorItem = z.infer<typeof WebexErrorItemSchema>;

export const WebexErrorBodySchema = z
  .strictObject({
    message: z.string(),
    errors: z.optional(z.array(WebexErrorItemSchema)),
    trackingId: z.string(),
  })
  .register(z.globalRegistry, { id: 'WebexError' });
export type WebexErrorBody = z.infer<typeof WebexErrorBodySchema>;
