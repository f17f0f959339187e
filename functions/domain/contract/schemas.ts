/**
 * The Webex BroadWorks Subscribers contract as Zod schemas: the single source of truth for request validation, parsing
 * of upstream responses, the simulator and the project's published OpenAPI document.
 *
 * Two families:
 * - request schemas and the strict `Subscriber` are what this project accepts and emits;
 * - `*FromWebex` schemas read what Webex sends, lenient exactly where Cisco's own examples are (`selfActivated: "false"`).
 */
import { IMMUTABLE_ON_UPDATE, isIanaTimeZone, RULES } from './rules';
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

const str = () =>
  z
    .string({ error: 'must be a string' })
    .check(z.maxLength(RULES.maxStringLength, { error: `must be at most ${RULES.maxStringLength} characters` }));
const requiredStr = () => str().check(z.minLength(1, { error: 'must not be empty' }));

export const EmailSchema = z
  .string({ error: 'must be a string' })
  .check(
    z.maxLength(RULES.maxEmailLength, { error: `must be at most ${RULES.maxEmailLength} characters` }),
    z.regex(RULES.emailPattern, { error: 'must be a valid email address' }),
  );
export const PhoneSchema = str().check(
  z.regex(RULES.phonePattern, { error: 'must be digits with an optional leading + and - ( ) or space separators' }),
);
/** Update accepts an empty string for phone fields: it removes the value. */
const PhoneOrEmptySchema = z.union([z.literal(''), PhoneSchema], {
  error: 'must be empty or digits with an optional leading + and - ( ) or space separators',
});
export const LanguageSchema = str().check(
  z.regex(RULES.languagePattern, { error: 'must be a language code like en or en_US' }),
);
export const TimezoneSchema = str().check(
  z.refine(isIanaTimeZone, { error: 'must be an IANA time zone id like America/Los_Angeles' }),
);
export const SubscriberIdSchema = z
  .string({ error: 'must be a string' })
  .check(z.regex(RULES.subscriberIdPattern, { error: 'is not a valid subscriber id' }));
/** ISO 8601 with milliseconds and `Z`, as Webex emits timestamps. */
export const TimestampSchema = z
  .string()
  .check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, { error: 'must be an ISO 8601 timestamp' }));

// ---------------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------------

const provisionFields = {
  provisioningId: requiredStr(),
  userId: requiredStr(),
  spEnterpriseId: requiredStr(),
  firstName: requiredStr(),
  lastName: requiredStr(),
  package: PackageSchema,
  primaryPhoneNumber: z.optional(PhoneSchema),
  mobilePhoneNumber: z.optional(PhoneSchema),
  extension: z.optional(PhoneSchema),
  email: z.optional(EmailSchema),
  language: z.optional(LanguageSchema),
  timezone: z.optional(TimezoneSchema),
};

/** Run a cross-field rule even when other fields already failed, so every problem is reported at once. */
const always = { when: () => true } as const;

function isPlainObject(input: unknown): input is Record<string, unknown> {
  return input !== null && typeof input === 'object' && !Array.isArray(input);
}

function field(input: unknown, name: string): unknown {
  return isPlainObject(input) ? input[name] : undefined;
}

/** A subscriber keeps at least one of primaryPhoneNumber / extension [DECIDED, as Update documents it]. */
export const requirePhoneOrExtension = {
  check: (value: unknown) =>
    !isPlainObject(value) || Boolean(field(value, 'primaryPhoneNumber') || field(value, 'extension')),
  options: {
    ...always,
    path: ['primaryPhoneNumber'],
    error: 'primaryPhoneNumber or extension is required',
    params: { missing: true },
  },
};

export const ProvisionRequestSchema = z
  .object(provisionFields, { error: 'must be a JSON object' })
  .check(z.refine(requirePhoneOrExtension.check, requirePhoneOrExtension.options))
  .register(z.globalRegistry, { id: 'ProvisionRequest' });
export type ProvisionRequest = z.infer<typeof ProvisionRequestSchema>;

const immutable = (field: string) =>
  z.optional(
    z.never({ error: `cannot be changed by Update (${field} is fixed at Provision)` }),
  ) as z.ZodMiniOptional<z.ZodMiniNever>;

