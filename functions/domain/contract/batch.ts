/**
 * A batch of orders (POST /v1/batches, our extension): a batchId, up to `RULES.maxBatchOrders` orders, and options every
 * order gets unless it has its own. Each order is validated with the order's own schemas (`order.ts`), so a bad item is
 * named by its place in the batch (`orders[3].subscriber.userId`).
 */
import { OrderOptionsSchema, OrderSubscriberSchema } from './order';
import { RULES } from './rules';
import * as z from './zod';

export const BatchIdSchema = z
  .string({ error: 'must be a string' })
  .check(z.regex(RULES.batchIdPattern, { error: 'must be 1 to 64 letters, digits, - or _' }));

export const BatchOrderSchema = z
  .object(
    {
      /** Default `<batchId>-<n>`, n counting from 1 in the batch's order. */
      orderId: z.optional(
        z
          .string({ error: 'must be a string' })
          .check(z.regex(RULES.orderIdPattern, { error: 'must be 1 to 80 letters, digits, - or _' })),
      ),
      subscriber: OrderSubscriberSchema,
      options: z.optional(OrderOptionsSchema),
    },
    { error: 'must be a JSON object' },
  )
  .register(z.globalRegistry, { id: 'BatchOrder' });
export type BatchOrder = z.infer<typeof BatchOrderSchema>;

export const BatchRequestSchema = z
  .object(
    {
      batchId: BatchIdSchema,
      orders: z
        .array(BatchOrderSchema, { error: 'must be an array of orders' })
        .check(
          z.minLength(1, { error: 'must hold at least one order' }),
          z.maxLength(RULES.maxBatchOrders, { error: `must hold at most ${RULES.maxBatchOrders} orders` }),
        ),
      /** Options of every order that has none of its own. */
      options: z.optional(OrderOptionsSchema),
    },
    { error: 'must be a JSON object' },
  )
  .register(z.globalRegistry, { id: 'BatchRequest' });
export type BatchRequest = z.infer<typeof BatchRequestSchema>;

/** The default orderId of the batch's n-th order (n from 1). */
export function defaultOrderId(batchId: string, n: number): string {
  return `${batchId}-${n}`;
}

/** GET /v1/batches/{batchId}: a page of failures. */
export const BatchQuerySchema = z.object({
  max: z.optional(
    z.string({ error: 'must be a whole number' }).check(
      z.refine((v) => /^\d{1,4}$/.test(v) && Number(v) >= 1 && Number(v) <= RULES.batchFailuresMaxMax, {
        error: `must be a whole number from 1 to ${RULES.batchFailuresMaxMax}`,
      }),
    ),
  ),
  cursor: z.optional(
    z
      .string({ error: 'must be a string' })
      .check(z.regex(/^\d{1,9}$/, { error: 'must be the cursor of a Link header' })),
  ),
});
export type BatchQuery = z.infer<typeof BatchQuerySchema>;

export const BatchPathSchema = z.object({ batchId: BatchIdSchema });
