/**
 * What the document says of each operation beyond the route table: its tags, description, query and body schemas,
 * success answers, and which errors it can give (Webex behind it, a conflict).
 */
import { BatchQuerySchema, BatchRequestSchema } from '../domain/contract/batch';
import { ListQuerySchema } from '../domain/contract/list-query';
import { OrderSchema } from '../domain/contract/order';
import { PrecheckRequestSchema } from '../domain/contract/precheck-request';
import { ProvisionRequestSchema } from '../domain/contract/provision-request';
import { RULES } from '../domain/contract/rules';
import { UpdateRequestSchema } from '../domain/contract/update-request';
import type * as z from '../domain/contract/zod';
import { AuditListQuerySchema } from '../domain/use-cases/list-subscriber-audit';
import { OrderListQuerySchema } from '../domain/workflow/order-list';
import type { QueryParameterDocs } from './field-docs';
import { type JsonObject, ref } from './schemas';

export const LINK_HEADER = {
  description: 'RFC 5988 link to the next page (`<url>; rel="next"`); absent on the last page.',
  schema: { type: 'string' },
};

export interface OperationShape {
  tags: string[];
  description?: string;
  query?: z.ZodMiniObject;
  /** Descriptions of this operation's query parameters where they differ from the subscriber list's. */
  queryDocs?: QueryParameterDocs;
  body?: z.core.$ZodType;
  success: { status: number; description: string; schema?: JsonObject; contentType?: string; headers?: JsonObject };
  extraSuccess?: { status: number; description: string; schema?: JsonObject };
  upstream: boolean;
  conflict?: boolean;
}

const ORDER_VIEW_SCHEMA: JsonObject = {
  type: 'object',
  description:
    "An order as its latest attempt shows it: the workflow's status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, " +
    'ABORTED), the subscriber once known, the failure cause, every attempt (the first and each retry), and its audit ' +
    'records newest first.',
  properties: {
    orderId: { type: 'string' },
    status: { type: 'string' },
    attempt: { type: 'integer', description: 'The attempt shown: 1 for the first execution, 2 and on for retries.' },
    attempts: {
      type: 'array',
      description: 'Every attempt, oldest first.',
      items: {
        type: 'object',
        properties: {
          attempt: { type: 'integer' },
          status: { type: 'string' },
          executionArn: { type: 'string' },
          startDate: { type: 'string', format: 'date-time' },
          stopDate: { type: 'string', format: 'date-time' },
          failure: { type: 'object', properties: { error: { type: 'string' }, cause: {} } },
        },
        required: ['attempt', 'status', 'executionArn', 'startDate'],
      },
    },
  },
  required: ['orderId', 'status'],
  additionalProperties: true,
};

const BATCH_VIEW_SCHEMA: JsonObject = {
  type: 'object',
  description:
    'A batch: RUNNING while an order runs, then SUCCEEDED (every order succeeded) or COMPLETED_WITH_FAILURES; its ' +
    "counts, and a page of its failed orders in the batch's order (the next page in the Link header).",
  properties: {
    batchId: { type: 'string' },
    status: { type: 'string', enum: ['RUNNING', 'SUCCEEDED', 'COMPLETED_WITH_FAILURES'] },
    counts: {
      type: 'object',
      properties: {
        total: { type: 'integer' },
        succeeded: { type: 'integer' },
        failed: { type: 'integer' },
        running: { type: 'integer' },
      },
      required: ['total', 'succeeded', 'failed', 'running'],
    },
    failures: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          orderId: { type: 'string' },
          error: { type: 'string', description: 'PrecheckFailed, ProvisioningFailed, … or OrderConflict' },
          cause: { description: "The workflow's cause: {error, orderId, subscriberId?, lastStatus?, errors?}" },
        },
        required: ['orderId', 'error', 'cause'],
      },
    },
  },
  required: ['batchId', 'status', 'counts', 'failures'],
};

