/**
 * POST /v1/orders — start the provisioning workflow for an order (extension). 202 with the order when this call
 * started it; the same order again answers the existing one with 200 (never a second run); the same orderId with
 * different content is a 409.
 */
import { getOrderExecutions } from '../adapters/sfn/order-composition';
import { OrderSchema } from '../domain/contract/order';
import { submitOrder } from '../domain/workflow/orders';
import { createHttpHandler } from '../http/handler';
import { json } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'submitOrder',
  body: OrderSchema,
  handle: async ({ body, logger }) => {
    const result = await submitOrder({ executions: getOrderExecutions() }, body);
    logger.info(result.started ? 'order started' : 'order exists already', { orderId: result.order.orderId });
    return json(result.started ? 202 : 200, result.order);
  },
});
