/**
 * POST /v1/orders/{orderId}/retry — run a failed order again (extension): 202 with the order and its new attempt; 409
 * while it runs, once it succeeded, or for an invalid order; 404 for an unknown orderId.
 */
import { getOrderExecutions } from '../composition/orders';
import { getAuditStore, getClock } from '../composition/root';
import { retryOrder } from '../domain/workflow/orders';
import { createHttpHandler } from '../http/handler';
import { OrderPathSchema } from '../http/params';
import { json } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'retryOrder',
  params: OrderPathSchema,
  handle: async ({ params, call, logger }) => {
    const deps = { executions: getOrderExecutions(), audit: getAuditStore(), clock: getClock() };
    const order = await retryOrder(deps, params.orderId, { actor: call.actor, trackingId: call.trackingId });
    logger.info('order retried', { orderId: order.orderId, attempt: order.attempt });
    return json(202, order);
  },
});
