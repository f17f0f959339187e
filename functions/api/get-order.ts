/**
 * GET /v1/orders/{orderId} — an order (extension): its status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED), the
 * subscriber once provisioned, the failure cause, and its audit records newest first.
 */
import { getOrderReader } from '../adapters/sfn/order-composition';
import { getAuditStore } from '../composition';
import { RULES } from '../domain/contract/rules';
import * as z from '../domain/contract/zod';
import { getOrder } from '../domain/workflow/order-view';
import { createHttpHandler } from '../http/handler';
import { json } from '../http/responses';

const OrderPathSchema = z.object({
  orderId: z
    .string({ error: 'must be a string' })
    .check(z.regex(RULES.orderIdPattern, { error: 'must be 1 to 80 letters, digits, - or _' })),
});

export const handler = createHttpHandler({
  operationId: 'getOrder',
  params: OrderPathSchema,
  handle: async ({ params }) => {
    const order = await getOrder({ executions: getOrderReader(), audit: getAuditStore() }, params.orderId);
    return json(200, order);
  },
});
