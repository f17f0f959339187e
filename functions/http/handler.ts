/**
 * The shared middy pipeline of every API function, in middy's documented order (header normalizer first, error handler
 * last; `after`/`onError` run in reverse, so the error mapper answers first and the others decorate its response):
 *
 * 0. Lambda context — Powertools' `injectLambdaContext`: cold start, function name and request id on every log line;
 * 1. header names — `@middy/http-header-normalizer`: lower-case request header names;
 * 2. TrackingID — the caller's sane `TrackingID` or a generated `WBXPROV_<uuid>`; on every response as `TrackingID`;
 *    it is the log lines' correlation id;
 * 3. security headers — `@middy/http-security-headers` with its defaults (helmet's set; the Content-Security-Policy
 *    and the other HTML-only headers on `text/html` responses, with the operation's extra CSP directives), plus
 *    `Cache-Control: no-store` and `X-Frame-Options: DENY` on every response;
 * 4. caller — from the JWT authorizer's claims, with the route's scope checked again (401/403);
 * 5. body — size limit 413, `application/json` only 415, missing 400 1001, malformed JSON 400 (our own, not
 *    @middy/http-json-body-parser, so every refusal is a Webex error body);
 * 6. validation — path parameters, query and body against the contract schemas, BEFORE any upstream call;
 * 7. error mapper — `error-mapper.ts`, the one place errors become HTTP.
 *
 * `createHttpHandler({ operationId, params, query, body, handle })` builds a handler from that stack; `handle` receives
 * the validated input and returns a result built with `json()` / `noContent()`.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import { scopeOf } from '../catalog/route-scopes';
import { parseOrThrow } from '../domain/contract/validation';
import type * as z from '../domain/contract/zod';
import type { CallContext } from '../domain/use-cases/context';
import { type Logger, powertoolsOf, logger as rootLogger } from '../shared/logger';
import { type Caller, resolveCaller } from './caller';
import { mapErrorToResponse } from './error-mapper';
import { assertBodySize, parseJsonBody } from './request-body';
import { resolveTrackingId, TRACKING_ID_HEADER } from './tracking-id';
import type { ApiContext, ApiEvent, ApiResult } from './types';

/** Time kept back from the function's own timeout for the audit write and the answer. */
export const DEADLINE_MARGIN_MS = 2_000;

export interface HttpInput<TParams, TQuery, TBody> {
  params: TParams;
  query: TQuery;
  body: TBody;
  /** Present on every route with a scope; `undefined` on public routes (documentation). */
  caller: Caller | undefined;
  /** requestId, trackingId, actor and deadline, ready for a use case. */
  call: CallContext;
  logger: Logger;
  event: ApiEvent;
  context: ApiContext;
}

export interface HttpOperation<TParams, TQuery, TBody> {
  /** The route's operationId in `functions/catalog/routes.ts`; the scope to check comes from `functions/catalog/route-scopes.ts`. */
  operationId: string;
  params?: z.core.$ZodType<TParams>;
  query?: z.core.$ZodType<TQuery>;
  /** The route takes a JSON body validated with this schema. Routes without it ignore any body sent. */
  body?: z.core.$ZodType<TBody>;
  /** The route's body limit in bytes, when not `RULES.maxRequestBodyBytes` (the route table says the same). */
  maxBodyBytes?: number;
  handle(input: HttpInput<TParams, TQuery, TBody>): Promise<ApiResult>;
  /** Extra Content-Security-Policy directives of the route's HTML pages (e.g. a style hash), over the defaults. */
  contentSecurityPolicy?: Readonly<Record<string, string | false>>;
  /** For tests: a logger to use instead of the process logger. */
  logger?: Logger;
}

interface RequestState {
  trackingId: string;
  logger: Logger;
  startedAt: number;
  caller?: Caller;
  params?: unknown;
  query?: unknown;
  body?: unknown;
}

type MiddyRequest = middy.Request<ApiEvent, ApiResult, Error, ApiContext>;

export type ApiHandler = (event: ApiEvent, context: ApiContext) => Promise<ApiResult>;

