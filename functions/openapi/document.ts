/**
 * This service's OpenAPI 3.0 document, generated — never written by hand — from the two sources of truth:
 * the contract's Zod schemas (`z.toJSONSchema(…, { target: 'openapi-3.0' })`, one component per schema id) and the
 * route table (`functions/catalog/routes.ts`: paths, methods, operationIds, scopes). Our extensions (audit, orders) are described
 * the same way.
 */
import { ROUTES, type RouteDefinition, SCOPES } from '../catalog/routes';
import { BatchOrderSchema, BatchQuerySchema, BatchRequestSchema } from '../domain/contract/batch';
import { PACKAGES, STATUSES, SubscriberIdSchema } from '../domain/contract/fields';
import { ListQuerySchema } from '../domain/contract/list-query';
import { ORDER_ID_PATTERN, OrderOptionsSchema, OrderSchema, OrderSubscriberSchema } from '../domain/contract/order';
import { PrecheckRequestSchema } from '../domain/contract/precheck-request';
import { ProvisionRequestSchema } from '../domain/contract/provision-request';
import {
  PrecheckResponseSchema,
  SubscriberListResponseSchema,
  WebexErrorBodySchema,
} from '../domain/contract/responses';
import { ERROR_CODES, RULES } from '../domain/contract/rules';
import { SubscriberSchema } from '../domain/contract/subscriber';
import { UpdateRequestSchema } from '../domain/contract/update-request';
import * as z from '../domain/contract/zod';
import {
  AuditChangeSchema,
  AuditListQuerySchema,
  AuditListResponseSchema,
  AuditRecordSchema,
} from '../domain/use-cases/list-subscriber-audit';
import { OrderListQuerySchema, OrderListResponseSchema, OrderSummarySchema } from '../domain/workflow/order-list';

export type JsonObject = Record<string, unknown>;

export interface OpenApiOptions {
  /** Server URL shown in the document (default `/`: the host that served it). */
  serverUrl?: string;
  /** The JWT issuer API Gateway trusts (OIDC discovery lives below it). */
  jwtIssuer?: string;
  version?: string;
}

/**
 * Published schemas. Every schema with an id that another one nests must be listed too (it becomes its own component
 * and is referenced); `buildOpenApiDocument` fails loudly if one is missing.
 */
const REQUEST_SCHEMAS: readonly z.core.$ZodType[] = [
  ProvisionRequestSchema,
  UpdateRequestSchema,
  PrecheckRequestSchema,
  OrderSchema,
  OrderSubscriberSchema,
  OrderOptionsSchema,
  BatchRequestSchema,
  BatchOrderSchema,
];
const RESPONSE_SCHEMAS: readonly z.core.$ZodType[] = [
  SubscriberSchema,
  SubscriberListResponseSchema,
  PrecheckResponseSchema,
  WebexErrorBodySchema,
  AuditRecordSchema,
  AuditChangeSchema,
  AuditListResponseSchema,
  OrderSummarySchema,
  OrderListResponseSchema,
];

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

function schemaId(schema: z.core.$ZodType): string {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id)
    throw new Error('every schema published in the OpenAPI document needs an id: .register(z.globalRegistry, { id })');
  return id;
}

/** Components for `schemas`, nested schemas with an id included as their own components. */
function components(schemas: readonly z.core.$ZodType[], io: 'input' | 'output'): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  const seen = new Set<z.core.$ZodType>();
  const add = (schema: z.core.$ZodType) => {
    if (seen.has(schema)) return;
    seen.add(schema);
    registry.add(schema, { id: schemaId(schema) });
  };
  for (const schema of schemas) add(schema);
  const result = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonObject> };
  if ('__shared' in result.schemas) {
    throw new Error(
      `A nested schema with an id is not published: ${JSON.stringify(Object.keys(result.schemas.__shared ?? {}))}`,
    );
  }
  const out: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(result.schemas)) {
    const { $id: _ignored, ...rest } = schema;
    out[id] = rest;
  }
  return out;
}

/** A component schema for one property of a Zod object, as a parameter schema (no `required`, no component refs). */
function propertySchema(schema: z.core.$ZodType): JsonObject {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as JsonObject;
  const { $schema: _s, ...rest } = json;
  return rest;
}

const STATUS_LIST_PATTERN = `^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$`;
/** What a zod `refine` cannot say in JSON Schema: the IANA zone id's shape (the zone must also exist). */
const TIMEZONE_PATTERN = '^[A-Za-z_]+(/[A-Za-z0-9_+-]+){0,2}$';
const NO_CONTROL_CHARACTERS = 'No control characters (C0, DEL, C1, lone surrogates): 400 with errorCode 1002.';

