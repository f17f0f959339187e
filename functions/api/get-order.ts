/**
 * GET /v1/orders/{orderId} — an order (extension): its latest attempt's status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT,
 * ABORTED), the subscriber once provisioned, the failure cause, every attempt, and its audit records newest first.
 */
import { getOrderReader } from '../composition/orders';
import { getAuditStore } from '../composition/root';
import { getOrder } from '../domain/workflow/order-view';
import { createHttpHandler } from '../http/handler';
import { OrderPathSchema } from '../http/params';
import { json } from '../http/responses';

export const handler = createHttpHandler({
  operationId: 'getOrder',
  params: OrderPathSchema,
  handle: async ({ params }) => {
    const order = await getOrder({ executions: getOrderReader(), audit: getAuditStore() }, params.orderId);
    return json(200, order);
  },
});
