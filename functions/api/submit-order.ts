/**
 * POST /v1/orders — start the provisioning workflow for an order (extension). 202 with the order for the one call that
 * submitted it first (decided by a conditional append to the audit trail, even under concurrency); the same order again
 * answers the existing one with 200 (never a second run); the same orderId with different content is a 409.
 */
import { getOrderExecutions } from '../composition/orders';
import { getAuditStore, getClock, getDigester } from '../composition/root';
import { OrderSchema } from '../domain/contract/order';
import { submitOrder } from '../domain/workflow/orders';
import { createHttpHandler } from '../http/handler';
import { json } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'submitOrder',
  body: OrderSchema,
  handle: async ({ body, call, logger }) => {
    const deps = {
      executions: getOrderExecutions(),
      audit: getAuditStore(),
      digester: await getDigester(),
      clock: getClock(),
    };
    const result = await submitOrder(deps, body, { actor: call.actor, trackingId: call.trackingId });
    logger.info(result.started ? 'order started' : 'order exists already', { orderId: result.order.orderId });
    return json(result.started ? 202 : 200, result.order);
  },
});