/**
 * Query parameters as they travel (strings in the URL), described by what they mean. The zod schemas check them as
 * strings; here each gets its JSON type, bounds and default, so a generated client sends the right values.
 */
const QUERY_PARAMETER_DOCS: Record<string, { description: string; schema?: JsonObject; example?: string }> = {
  userId: { description: 'Only the subscriber with this BroadWorks user id.', example: '95547321@sp.com' },
  personId: { description: 'Only the subscriber with this Webex person id.' },
  email: { description: 'Only the subscriber with this email address.', example: 'john.anderson@acme.com' },
  provisioningId: { description: 'Only subscribers of this customer template (provisioning id).' },
  spEnterpriseId: { description: "Only subscribers of this service provider's enterprise.", example: 'SP1+acme' },
  status: {
    description:
      'Only subscribers in one of these statuses: a comma-separated list, e.g. `status=error,provisioned,provisioning`.',
    schema: { type: 'string', pattern: STATUS_LIST_PATTERN },
    example: 'error,provisioned,provisioning',
  },
  lastStatusChange: {
    description:
      'Only subscribers whose status changed after this moment: epoch milliseconds, or an ISO 8601 date and time.',
    example: '1579046400245',
  },
  after: {
    description: 'Only subscribers created after this moment: epoch milliseconds, or an ISO 8601 date and time.',
    example: '1579046400245',
  },
  selfActivated: {
    description: 'Only subscribers that activated themselves (`true`) or were provisioned through this API (`false`).',
    schema: { type: 'boolean' },
  },
  max: {
    description: `Page size: at most this many items per page, from 1 to ${RULES.listMaxMax} (default ${RULES.listDefaultMax}). The \`Link\` header leads to the next page.`,
    schema: { type: 'integer', minimum: 1, maximum: RULES.listMaxMax, default: RULES.listDefaultMax },
    example: '10',
  },
  cursor: {
    description: 'Where the next page starts: copy it from the `Link` header of the previous page, never build it.',
  },
};

type QueryParameterDocs = Record<string, { description: string; schema?: JsonObject; example?: string }>;

/** `own`: an operation's own words for parameters whose meaning differs from the subscriber list's. */
function queryParameters(schema: z.ZodMiniObject, own: QueryParameterDocs = {}): JsonObject[] {
  return Object.entries(schema.shape).map(([name, property]) => {
    const docs = own[name] ?? QUERY_PARAMETER_DOCS[name];
    return {
      name,
      in: 'query',
      required: false,
      ...(docs ? { description: docs.description } : {}),
      schema: docs?.schema ?? propertySchema(property),
      ...(docs?.example !== undefined ? { example: docs.example } : {}),
    };
  });
}

/**
 * Descriptions of the contract's fields, in our own words, added to every component property of that name. Where a
 * zod `refine` has no JSON Schema form (the IANA time zone), its shape is added here too.
 */
const FIELD_DOCS: Record<string, JsonObject> = {
  id: { description: 'The subscriber id (a Webex id).' },
  personId: {
    description:
      'The Webex person id. Present once the subscriber has been provisioned, and kept while it is `updating`.',
  },
  provisioningId: {
    description: 'The customer template the subscriber is provisioned with (Webex Control Hub). Fixed at Provision.',
  },
  userId: { description: 'The BroadWorks user id of the subscriber.', example: '95547321@sp.com' },
  spEnterpriseId: {
    description: "The service provider's own id of the subscriber's enterprise. Fixed at Provision.",
    example: 'SP1+acme',
  },
  firstName: { description: `The first name. ${NO_CONTROL_CHARACTERS}`, example: 'John' },
  lastName: { description: `The last name. ${NO_CONTROL_CHARACTERS}`, example: 'Andersen' },
  email: {
    description: `The email address, at most ${RULES.maxEmailLength} characters. Fixed at Provision.`,
    example: 'john.anderson@acme.com',
  },
  primaryPhoneNumber: {
    description:
      'The primary phone number: digits, an optional leading `+`, and `-`, space, `(` `)` separators. ' +
      'A subscriber keeps at least one of primaryPhoneNumber and extension.',
    example: '+1-240-555-1212',
  },
  mobilePhoneNumber: { description: 'The mobile phone number, in the same format.', example: '+1-818-279-1234' },
  extension: { description: 'The extension, in the same format.', example: '1212' },
  package: { description: `The Webex package: one of ${PACKAGES.join(', ')}.`, example: 'standard' },
  language: {
    description: 'Reserved by Webex. In a request any string is accepted and ignored; every response shows `en`.',
    example: 'en',
  },
  timezone: {
    description: 'An IANA time zone id, such as `America/Los_Angeles`; a zone that does not exist is 400 1002.',
    pattern: TIMEZONE_PATTERN,
    example: 'America/Los_Angeles',
  },
  customerInfo: { description: 'The customer: its `primaryEmail` is required when customerInfo is sent.' },
  primaryEmail: { description: "The customer administrator's email address.", example: 'admin@acme.com' },
  status: { description: 'The provisioning status (see the List operation for the meaning of each).' },
  errors: { description: 'The errors of the last background attempt, when it failed.' },
  created: { description: 'When the subscriber was created (ISO 8601, milliseconds, UTC).' },
  lastStatusChange: { description: 'When the status last changed (ISO 8601, milliseconds, UTC).' },
  selfActivated: { description: 'Whether the subscriber activated itself rather than through this API.' },
};