export const UpdateRequestSchema = z
  .object(
    {
      userId: z.optional(requiredStr()),
      firstName: z.optional(requiredStr()),
      lastName: z.optional(requiredStr()),
      primaryPhoneNumber: z.optional(PhoneOrEmptySchema),
      mobilePhoneNumber: z.optional(PhoneOrEmptySchema),
      extension: z.optional(PhoneOrEmptySchema),
      timezone: z.optional(TimezoneSchema),
      package: z.optional(PackageSchema),
      /** Accepted and ignored [DOC, older page]. */
      language: z.optional(LanguageSchema),
      ...Object.fromEntries(IMMUTABLE_ON_UPDATE.map((f) => [f, immutable(f)])),
    },
    { error: 'must be a JSON object' },
  )
  .check(
    z.refine((value) => !(field(value, 'primaryPhoneNumber') === '' && field(value, 'extension') === ''), {
      ...always,
      path: ['primaryPhoneNumber'],
      error: 'and extension cannot both be removed: a subscriber keeps at least one',
    }),
  )
  .register(z.globalRegistry, { id: 'UpdateRequest' });
export type UpdateRequest = Omit<z.infer<typeof UpdateRequestSchema>, (typeof IMMUTABLE_ON_UPDATE)[number]>;

export const CustomerInfoSchema = z.object(
  { primaryEmail: EmailSchema },
  { error: 'must be a JSON object with primaryEmail' },
);

export const PrecheckRequestSchema = z
  .object(
    {
      provisioningId: z.optional(requiredStr()),
      userId: z.optional(requiredStr()),
      spEnterpriseId: z.optional(requiredStr()),
      firstName: z.optional(requiredStr()),
      lastName: z.optional(requiredStr()),
      package: z.optional(PackageSchema),
      primaryPhoneNumber: z.optional(PhoneSchema),
      mobilePhoneNumber: z.optional(PhoneSchema),
      extension: z.optional(PhoneSchema),
      email: EmailSchema,
      language: z.optional(LanguageSchema),
      timezone: z.optional(TimezoneSchema),
      customerInfo: z.optional(CustomerInfoSchema),
    },
    { error: 'must be a JSON object' },
  )
  .register(z.globalRegistry, { id: 'PrecheckRequest' });
export type PrecheckRequest = z.infer<typeof PrecheckRequestSchema>;

const epochOrIso = str().check(
  z.refine((v) => /^\d{1,15}$/.test(v) || (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v))), {
    error: 'must be epoch milliseconds or an ISO 8601 date',
  }),
);

/** The `max` query parameter of every paged listing: a whole number from 1 to `RULES.listMaxMax`, as a string. */
export const PageSizeSchema = z.string({ error: 'must be a whole number' }).check(
  z.regex(/^\d{1,3}$/, { error: `must be a whole number from 1 to ${RULES.listMaxMax}` }),
  z.refine((v) => Number(v) >= 1 && Number(v) <= RULES.listMaxMax, {
    error: `must be a whole number from 1 to ${RULES.listMaxMax}`,
  }),
);

/**
 * List query parameters. Known filters are validated; any other parameter (such as an upstream paging cursor carried in a
 * `Link` URL) is kept as it is, so paging works against the real Webex whose cursor parameter is not public.
 */
export const ListQuerySchema = z
  .looseObject(
    {
      userId: z.optional(str()),
      personId: z.optional(str()),
      email: z.optional(str()),
      provisioningId: z.optional(str()),
      spEnterpriseId: z.optional(str()),
      status: z.optional(
        str().check(
          z.refine((v) => v.split(',').every((s) => (STATUSES as readonly string[]).includes(s)), {
            error: `must be a comma-separated list of ${STATUSES.join(', ')}`,
          }),
        ),
      ),
      lastStatusChange: z.optional(epochOrIso),
      after: z.optional(epochOrIso),
      selfActivated: z.optional(z.enum(['true', 'false'], { error: 'must be true or false' })),
      max: z.optional(PageSizeSchema),
    },
    { error: 'must be a set of query parameters' },
  )
  .register(z.globalRegistry, { id: 'ListQuery' });
export type ListQuery = z.infer<typeof ListQuerySchema>;

