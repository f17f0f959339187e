/**
 * Reading what Webex sends: lenient exactly where Cisco's own examples are (`selfActivated: "false"`), and turned into
 * the strict shapes this service emits (`subscriber.ts`, `responses.ts`). Only the Webex client uses these.
 */
import { PackageSchema, StatusSchema } from './fields';
import { RULES } from './rules';
import type { Subscriber } from './subscriber';
import * as z from './zod';

const OptionalString = z.optional(z.string());
const OptionalNumber = z.optional(z.number());

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
  personId: OptionalString,
  userId: OptionalString,
  spEnterpriseId: OptionalString,
  firstName: OptionalString,
  lastName: OptionalString,
  email: OptionalString,
  primaryPhoneNumber: OptionalString,
  mobilePhoneNumber: OptionalString,
  extension: OptionalString,
  package: z.optional(PackageSchema),
  status: StatusSchema,
  errors: z.optional(z.array(z.object({ errorCode: z.number(), description: z.string() }))),
  created: OptionalString,
  lastStatusChange: OptionalString,
  provisioningId: OptionalString,
  selfActivated: z.optional(lenientBoolean),
});

export const SubscriberFromWebexSchema = z.pipe(
  SubscriberFromWebexFields,
  z.transform(
    (s: z.output<typeof SubscriberFromWebexFields>): Subscriber => ({
      ...s,
      userId: s.userId ?? '',
      // Reserved by Webex and fixed to "en" in every response, whatever Webex sends [DOC].
      language: RULES.fixedLanguage,
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
  message: OptionalString,
  errors: z.optional(
    z.array(
      z.object({
        description: OptionalString,
        errorCode: OptionalNumber,
        fieldName: OptionalString,
      }),
    ),
  ),
  trackingId: OptionalString,
});

function normalizeTimestamp(value: string | undefined): string {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(ms) ? new Date(0).toISOString() : new Date(ms).toISOString();
}