/** Add `FIELD_DOCS` to the properties of every object schema in `components` (nested objects included). */
function describeFields(schema: unknown): void {
  if (schema === null || typeof schema !== 'object') return;
  if (Array.isArray(schema)) {
    for (const item of schema) describeFields(item);
    return;
  }
  const node = schema as JsonObject;
  const properties = node.properties;
  if (properties !== null && typeof properties === 'object') {
    for (const [name, property] of Object.entries(properties as Record<string, JsonObject>)) {
      const docs = FIELD_DOCS[name];
      if (docs && property && typeof property === 'object' && !('$ref' in property)) {
        for (const [key, value] of Object.entries(docs)) property[key] ??= value;
      }
    }
  }
  for (const value of Object.values(node)) describeFields(value);
}

const PATH_PARAMETER_SCHEMAS: Record<string, JsonObject> = {
  subscriberId: propertySchema(SubscriberIdSchema),
  orderId: { type: 'string', pattern: ORDER_ID_PATTERN.source },
  batchId: { type: 'string', pattern: RULES.batchIdPattern.source },
};

const TRACKING_ID_HEADER = {
  description: "This request's TrackingID: the caller's `TrackingID` header when sane, else generated.",
  schema: { type: 'string' },
};
const RETRY_AFTER_HEADER = { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } };
const LINK_HEADER = {
  description: 'RFC 5988 link to the next page (`<url>; rel="next"`); absent on the last page.',
  schema: { type: 'string' },
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400:
    `Bad Request: the request is invalid. A missing field is errorCode ${ERROR_CODES.missingField}, a bad value ` +
    `${ERROR_CODES.invalidValue}, each with fieldName; several problems give several items.`,
  401: 'Unauthorized: the bearer token is missing or invalid.',
  403: 'Forbidden: the token lacks the scope of this operation.',
  404: 'Not Found: the subscriber (or order) does not exist.',
  405:
    'Method Not Allowed: this path does not support the method; the `Allow` header lists the methods it does ' +
    "(deployed behind API Gateway, whose HTTP APIs answer an unknown route themselves, it is API Gateway's 404).",
  409: 'Conflict: the request conflicts with the current state.',
  413: `Payload Too Large: request bodies are limited to ${RULES.maxRequestBodyBytes / 1024} KiB.`,
  415: 'Unsupported Media Type: request bodies must be application/json.',
  423: 'Locked: retry after the Retry-After header.',
  429: 'Too Many Requests: retry after the Retry-After header.',
  500: "Internal Server Error: Webex's own 500 passed through with its errors, or a fault of this service.",
  502: 'Bad Gateway: Webex could not be reached, or answered something unexpected. Try again later.',
  503: 'Service Unavailable: Webex is overloaded. Try again later.',
  504: 'Gateway Timeout: Webex did not answer in time. Try again later.',
};

const ALLOW_HEADER = {
  description: 'The methods this path supports, e.g. `GET, POST`.',
  schema: { type: 'string' },
};

/** Methods that carry a request body the service reads (and limits): POST, PUT and DELETE. */
const BODY_METHODS = new Set(['POST', 'PUT', 'DELETE']);

function errorResponse(status: number, allow?: string): JsonObject {
  const headers: JsonObject = { TrackingID: TRACKING_ID_HEADER };
  if (status === 423 || status === 429) headers['Retry-After'] = RETRY_AFTER_HEADER;
  if (status === 405) headers.Allow = allow ? { ...ALLOW_HEADER, example: allow } : ALLOW_HEADER;
  return {
    description: ERROR_DESCRIPTIONS[status] ?? 'Error',
    headers,
    content: { 'application/json': { schema: ref('WebexError') } },
  };
}

