/**
 * The body of Update (PUT /broadworks/subscribers/{subscriberId}): every field optional, phone fields may be emptied,
 * and the fields fixed at Provision are refused by name.
 */
import {
  ALWAYS,
  fieldOf,
  LanguageSchema,
  PackageSchema,
  PhoneSchema,
  RequiredTextSchema,
  TimezoneSchema,
} from './fields';
import { IMMUTABLE_ON_UPDATE } from './rules';
import * as z from './zod';

/** Update accepts an empty string for phone fields: it removes the value. */
const OptionalPhoneOrEmpty = z.optional(
  z.union([z.literal(''), PhoneSchema], {
    error: 'must be empty or digits with an optional leading + and - ( ) or space separators',
  }),
);
const OptionalRequiredText = z.optional(RequiredTextSchema);

const immutable = (field: string) =>
  z.optional(
    z.never({ error: `cannot be changed by Update (${field} is fixed at Provision)` }),
  ) as z.ZodMiniOptional<z.ZodMiniNever>;

export const UpdateRequestSchema = z
  .object(
    {
      userId: OptionalRequiredText,
      firstName: OptionalRequiredText,
      lastName: OptionalRequiredText,
      primaryPhoneNumber: OptionalPhoneOrEmpty,
      mobilePhoneNumber: OptionalPhoneOrEmpty,
      extension: OptionalPhoneOrEmpty,
      timezone: z.optional(TimezoneSchema),
      package: z.optional(PackageSchema),
      /** Accepted and ignored [DOC, older page]. */
      language: z.optional(LanguageSchema),
      ...Object.fromEntries(IMMUTABLE_ON_UPDATE.map((f) => [f, immutable(f)])),
    },
    { error: 'must be a JSON object' },
  )
  .check(
    z.refine((value) => !(fieldOf(value, 'primaryPhoneNumber') === '' && fieldOf(value, 'extension') === ''), {
      ...ALWAYS,
      path: ['primaryPhoneNumber'],
      error: 'and extension cannot both be removed: a subscriber keeps at least one',
    }),
  )
  .register(z.globalRegistry, { id: 'UpdateRequest' });
export type UpdateRequest = Omit<z.infer<typeof UpdateRequestSchema>, (typeof IMMUTABLE_ON_UPDATE)[number]>;
