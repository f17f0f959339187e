/**
 * The contract's value types: the enums, the field formats every request and response is made of, and the Webex error
 * item.
 *
 * The contract's schemas are split by who uses them (`fields.ts`, one module per request, `subscriber.ts`,
 * `responses.ts`, `from-webex.ts`): importing a module builds every schema in it (about 20 µs per zod object, at
 * module load), so each Lambda bundle imports only the modules it validates with and builds only those schemas
 * (`test/infra/bundle-schemas.test.ts`).
 *
 * Shared field schemas are built once and reused (zod schemas are immutable): `TextSchema` is one schema, not one per
 * field.
 */
import { isIanaTimeZone, RULES } from './rules';
import * as z from './zod';

export const PACKAGES = ['softphone', 'basic', 'standard', 'premium'] as const;
export const STATUSES = [
  'pending_email_input',
  'pending_email_validation',
  'pending_user_migration',
  'provisioning',
  'provisioned',
  'updating',
  'error',
] as const;
export const PENDING_STATUSES = ['pending_email_input', 'pending_email_validation', 'pending_user_migration'] as const;
export const IN_PROGRESS_STATUSES = ['provisioning', 'updating'] as const;

export const PackageSchema = z.enum(PACKAGES, { error: `must be one of ${PACKAGES.join(', ')}` });
export const StatusSchema = z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` });
export type Package = z.infer<typeof PackageSchema>;
export type SubscriberStatus = z.infer<typeof StatusSchema>;

const noControlCharacters = z.refine<string>((value) => !RULES.controlCharacterPattern.test(value), {
  error: 'must not contain control characters (C0, C1 or lone surrogates)',
});

/**
 * Any string field of a request: a string of at most `RULES.maxStringLength` characters, without control characters.
 */
export const TextSchema = z
  .string({ error: 'must be a string' })
  .check(
    z.maxLength(RULES.maxStringLength, { error: `must be at most ${RULES.maxStringLength} characters` }),
    noControlCharacters,
  );
/** A string field that must not be empty. */
export const RequiredTextSchema = TextSchema.check(z.minLength(1, { error: 'must not be empty' }));

export const EmailSchema = z
  .string({ error: 'must be a string' })
  .check(
    z.maxLength(RULES.maxEmailLength, { error: `must be at most ${RULES.maxEmailLength} characters` }),
    noControlCharacters,
    z.regex(RULES.emailPattern, { error: 'must be a valid email address' }),
  );
export const PhoneSchema = TextSchema.check(
  z.regex(RULES.phonePattern, { error: 'must be digits with an optional leading + and - ( ) or space separators' }),
);
/** `language`: reserved by Webex, "any value currently specified will be ignored" [DOC]; any text is accepted. */
export const LanguageSchema = TextSchema;
export const TimezoneSchema = TextSchema.check(
  z.refine(isIanaTimeZone, { error: 'must be an IANA time zone id like America/Los_Angeles' }),
);
export const SubscriberIdSchema = z
  .string({ error: 'must be a string' })
  .check(z.regex(RULES.subscriberIdPattern, { error: 'is not a valid subscriber id' }));
/** ISO 8601 with milliseconds and `Z`, as Webex emits timestamps. */
export const TimestampSchema = z
  .string()
  .check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, { error: 'must be an ISO 8601 timestamp' }));

export const CustomerInfoSchema = z.object(
  { primaryEmail: EmailSchema },
  { error: 'must be a JSON object with primaryEmail' },
);

/** The `max` query parameter of every paged listing: a whole number from 1 to `RULES.listMaxMax`, as a string. */
export const PageSizeSchema = z.string({ error: 'must be a whole number' }).check(
  z.regex(/^\d{1,3}$/, { error: `must be a whole number from 1 to ${RULES.listMaxMax}` }),
  z.refine((v) => Number(v) >= 1 && Number(v) <= RULES.listMaxMax, {
    error: `must be a whole number from 1 to ${RULES.listMaxMax}`,
  }),
);

/** One item of a Webex error body: what is wrong, its error code and the field it concerns. */
export const WebexErrorItemSchema = z.strictObject({
  description: z.string(),
  errorCode: z.optional(z.number()),
  fieldName: z.optional(z.string()),
});
export type WebexErrorItem = z.infer<typeof WebexErrorItemSchema>;

/** Run a cross-field rule even when other fields already failed, so every problem is reported at once. */
export const ALWAYS = { when: () => true } as const;

export function isPlainObject(input: unknown): input is Record<string, unknown> {
  return input !== null && typeof input === 'object' && !Array.isArray(input);
}

export function fieldOf(input: unknown, name: string): unknown {
  return isPlainObject(input) ? input[name] : undefined;
}

/** Remove `undefined` members so a parsed object serialises exactly as the strict schema describes it. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
