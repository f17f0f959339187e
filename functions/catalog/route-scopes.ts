/**
 * The scope each API operation requires: the one piece of the route table (`routes.ts`) a function needs at run time
 * (the API functions check the scope again, as defence in depth). Kept apart so the functions do not bundle the whole
 * table (paths, entries, summaries). `routes.ts` takes every route's scope from here (`test/functions/catalog/routes.test.ts` checks
 * that both list the same operations). Pure data.
 */

/** Scopes mirror Webex's own (`spark-admin:broadworks_subscribers_read` / `_write`). */
export const SCOPES = {
  read: 'spark-admin:broadworks_subscribers_read',
  write: 'spark-admin:broadworks_subscribers_write',
} as const;
export type ScopeName = keyof typeof SCOPES;

/** operationId → the scope its caller's token must hold; `null` for public routes (documentation). */
export const ROUTE_SCOPES = {
  listSubscribers: 'read',
  provisionSubscriber: 'write',
  precheckSubscriber: 'write',
  getSubscriber: 'read',
  updateSubscriber: 'write',
  removeSubscriber: 'write',
  resendConsent: 'write',
  listSubscriberAudit: 'read',
  submitOrder: 'write',
  getOrder: 'read',
  retryOrder: 'write',
  listOrders: 'read',
  submitBatch: 'write',
  getBatch: 'read',
  getBatchReport: 'read',
  getOpenApiDocument: null,
  getApiDocs: null,
  getConsole: null,
} as const satisfies Record<string, ScopeName | null>;
export type OperationId = keyof typeof ROUTE_SCOPES;

/** The scope of an operation; throws for an operationId the route table does not have. */
export function scopeOf(operationId: string): ScopeName | null {
  if (!Object.hasOwn(ROUTE_SCOPES, operationId)) {
    throw new Error(`No route with operationId ${operationId} in functions/catalog/routes.ts`);
  }
  return ROUTE_SCOPES[operationId as OperationId];
}