interface OperationShape {
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

const SHAPES: Record<string, OperationShape> = {
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

function pathParameters(path: string): JsonObject[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: PATH_PARAMETER_SCHEMAS[name as string] ?? { type: 'string' },
  }));
}

function operation(route: RouteDefinition): JsonObject {
  const shape = SHAPES[route.operationId];
  if (!shape) throw new Error(`No OpenAPI description for operation ${route.operationId}`);
  const responses: Record<string, JsonObject> = {};
  const success: JsonObject = {
    description: shape.success.description,
    headers: { TrackingID: TRACKING_ID_HEADER, ...(shape.success.headers ?? {}) },
  };
  if (shape.success.schema) {
    success.content = { [shape.success.contentType ?? 'application/json']: { schema: shape.success.schema } };
  } else if (shape.success.contentType) {
    success.content = { [shape.success.contentType]: { schema: { type: 'string' } } };
  }
  responses[String(shape.success.status)] = success;
  if (shape.extraSuccess) {
    responses[String(shape.extraSuccess.status)] = {
      description: shape.extraSuccess.description,
      headers: { TrackingID: TRACKING_ID_HEADER },
      content: { 'application/json': { schema: shape.extraSuccess.schema } },
    };
  }
  const errors = new Set<number>([405, 500]);
  if (route.scope !== null) for (const s of [400, 401, 403]) errors.add(s);
  if (route.path.includes('{')) errors.add(404);
  if (shape.query) errors.add(400);
  if (BODY_METHODS.has(route.method)) errors.add(413);
  if (shape.body) for (const s of [400, 413, 415]) errors.add(s);
  if (shape.conflict) errors.add(409);
  if (shape.upstream) for (const s of [423, 429, 502, 503, 504]) errors.add(s);
  const allow = ROUTES.filter((r) => r.path === route.path)
    .map((r) => r.method)
    .join(', ');
  for (const status of [...errors].sort((a, b) => a - b)) responses[String(status)] = errorResponse(status, allow);

  const result: JsonObject = {
    operationId: route.operationId,
    summary: route.summary,
    tags: shape.tags,
    ...(shape.description ? { description: shape.description } : {}),
    parameters: [
      ...pathParameters(route.path),
      ...(shape.query ? queryParameters(shape.query, shape.queryDocs) : []),
      {
        name: 'TrackingID',
        in: 'header',
        required: false,
        description: 'Your own tracking id (≤ 128 of A-Z a-z 0-9 _ . : -), echoed back and sent to Webex.',
        schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,128}$' },
      },
    ],
    responses,
    security: route.scope === null ? [] : [{ jwt: [SCOPES[route.scope]] }],
  };
  if (shape.body) {
    result.requestBody = {
      required: true,
      content: { 'application/json': { schema: ref(schemaId(shape.body)) } },
    };
  }
  return result;
}

function described(schemas: Record<string, JsonObject>): Record<string, JsonObject> {
  describeFields(schemas);
  return schemas;
}

/** Build the document (pure: the same code gives the same document). */
export function buildOpenApiDocument(options: OpenApiOptions = {}): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, JsonObject>)[route.method.toLowerCase()] = operation(route);
  }
  const issuer = options.jwtIssuer?.replace(/\/+$/, '');
  return {
    openapi: '3.0.3',
    info: {
      title: 'Webex for BroadWorks provisioning service',
      version: options.version ?? '1.0.0',
      description:
        'A Webex-compatible BroadWorks Subscribers API (same paths, status codes, bodies and headers as ' +
        'https://webexapis.com/v1) with extensions: an audit trail per subscriber and a provisioning workflow for ' +
        'orders. Every error is the Webex error body `{message, errors, trackingId}` with a `TrackingID` header.',
    },
    servers: [{ url: options.serverUrl ?? '/' }],
    tags: [
      { name: 'BroadWorks Subscribers', description: 'The Webex BroadWorks Subscribers contract.' },
      { name: 'Audit (extension)' },
      { name: 'Orders (extension)' },
      { name: 'Batches (extension)' },
      { name: 'Documentation' },
    ],
    paths,
    components: {
      schemas: described({ ...components(REQUEST_SCHEMAS, 'input'), ...components(RESPONSE_SCHEMAS, 'output') }),
      securitySchemes: {
        jwt: {
          type: 'openIdConnect',
          openIdConnectUrl: `${issuer ?? ''}/.well-known/openid-configuration`,
          description:
            'A JWT bearer token (`Authorization: Bearer <jwt>`) from the identity provider API Gateway trusts, with ' +
            `the scope ${SCOPES.read} to read or ${SCOPES.write} to change.`,
        },
      },
    },
  };
}