/** Parse the `lastStatusChange` / `after` filter value (epoch ms or ISO 8601) to epoch ms. */
export function parseEpochOrIso(value: string): number {
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Responses (strict: what this project emits)
// ---------------------------------------------------------------------------------------------------------------

export const BackgroundErrorSchema = z.strictObject({
  errorCode: z.number(),
  description: z.string(),
});
export type BackgroundError = z.infer<typeof BackgroundErrorSchema>;

export const SubscriberSchema = z
  .strictObject({
    id: z.string(),
    personId: z.optional(z.string()),
    userId: z.string(),
    spEnterpriseId: z.string(),
    firstName: z.optional(z.string()),
    lastName: z.optional(z.string()),
    email: z.optional(z.string()),
    primaryPhoneNumber: z.optional(z.string()),
    mobilePhoneNumber: z.optional(z.string()),
    extension: z.optional(z.string()),
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
  fieldName: z.optional(z.string()),
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

// ---------------------------------------------------------------------------------------------------------------
// Reading what Webex sends (lenient where Cisco's own examples are)
// ---------------------------------------------------------------------------------------------------------------

/** Cisco's examples show `selfActivated: "false"`: read the strings "true"/"false" as booleans. */
const lenientBoolean = z.union([
  z.boolean(),
  z.pipe(
    z.enum(['true', 'false']),
    z.transform((v: 'true' | 'false') => v === 'true'),
  ),
]);

const SubscriberFromWebexFields = z.object({
  id: z.string(),
  personId: z.optional(z.string()),
  userId: z.optional(z.string()),
  spEnterpriseId: z.optional(z.string()),
  firstName: z.optional(z.string()),
  lastName: z.optional(z.string()),
  email: z.optional(z.string()),
  primaryPhoneNumber: z.optional(z.string()),
  mobilePhoneNumber: z.optional(z.string()),
  extension: z.optional(z.string()),
  package: z.optional(PackageSchema),
  status: StatusSchema,
  errors: z.optional(z.array(z.object({ errorCode: z.number(), description: z.string() }))),
  created: z.optional(z.string()),
  lastStatusChange: z.optional(z.string()),
  provisioningId: z.optional(z.string()),
  selfActivated: z.optional(lenientBoolean),
});

export const SubscriberFromWebexSchema = z.pipe(
  SubscriberFromWebexFields,
  z.transform(
    (s: z.output<typeof SubscriberFromWebexFields>): Subscriber => ({
      ...s,
      userId: s.userId ?? '',
      spEnterpriseId: s.spEnterpriseId ?? '',
      package: s.package ?? 'standard',
      created: normalizeTimestamp(s.created),
      lastStatusChange: normalizeTimestamp(s.lastStatusChange ?? s.created),
      provisioningId: s.provisioningId ?? '',
      selfActivated: s.selfActivated ?? false,
      errors: s.errors?.map((e) => ({ errorCode: e.errorCode, description: e.description })),
    }),
  ),
);

export const SubscriberListFromWebexSchema = z.object({ items: z.array(SubscriberFromWebexSchema) });

const PrecheckInfoFromWebexSchema = z.object({ infoCode: z.number(), description: z.string() });
type PrecheckInfoFromWebex = z.output<typeof PrecheckInfoFromWebexSchema>;

export const PrecheckResponseFromWebexSchema = z.object({
  message: z.string(),
  info: z.pipe(
    z.optional(
      z.union([
        z.array(PrecheckInfoFromWebexSchema),
        z.pipe(
          PrecheckInfoFromWebexSchema,
          z.transform((i: PrecheckInfoFromWebex) => [i]),
        ),
      ]),
    ),
    z.transform((i: PrecheckInfoFromWebex[] | undefined) => i ?? []),
  ),
});

export const WebexErrorBodyFromWebexSchema = z.object({
  message: z.optional(z.string()),
  errors: z.optional(
    z.array(
      z.object({
        description: z.optional(z.string()),
        errorCode: z.optional(z.number()),
        fieldName: z.optional(z.string()),
      }),
    ),
  ),
  trackingId: z.optional(z.string()),
});

function normalizeTimestamp(value: string | undefined): string {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(ms) ? new Date(0).toISOString() : new Date(ms).toISOString();
}

/** Remove `undefined` members so a parsed object serialises exactly as the strict schema describes it. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