export const SHAPES: Record<string, OperationShape> = {
  listSubscribers: {
    tags: ['BroadWorks Subscribers'],
    description:
      'The subscribers, oldest first, filtered by the query parameters (all optional, combined with AND). A page ' +
      'holds at most `max` items; the `Link` header (`rel="next"`) leads to the next page and is absent on the last.',
    query: ListQuerySchema,
    success: { status: 200, description: 'OK', schema: ref('SubscriberListResponse'), headers: { Link: LINK_HEADER } },
    upstream: true,
  },
  provisionSubscriber: {
    tags: ['BroadWorks Subscribers'],
    description:
      'Answers 200 (not 201) with the subscriber in `provisioning`; provisioning continues in the background.',
    body: ProvisionRequestSchema,
    success: { status: 200, description: 'OK', schema: ref('Subscriber') },
    upstream: true,
    conflict: true,
  },
  precheckSubscriber: {
    tags: ['BroadWorks Subscribers'],
    description:
      'Checks whether a subscriber could be provisioned, without provisioning it: with only `email`, or with the whole ' +
      'Provision body (and `customerInfo`), each field checked as Provision checks it.',
    body: PrecheckRequestSchema,
    success: { status: 200, description: 'OK', schema: ref('SubscriberProvisioningPrecheckResponse') },
    upstream: true,
    conflict: true,
  },
  getSubscriber: {
    tags: ['BroadWorks Subscribers'],
    description: 'The subscriber as Webex knows it now; poll it to follow a provisioning or an update.',
    success: { status: 200, description: 'OK', schema: ref('Subscriber') },
    upstream: true,
  },
  updateSubscriber: {
    tags: ['BroadWorks Subscribers'],
    description: 'Answers 200 with `updating` and the OLD values; the new ones show once the status is `provisioned`.',
    body: UpdateRequestSchema,
    success: { status: 200, description: 'OK', schema: ref('Subscriber') },
    upstream: true,
    conflict: true,
  },
  removeSubscriber: {
    tags: ['BroadWorks Subscribers'],
    description: 'Removes the subscriber from Webex: 204, after which Get answers 404.',
    success: { status: 204, description: 'No Content' },
    upstream: true,
    conflict: true,
  },
  resendConsent: {
    tags: ['BroadWorks Subscribers'],
    description: 'Only for a subscriber in `pending_user_migration`, else 409.',
    success: { status: 204, description: 'No Content' },
    upstream: true,
    conflict: true,
  },
  listSubscriberAudit: {
    tags: ['Audit (extension)'],
    description:
      'Every change made through this service, newest first. Personal values appear only as keyed digests ' +
      '(`hmac-sha256:` + 16 hex). Page with `max` and the `cursor` of the `Link` header.',
    query: AuditListQuerySchema,
    success: { status: 200, description: 'OK', schema: ref('AuditListResponse'), headers: { Link: LINK_HEADER } },
    upstream: false,
  },
  submitOrder: {
    tags: ['Orders (extension)'],
    description:
      'Starts the provisioning workflow (precheck, provision, follow to a final status). The orderId is the execution ' +
      'name: submitting the same order again answers the existing order with 200 instead of starting a second one.',
    body: OrderSchema,
    success: { status: 202, description: 'Accepted: the workflow started.', schema: ORDER_VIEW_SCHEMA },
    extraSuccess: { status: 200, description: 'The order already exists.', schema: ORDER_VIEW_SCHEMA },
    upstream: false,
    conflict: true,
  },
  getOrder: {
    tags: ['Orders (extension)'],
    description: 'The order: its workflow status, the subscriber once known, the failure cause, and its audit records.',
    success: { status: 200, description: 'OK', schema: ORDER_VIEW_SCHEMA },
    upstream: false,
  },
  retryOrder: {
    tags: ['Orders (extension)'],
    description:
      'Runs a failed order again (its latest attempt FAILED, TIMED_OUT or ABORTED) as a new attempt of the same order, ' +
      'with the order as first submitted; it adopts the subscriber an earlier attempt created, never a second one. ' +
      '409 while an attempt runs, once the order succeeded, for an order that was invalid (submit a corrected one under ' +
      `a new orderId) and after ${RULES.maxOrderAttempts} attempts; 404 for an unknown orderId. No request body.`,
    success: { status: 202, description: 'Accepted: the new attempt started.', schema: ORDER_VIEW_SCHEMA },
    upstream: false,
    conflict: true,
  },
  listOrders: {
    tags: ['Orders (extension)'],
    description:
      'The orders started on one UTC day (`day`, default today), newest first, from the audit trail: RUNNING until ' +
      'the order ends, then SUCCEEDED or FAILED with the failure. Filter by `status` (comma-separated) and ' +
      '`spEnterpriseId`; page with `max` and the `cursor` of the `Link` header.',
    query: OrderListQuerySchema,
    queryDocs: {
      status: {
        description: 'Only orders in one of these statuses: RUNNING, SUCCEEDED, FAILED, comma-separated.',
        example: 'FAILED',
      },
      day: { description: 'The UTC day the orders started, as yyyy-mm-dd; default today.', example: '2026-12-04' },
      spEnterpriseId: { description: "Only orders for this service provider's enterprise.", example: 'SP1+acme' },
    },
    success: { status: 200, description: 'OK', schema: ref('OrderListResponse'), headers: { Link: LINK_HEADER } },
    upstream: false,
  },
  submitBatch: {
    tags: ['Batches (extension)'],
    description:
      `Up to ${RULES.maxBatchOrders} orders in one request body of at most ${RULES.maxBatchBodyBytes} bytes (4 MiB). ` +
      "An order without orderId gets `<batchId>-<n>` (n from 1); one without options gets the batch's. The orders " +
      'are started on the provisioning workflow at the batch start rate, each at most once (execution name = ' +
      'orderId). The same batch again answers 200 and starts nothing; another batch under the same batchId is a ' +
      '409. A bad item is a 400 naming it (`orders[3].subscriber.userId`).',
    body: BatchRequestSchema,
    success: {
      status: 202,
      description: 'Accepted: the batch is stored and its execution started.',
      schema: BATCH_VIEW_SCHEMA,
    },
    extraSuccess: {
      status: 200,
      description: 'The batch exists already (nothing started again).',
      schema: BATCH_VIEW_SCHEMA,
    },
    upstream: false,
    conflict: true,
  },
  getBatch: {
    tags: ['Batches (extension)'],
    description: 'Failures are paged: `max` (1–1000, default 100), then the `cursor` of the `Link` header.',
    query: BatchQuerySchema,
    success: { status: 200, description: 'OK', schema: BATCH_VIEW_SCHEMA, headers: { Link: LINK_HEADER } },
    upstream: false,
  },
  getBatchReport: {
    tags: ['Batches (extension)'],
    description:
      "CSV (RFC 4180): `index,orderId,outcome,error,subscriberId,cause`, one line per order in the batch's order; " +
      'outcome is SUCCEEDED, FAILED, TIMED_OUT, ABORTED, or RUNNING until the order ends.',
    success: { status: 200, description: 'The report.', contentType: 'text/csv' },
    upstream: false,
  },
  getOpenApiDocument: {
    tags: ['Documentation'],
    description: 'This OpenAPI 3.0 document, generated from the contract schemas and the route table.',
    success: { status: 200, description: 'This document.', schema: { type: 'object' } },
    upstream: false,
  },
  getConsole: {
    tags: ['Operator console'],
    description:
      'The operator console (HTML; also at /console/orders/{orderId} and /console/subscribers/{subscriberId}). It ' +
      'signs the operator in at the JWT issuer (authorization code + PKCE) and calls this API with that token.',
    success: { status: 200, description: 'The console page.', contentType: 'text/html' },
    upstream: false,
  },
  getApiDocs: {
    tags: ['Documentation'],
    description: 'This document as a readable HTML page.',
    success: { status: 200, description: 'A readable HTML page of this document.', contentType: 'text/html' },
    upstream: false,
  },
};
