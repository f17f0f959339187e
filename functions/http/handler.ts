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
 * the validated input and returns a result built with `json()` / `noContent()`. Each of ours (2–7) is a module of
 * `middlewares/`; they share the request's state on its context (`middlewares/request-state.ts`).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { scopeOf } from '../catalog/route-scopes';
import type * as z from '../domain/contract/zod';
import type { CallContext } from '../domain/use-cases/context';
import { type Logger, powertoolsOf, logger as rootLogger } from '../shared/logger';
import type { Caller } from './caller';
import { bodyMiddleware } from './middlewares/body';
import { callerMiddleware } from './middlewares/caller';
import { errorMapperMiddleware } from './middlewares/error-mapper';
import { noStoreMiddleware } from './middlewares/no-store';
import { type HttpContext, startedState } from './middlewares/request-state';
import { securityHeadersMiddleware } from './middlewares/security-headers';
import { trackingIdMiddleware } from './middlewares/tracking-id';
import { validationMiddleware } from './middlewares/validation';
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

export type ApiHandler = (event: ApiEvent, context: ApiContext) => Promise<ApiResult>;

/** Build the Lambda handler of one operation. */
export function createHttpHandler<TParams = undefined, TQuery = undefined, TBody = undefined>(
  operation: HttpOperation<TParams, TQuery, TBody>,
): ApiHandler {
  const baseLogger = (operation.logger ?? rootLogger).child({ operationId: operation.operationId });

  const handler = async (event: ApiEvent, context: HttpContext): Promise<ApiResult> => {
    const state = startedState(context);
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
  const wrapped = middy<ApiEvent, ApiResult, Error, HttpContext>()
    .use(powertools ? injectLambdaContext(powertools) : {})
    .use(httpHeaderNormalizer())
    .use(trackingIdMiddleware(baseLogger))
    .use(noStoreMiddleware())
    .use(securityHeadersMiddleware(operation.contentSecurityPolicy))
    .use(callerMiddleware(scopeOf(operation.operationId)))
    .use(bodyMiddleware({ json: operation.body !== undefined, maxBodyBytes: operation.maxBodyBytes }))
    .use(validationMiddleware({ params: operation.params, query: operation.query, body: operation.body }))
    .use(errorMapperMiddleware(baseLogger))
    .handler(handler);

  return (event, context) => wrapped(event, context);
}