/** Build the Lambda handler of one operation. */
export function createHttpHandler<TParams = undefined, TQuery = undefined, TBody = undefined>(
  operation: HttpOperation<TParams, TQuery, TBody>,
): ApiHandler {
  const scope = scopeOf(operation.operationId);
  const baseLogger = (operation.logger ?? rootLogger).child({ operationId: operation.operationId });
  // Per-request state, keyed by the event object middy hands both the middlewares and the handler (safe when one
  // process serves several requests at once, as the local runtime does).
  const states = new WeakMap<object, RequestState>();
  const stateOf = (event: ApiEvent): RequestState => {
    const keyable = typeof event === 'object' && event !== null;
    let state = keyable ? states.get(event) : undefined;
    if (!state) {
      const trackingId = resolveTrackingId(undefined);
      state = { trackingId, logger: baseLogger.child({ trackingId }), startedAt: Date.now() };
      if (keyable) states.set(event, state);
    }
    return state;
  };

  const trackingIdMiddleware: middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> = {
    before: (request) => {
      const trackingId = resolveTrackingId(headerValue(request.event, 'trackingid'));
      states.set(request.event, {
        trackingId,
        startedAt: Date.now(),
        logger: baseLogger.child({ trackingId, requestId: request.event.requestContext?.requestId }),
      });
    },
    after: (request) => finishResponse(request, stateOf(request.event)),
    onError: (request) => {
      if (request.response) finishResponse(request, stateOf(request.event));
    },
  };

  // Runs after @middy/http-security-headers (middy runs `after` in reverse): two headers it sets on HTML only or not
  // at all, on every response of this API.
  const noStoreNoFrames = (request: MiddyRequest): void => {
    const response = request.response;
    if (!response) return;
    response.headers = { ...response.headers, 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' };
  };
  const noStoreMiddleware: middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> = {
    after: noStoreNoFrames,
    onError: noStoreNoFrames,
  };

  const callerMiddleware: middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> = {
    before: (request) => {
      if (scope === null) return;
      stateOf(request.event).caller = resolveCaller(request.event.requestContext ?? {}, scope);
    },
  };

  const bodyMiddleware: middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> = {
    before: (request) => {
      assertBodySize(request.event, operation.maxBodyBytes);
      if (operation.body)
        stateOf(request.event).body = parseJsonBody(request.event, headerValue(request.event, 'content-type'));
    },
  };

  const validationMiddleware: middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> = {
    before: (request) => {
      const state = stateOf(request.event);
      if (operation.params) state.params = parseOrThrow(operation.params, request.event.pathParameters ?? {});
      if (operation.query) state.query = parseOrThrow(operation.query, request.event.queryStringParameters ?? {});
      if (operation.body) state.body = parseOrThrow(operation.body, state.body, 'request body');
    },
  };

  const errorMapperMiddleware: middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> = {
    onError: (request) => {
      const state = stateOf(request.event);
      request.response = mapErrorToResponse(request.error, state.trackingId, state.logger);
    },
  };

  const handler = async (event: ApiEvent, context: ApiContext): Promise<ApiResult> => {
    const state = stateOf(event);
    const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 0;
    const call: CallContext = {
      requestId: event.requestContext?.requestId || context?.awsRequestId || state.trackingId,
      trackingId: state.trackingId,
      actor: state.caller?.actor ?? 'anonymous',
      deadline: remaining > DEADLINE_MARGIN_MS ? Date.now() + remaining - DEADLINE_MARGIN_MS : undefined,
    };
    return operation.handle({
      params: state.params as TParams,
      query: state.query as TQuery,
      body: state.body as TBody,
      caller: state.caller,
      call,
      logger: state.logger,
      event,
      context,
    });
  };

  const powertools = powertoolsOf(operation.logger ?? rootLogger);
  const wrapped = middy<ApiEvent, ApiResult, Error, ApiContext>()
    .use(powertools ? injectLambdaContext(powertools) : {})
    .use(httpHeaderNormalizer())
    .use(trackingIdMiddleware)
    .use(noStoreMiddleware)
    .use(
      httpSecurityHeaders(
        // `false` drops a default directive: the middleware skips falsy values (its types only say string).
        operation.contentSecurityPolicy
          ? { contentSecurityPolicy: { ...operation.contentSecurityPolicy } as Record<string, string> }
          : {},
      ),
    )
    .use(callerMiddleware)
    .use(bodyMiddleware)
    .use(validationMiddleware)
    .use(errorMapperMiddleware)
    .handler(handler);

  return (event, context) => wrapped(event, context);
}

function headerValue(event: ApiEvent, lowerCaseName: string): string | undefined {
  const value = event.headers?.[lowerCaseName];
  return typeof value === 'string' ? value : undefined;
}

/** Every response: TrackingID header, a content type when there is a body, no undefined header values; one access log. */
function finishResponse(request: MiddyRequest, state: RequestState): void {
  const response = request.response;
  if (!response) return;
  const headers: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (value !== undefined && value !== null && value !== '') headers[name] = value;
  }
  headers[TRACKING_ID_HEADER] = state.trackingId;
  if (response.body !== undefined && response.body !== '' && !hasHeader(headers, 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  response.headers = headers;
  state.logger.info('request served', {
    method: request.event.requestContext?.http?.method,
    routeKey: request.event.routeKey,
    status: response.statusCode,
    latencyMs: Date.now() - state.startedAt,
  });
}

function hasHeader(headers: Record<string, unknown>, lowerCaseName: string): boolean {
  return Object.keys(headers).some((name) => name.toLowerCase() === lowerCaseName);
}
