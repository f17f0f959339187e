/**
 * The route table: one source of truth for API Gateway (CDK) and the local gateway (`npm start`).
 * Pure data: no CDK import, so the local runtime and the OpenAPI generator can read it too.
 * Each route's scope comes from `route-scopes.ts`, the part of the table the functions themselves read.
 */
import { RULES } from '../domain/contract/rules';
import { ROUTE_SCOPES, type ScopeName } from './route-scopes';

export { SCOPES, type ScopeName } from './route-scopes';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteDefinition {
  /** Stable id: the Lambda's logical name and the OpenAPI operationId. */
  operationId: string;
  method: HttpMethod;
  /** API Gateway path syntax, `{name}` for a path parameter. */
  path: string;
  /**
   * More paths (same method) the same function serves, each its own API Gateway route to that one function: the
   * console's deep links.
   */
  alsoServes?: readonly string[];
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  /** Scope the caller's token must hold; `null` for public routes (documentation). */
  scope: ScopeName | null;
  /** What kind of work the function does, for memory and timeout defaults. */
  role: 'api' | 'docs';
  summary: string;
  /** The route's body limit in bytes when not `RULES.maxRequestBodyBytes` (64 KiB); its handler enforces the same. */
  maxBodyBytes?: number;
}

export const ROUTES: readonly RouteDefinition[] = [
  {
    operationId: 'listSubscribers',
    method: 'GET',
    path: '/v1/broadworks/subscribers',
    entry: 'functions/api/list-subscribers.ts',
    scope: ROUTE_SCOPES.listSubscribers,
    role: 'api',
    summary: 'List BroadWorks Subscribers',
  },
  {
    operationId: 'provisionSubscriber',
    method: 'POST',
    path: '/v1/broadworks/subscribers',
    entry: 'functions/api/provision-subscriber.ts',
    scope: ROUTE_SCOPES.provisionSubscriber,
    role: 'api',
    summary: 'Provision a BroadWorks Subscriber',
  },
  {
    operationId: 'precheckSubscriber',
    method: 'POST',
    path: '/v1/broadworks/subscribers/validate',
    entry: 'functions/api/precheck-subscriber.ts',
    scope: ROUTE_SCOPES.precheckSubscriber,
    role: 'api',
    summary: 'Precheck a BroadWorks Subscriber Provisioning',
  },
  {
    operationId: 'getSubscriber',
    method: 'GET',
    path: '/v1/broadworks/subscribers/{subscriberId}',
    entry: 'functions/api/get-subscriber.ts',
    scope: ROUTE_SCOPES.getSubscriber,
    role: 'api',
    summary: 'Get a BroadWorks Subscriber',
  },
  {
    operationId: 'updateSubscriber',
    method: 'PUT',
    path: '/v1/broadworks/subscribers/{subscriberId}',
    entry: 'functions/api/update-subscriber.ts',
    scope: ROUTE_SCOPES.updateSubscriber,
    role: 'api',
    summary: 'Update a BroadWorks Subscriber',
  },
  {
    operationId: 'removeSubscriber',
    method: 'DELETE',
    path: '/v1/broadworks/subscribers/{subscriberId}',
    entry: 'functions/api/remove-subscriber.ts',
    scope: ROUTE_SCOPES.removeSubscriber,
    role: 'api',
    summary: 'Remove a BroadWorks Subscriber',
  },
  {
    operationId: 'resendConsent',
    method: 'POST',
    path: '/v1/subscribers/{subscriberId}/emails/consentMove',
    entry: 'functions/api/resend-consent.ts',
    scope: ROUTE_SCOPES.resendConsent,
    role: 'api',
    summary: 'Send Consent User Move Email to Pending Broadworks Subscribers',
  },
  {
    operationId: 'listSubscriberAudit',
    method: 'GET',
    path: '/v1/broadworks/subscribers/{subscriberId}/audit',
    entry: 'functions/api/list-subscriber-audit.ts',
    scope: ROUTE_SCOPES.listSubscriberAudit,
    role: 'api',
    summary: "Read a subscriber's audit trail, newest first (extension)",
  },
  {
    operationId: 'submitOrder',
    method: 'POST',
    path: '/v1/orders',
    entry: 'functions/api/submit-order.ts',
    scope: ROUTE_SCOPES.submitOrder,
    role: 'api',
    summary: 'Start the provisioning workflow for an order (extension)',
  },
  {
    operationId: 'getOrder',
    method: 'GET',
    path: '/v1/orders/{orderId}',
    entry: 'functions/api/get-order.ts',
    scope: ROUTE_SCOPES.getOrder,
    role: 'api',
    summary: 'Read an order: status, subscriber, failure cause and audit records (extension)',
  },
  {
    operationId: 'retryOrder',
    method: 'POST',
    path: '/v1/orders/{orderId}/retry',
    entry: 'functions/api/retry-order.ts',
    scope: ROUTE_SCOPES.retryOrder,
    role: 'api',
    summary: 'Run a failed order again: a new attempt of the same order (extension)',
  },
  {
    operationId: 'listOrders',
    method: 'GET',
    path: '/v1/orders',
    entry: 'functions/api/list-orders.ts',
    scope: ROUTE_SCOPES.listOrders,
    role: 'api',
    summary: 'List the orders of a day, newest first, by status and enterprise (extension)',
  },
  {
    operationId: 'getConsole',
    method: 'GET',
    path: '/console',
    alsoServes: ['/console/orders/{orderId}', '/console/subscribers/{subscriberId}', '/console/assets/{asset}'],
    entry: 'functions/api/console.ts',
    scope: ROUTE_SCOPES.getConsole,
    role: 'docs',
    summary: "The operator console: orders, an order's timeline, a subscriber (signs in with OIDC)",
  },
  {
    operationId: 'submitBatch',
    method: 'POST',
    path: '/v1/batches',
    entry: 'functions/api/submit-batch.ts',
    scope: ROUTE_SCOPES.submitBatch,
    role: 'api',
    summary: 'Submit a batch of up to 5,000 orders and start them at the batch start rate (extension)',
    maxBodyBytes: RULES.maxBatchBodyBytes,
  },
  {
    operationId: 'getBatch',
    method: 'GET',
    path: '/v1/batches/{batchId}',
    entry: 'functions/api/get-batch.ts',
    scope: ROUTE_SCOPES.getBatch,
    role: 'api',
    summary: 'Read a batch: status, counts and its failed orders, paged (extension)',
  },
  {
    operationId: 'getBatchReport',
    method: 'GET',
    path: '/v1/batches/{batchId}/report',
    entry: 'functions/api/get-batch-report.ts',
    scope: ROUTE_SCOPES.getBatchReport,
    role: 'api',
    summary: "A batch's report: CSV, one line per order with its outcome (extension)",
  },
  {
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/api/openapi-document.ts',
    scope: ROUTE_SCOPES.getOpenApiDocument,
    role: 'docs',
    summary: "This service's OpenAPI document",
  },
  {
    operationId: 'getApiDocs',
    method: 'GET',
    path: '/docs',
    entry: 'functions/api/api-docs.ts',
    scope: ROUTE_SCOPES.getApiDocs,
    role: 'docs',
    summary: 'A readable page of the OpenAPI document',
  },
];
