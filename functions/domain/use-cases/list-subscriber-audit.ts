/**
 * A subscriber's audit trail, newest first, one page at a time (our extension of the contract). It reads only the audit
 * trail, never Webex: the trail of a removed subscriber stays readable, and an unknown id simply has no records.
 */
import * as z from 'zod';
import { RULES } from '../contract/rules';
import { PageSizeSchema, StatusSchema, TimestampSchema } from '../contract/schemas';
import { AUDIT_ACTIONS, type AuditPage, type AuditStore } from '../ports/audit';

export const AUDIT_DEFAULT_MAX = RULES.listDefaultMax;

export const AuditListQuerySchema = z
  .looseObject(
    {
      max: PageSizeSchema.optional(),
      cursor: z
        .string({ error: 'must be a string' })
        .min(1, { error: 'must not be empty' })
        .max(1024, { error: 'is not a valid paging cursor' })
        .optional(),
    },
    { error: 'must be a set of query parameters' },
  )
  .meta({ id: 'AuditListQuery' });
export type AuditListQuery = z.infer<typeof AuditListQuerySchema>;

export const AuditChangeSchema = z
  .strictObject({
    field: z.string(),
    value: z.string().optional(),
    digest: z
      .string()
      .regex(/^hmac-sha256:[0-9a-f]{16}$/)
      .optional(),
    removed: z.boolean().optional(),
  })
  .meta({ id: 'AuditChange' });

export const AuditRecordSchema = z
  .strictObject({
    id: z.string(),
    at: TimestampSchema,
    actor: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    subscriberId: z.string().optional(),
    orderId: z.string().optional(),
    changes: z.array(AuditChangeSchema).optional(),
    outcome: z.strictObject({
      result: z.enum(['success', 'failure']),
      statusCode: z.number().int().optional(),
      errorCodes: z.array(z.number()).optional(),
    }),
    status: z.strictObject({ from: StatusSchema.optional(), to: StatusSchema }).optional(),
    step: z.string().optional(),
    trackingId: z.string().optional(),
    webexTrackingId: z.string().optional(),
    detail: z.string().optional(),
  })
  .meta({ id: 'AuditRecord' });

export const AuditListResponseSchema = z
  .strictObject({ items: z.array(AuditRecordSchema) })
  .meta({ id: 'AuditListResponse' });
export type AuditListResponse = z.infer<typeof AuditListResponseSchema>;

export function listSubscriberAudit(
  deps: { audit: AuditStore },
  subscriberId: string,
  query: AuditListQuery,
): Promise<AuditPage> {
  const max = query.max === undefined ? AUDIT_DEFAULT_MAX : Number(query.max);
  return deps.audit.listBySubscriber(subscriberId, { max, cursor: query.cursor });
}
