/**
 * A subscriber's audit trail, newest first, one page at a time (our extension of the contract). It reads only the audit
 * trail, never Webex: the trail of a removed subscriber stays readable, and an unknown id simply has no records.
 */
import { PageSizeSchema, StatusSchema, TimestampSchema } from '../contract/fields';
import { RULES } from '../contract/rules';
import * as z from '../contract/zod';
import { AUDIT_ACTIONS, type AuditPage, type AuditStore } from '../ports/audit';

export const AUDIT_DEFAULT_MAX = RULES.listDefaultMax;

export const AuditListQuerySchema = z
  .looseObject(
    {
      max: z.optional(PageSizeSchema),
      cursor: z.optional(
        z
          .string({ error: 'must be a string' })
          .check(
            z.minLength(1, { error: 'must not be empty' }),
            z.maxLength(1024, { error: 'is not a valid paging cursor' }),
          ),
      ),
    },
    { error: 'must be a set of query parameters' },
  )
  .register(z.globalRegistry, { id: 'AuditListQuery' });
export type AuditListQuery = z.infer<typeof AuditListQuerySchema>;

export const AuditChangeSchema = z
  .strictObject({
    field: z.string(),
    value: z.optional(z.string()),
    digest: z.optional(z.string().check(z.regex(/^hmac-sha256:[0-9a-f]{16}$/))),
    removed: z.optional(z.boolean()),
  })
  .register(z.globalRegistry, { id: 'AuditChange' });

export const AuditRecordSchema = z
  .strictObject({
    id: z.string(),
    at: TimestampSchema,
    actor: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    subscriberId: z.optional(z.string()),
    orderId: z.optional(z.string()),
    attempt: z.optional(z.number().check(z.int())),
    changes: z.optional(z.array(AuditChangeSchema)),
    outcome: z.strictObject({
      result: z.enum(['success', 'failure']),
      statusCode: z.optional(z.number().check(z.int())),
      errorCodes: z.optional(z.array(z.number())),
    }),
    status: z.optional(z.strictObject({ from: z.optional(StatusSchema), to: StatusSchema })),
    step: z.optional(z.string()),
    trackingId: z.optional(z.string()),
    webexTrackingId: z.optional(z.string()),
    detail: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'AuditRecord' });

export const AuditListResponseSchema = z
  .strictObject({ items: z.array(AuditRecordSchema) })
  .register(z.globalRegistry, { id: 'AuditListResponse' });
export type AuditListResponse = z.infer<typeof AuditListResponseSchema>;

export function listSubscriberAudit(
  deps: { audit: AuditStore },
  subscriberId: string,
  query: AuditListQuery,
): Promise<AuditPage> {
  const max = query.max === undefined ? AUDIT_DEFAULT_MAX : Number(query.max);
  return deps.audit.listBySubscriber(subscriberId, { max, cursor: query.cursor });
}
