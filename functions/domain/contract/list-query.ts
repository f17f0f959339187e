/**
 * The query of List (GET /broadworks/subscribers).
 */
import { PageSizeSchema, STATUSES, TextSchema } from './fields';
import * as z from './zod';

const epochOrIso = TextSchema.check(
  z.refine((v) => /^\d{1,15}$/.test(v) || (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v))), {
    error: 'must be epoch milliseconds or an ISO 8601 date',
  }),
);
const OptionalText = z.optional(TextSchema);
const OptionalEpochOrIso = z.optional(epochOrIso);

/**
 * List query parameters. Known filters are validated; any other parameter (such as an upstream paging cursor carried in a
 * `Link` URL) is kept as it is, so paging works against the real Webex whose cursor parameter is not public.
 */
export const ListQuerySchema = z
  .looseObject(
    {
      userId: OptionalText,
      personId: OptionalText,
      email: OptionalText,
      provisioningId: OptionalText,
      spEnterpriseId: OptionalText,
      status: z.optional(
        TextSchema.check(
          z.refine((v) => v.split(',').every((s) => (STATUSES as readonly string[]).includes(s)), {
            error: `must be a comma-separated list of ${STATUSES.join(', ')}`,
          }),
        ),
      ),
      lastStatusChange: OptionalEpochOrIso,
      after: OptionalEpochOrIso,
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
