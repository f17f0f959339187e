/**
 * The body of Precheck (POST /broadworks/subscribers/validate): email is required, everything else optional.
 */
import {
  CustomerInfoSchema,
  EmailSchema,
  LanguageSchema,
  PackageSchema,
  PhoneSchema,
  RequiredTextSchema,
  TimezoneSchema,
} from './fields';
import * as z from './zod';

const OptionalRequiredText = z.optional(RequiredTextSchema);
const OptionalPhone = z.optional(PhoneSchema);

export const PrecheckRequestSchema = z
  .object(
    {
      provisioningId: OptionalRequiredText,
      userId: OptionalRequiredText,
      spEnterpriseId: OptionalRequiredText,
      firstName: OptionalRequiredText,
      lastName: OptionalRequiredText,
      package: z.optional(PackageSchema),
      primaryPhoneNumber: OptionalPhone,
      mobilePhoneNumber: OptionalPhone,
      extension: OptionalPhone,
      email: EmailSchema,
      language: z.optional(LanguageSchema),
      timezone: z.optional(TimezoneSchema),
      customerInfo: z.optional(CustomerInfoSchema),
    },
    { error: 'must be a JSON object' },
  )
  .register(z.globalRegistry, { id: 'PrecheckRequest' });
export type PrecheckRequest = z.infer<typeof PrecheckRequestSchema>;
