/**
 * The body of Provision (POST /broadworks/subscribers), and the cross-field rule it shares with the order's subscriber.
 */
import {
  ALWAYS,
  EmailSchema,
  fieldOf,
  isPlainObject,
  LanguageSchema,
  PackageSchema,
  PhoneSchema,
  RequiredTextSchema,
  TimezoneSchema,
} from './fields';
import * as z from './zod';

/** A subscriber keeps at least one of primaryPhoneNumber / extension [DECIDED, as Update documents it]. */
export const requirePhoneOrExtension = {
  check: (value: unknown) =>
    !isPlainObject(value) || Boolean(fieldOf(value, 'primaryPhoneNumber') || fieldOf(value, 'extension')),
  options: {
    ...ALWAYS,
    path: ['primaryPhoneNumber'],
    error: 'primaryPhoneNumber or extension is required',
    params: { missing: true },
  },
};

const OptionalPhone = z.optional(PhoneSchema);

export const ProvisionRequestSchema = z
  .object(
    {
      provisioningId: RequiredTextSchema,
      userId: RequiredTextSchema,
      spEnterpriseId: RequiredTextSchema,
      firstName: RequiredTextSchema,
      lastName: RequiredTextSchema,
      package: PackageSchema,
      primaryPhoneNumber: OptionalPhone,
      mobilePhoneNumber: OptionalPhone,
      extension: OptionalPhone,
      email: z.optional(EmailSchema),
      language: z.optional(LanguageSchema),
      timezone: z.optional(TimezoneSchema),
    },
    { error: 'must be a JSON object' },
  )
  .check(z.refine(requirePhoneOrExtension.check, requirePhoneOrExtension.options))
  .register(z.globalRegistry, { id: 'ProvisionRequest' });
export type ProvisionRequest = z.infer<typeof ProvisionRequestSchema>;
