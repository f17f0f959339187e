/**
 * The document's paths: one operation per route of the route table (`functions/catalog/routes.ts`), with its
 * parameters, request body, success answers and every error answer it can give (a Webex error body each).
 */
import { ROUTES, type RouteDefinition, SCOPES } from '../catalog/routes';
import { SubscriberIdSchema } from '../domain/contract/fields';
import { ORDER_ID_PATTERN } from '../domain/contract/order';
import { ERROR_CODES, RULES } from '../domain/contract/rules';
import type * as z from '../domain/contract/zod';
import { QUERY_PARAMETER_DOCS, type QueryParameterDocs } from './field-docs';
import { SHAPES } from './operation-shapes';
import { type JsonObject, propertySchema, ref, schemaId } from './schemas';

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

/** The document's `paths`: every route's operation, under its path and method. */
export function pathsOf(): Record<string, Record<string, JsonObject>> {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, JsonObject>)[route.method.toLowerCase()] = operation(route);
  }
  return paths;
}
