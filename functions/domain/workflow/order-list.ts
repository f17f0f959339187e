/**
 * Listing orders (GET /v1/orders): the orders started on one UTC day, newest first, each summed up from its audit
 * trail — never from Step Functions, so a page costs DynamoDB queries only. An order starts with its `validateOrder`
 * record (the byDay index finds those); its status is its latest attempt's: `SUCCEEDED` or `FAILED` once that
 * attempt's `finish` record exists, else `RUNNING`. Filters: status, enterprise (the order's `spEnterpriseId`, kept in clear on `validateOrder`).
 */
import { PageSizeSchema, StatusSchema, TimestampSchema } from '../contract/fields';
import { RULES } from '../contract/rules';
import * as z from '../contract/zod';
import type { AuditDayIndex, AuditRecord, AuditStore } from '../ports/audit';
import type { Clock } from '../ports/clock';

export const ORDER_LIST_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED'] as const;
export type OrderListStatus = (typeof ORDER_LIST_STATUSES)[number];

export const ORDERS_DEFAULT_MAX = 50;
/** Orders looked at per request at most when filters skip most of them (the cursor continues after them). */
export const ORDERS_MAX_SCANNED = 500;
/** The order's records read to sum it up (newest first); an order has about ten, a long wait a few more. */
const ORDER_RECORDS_READ = 100;
const START_STEP = 'validateOrder';
const RETRY_STEP = 'retry';
const FINISH_STEP = 'finish';

export const OrderListQuerySchema = z
  .looseObject(
    {
      status: z.optional(
        z.string({ error: 'must be a string' }).check(
          z.regex(/^(RUNNING|SUCCEEDED|FAILED)(,(RUNNING|SUCCEEDED|FAILED))*$/, {
            error: 'must be RUNNING, SUCCEEDED or FAILED, or several of them separated by commas',
          }),
        ),
      ),
      day: z.optional(
        z.string({ error: 'must be a string' }).check(
          z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a UTC day as yyyy-mm-dd' }),
          z.refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && isCalendarDay(day), {
            error: 'must be a UTC day as yyyy-mm-dd',
          }),
        ),
      ),
      spEnterpriseId: z.optional(
        z
          .string({ error: 'must be a string' })
          .check(
            z.minLength(1, { error: 'must not be empty' }),
            z.maxLength(RULES.maxStringLength, { error: 'is too long' }),
          ),
      ),
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
  .register(z.globalRegistry, { id: 'OrderListQuery' });
export type OrderListQuery = z.infer<typeof OrderListQuerySchema>;

export const OrderSummarySchema = z
  .strictObject({
    orderId: z.string(),
    status: z.enum(ORDER_LIST_STATUSES),
    startedAt: TimestampSchema,
    updatedAt: TimestampSchema,
    lastStep: z.optional(z.string()),
    /** The latest attempt (1 for the first execution, 2 and on after retries). */
    attempt: z.optional(z.number().check(z.int())),
    spEnterpriseId: z.optional(z.string()),
    subscriberId: z.optional(z.string()),
    subscriberStatus: z.optional(StatusSchema),
    failure: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'OrderSummary' });
export type OrderSummary = z.infer<typeof OrderSummarySchema>;

export const OrderListResponseSchema = z
  .strictObject({ day: z.string(), items: z.array(OrderSummarySchema) })
  .register(z.globalRegistry, { id: 'OrderListResponse' });

export interface OrderListPage {
  day: string;
  items: OrderSummary[];
  cursor?: string | undefined;
}

function isCalendarDay(day: string): boolean {
  return new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;
}

/**
 * An order summed up from its records (newest first) and its start record. Its status is its latest attempt's: the
 * records from the newest start or retry request on (a retry that has not ended is RUNNING).
 */
export function summarizeOrder(start: AuditRecord, newestFirst: readonly AuditRecord[]): OrderSummary {
  const records = newestFirst.length > 0 ? newestFirst : [start];
  const boundary = records.findIndex((r) => r.step === START_STEP || r.step === RETRY_STEP);
  const latestAttempt = boundary === -1 ? records : records.slice(0, boundary + 1);
  const finish = latestAttempt.find((r) => r.step === FINISH_STEP);
  const newest = records[0] as AuditRecord;
  const withSubscriber = records.find((r) => r.subscriberId !== undefined);
  const withStatus = records.find((r) => r.status !== undefined);
  const enterprise = start.changes?.find((c) => c.field === 'spEnterpriseId')?.value;
  const status: OrderListStatus =
    finish === undefined ? 'RUNNING' : finish.outcome.result === 'success' ? 'SUCCEEDED' : 'FAILED';
  const summary: OrderSummary = {
    orderId: start.orderId as string,
    status,
    startedAt: start.at,
    updatedAt: newest.at,
  };
  const lastStep = records.find((r) => r.step !== undefined)?.step;
  if (lastStep !== undefined) summary.lastStep = lastStep;
  const attempt = Math.max(1, ...records.map((r) => r.attempt ?? 1));
  if (attempt > 1) summary.attempt = attempt;
  if (enterprise !== undefined) summary.spEnterpriseId = enterprise;
  if (withSubscriber?.subscriberId !== undefined) summary.subscriberId = withSubscriber.subscriberId;
  if (withStatus?.status !== undefined) summary.subscriberStatus = withStatus.status.to;
  if (status === 'FAILED' && finish?.detail !== undefined) summary.failure = finish.detail;
  return summary;
}

/** The orders of a day, newest first, filtered; `cursor` continues after the last order looked at. */
export async function listOrders(
  deps: { audit: AuditStore & AuditDayIndex; clock: Clock },
  query: OrderListQuery,
): Promise<OrderListPage> {
  const day = query.day ?? new Date(deps.clock.now()).toISOString().slice(0, 10);
  const max = query.max === undefined ? ORDERS_DEFAULT_MAX : Number(query.max);
  const statuses = query.status === undefined ? undefined : new Set(query.status.split(','));
  const items: OrderSummary[] = [];
  let cursor = query.cursor;
  let scanned = 0;
  do {
    const wanted = Math.min(max - items.length, ORDERS_MAX_SCANNED - scanned);
    const starts = await deps.audit.listStepByDay(day, START_STEP, { max: wanted, cursor });
    cursor = starts.cursor;
    scanned += starts.items.length;
    // An order is listed on the day of its first attempt: a retry's start record does not list it again.
    const withOrder = starts.items.filter((start) => start.orderId !== undefined && start.attempt === undefined);
    const summaries = await Promise.all(
      withOrder.map(async (start) => {
        const page = await deps.audit.listByOrder(start.orderId as string, { max: ORDER_RECORDS_READ });
        return summarizeOrder(start, page.items);
      }),
    );
    for (const summary of summaries) {
      if (statuses !== undefined && !statuses.has(summary.status)) continue;
      if (query.spEnterpriseId !== undefined && summary.spEnterpriseId !== query.spEnterpriseId) continue;
      items.push(summary);
    }
  } while (cursor !== undefined && items.length < max && scanned < ORDERS_MAX_SCANNED);
  return { day, items, cursor };
}
