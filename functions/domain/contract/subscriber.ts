/**
 * The subscriber as this service emits it (strict), with the background errors Webex reports on it.
 */
import { PackageSchema, StatusSchema, TimestampSchema } from './fields';
import { RULES } from './rules';
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
    /**
     * Reserved by Webex: "Currently fixed to "en" in all responses" [DOC]. This service always sends it; the schema
     * keeps it optional, as Cisco's spec and examples do (its examples omit it).
     */
    language: z.optional(z.literal(RULES.fixedLanguage)),
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
