/**
 * What the API middlewares share: the request's state, carried on a Lambda context of the request's own (as middy's
 * own middlewares hand values to the handler on `request.context`). The TrackingID middleware starts it; the caller,
 * body and validation middlewares fill it in; the handler reads it. The Lambda context the request came with is never
 * changed: the request's context inherits from it, so one process may serve several requests at once (the local
 * runtime does).
 */
import type middy from '@middy/core';
import type { Logger } from '../../shared/logger';
import type { Caller } from '../caller';
import { resolveTrackingId } from '../tracking-id';
import type { ApiContext, ApiEvent, ApiResult } from '../types';

export interface HttpRequestState {
  trackingId: string;
  logger: Logger;
  startedAt: number;
  caller?: Caller;
  params?: unknown;
  query?: unknown;
  body?: unknown;
}

/** The Lambda context of one request, with the request's state once the TrackingID middleware started it. */
export type HttpContext = ApiContext & { http?: HttpRequestState };
export type HttpRequest = middy.Request<ApiEvent, ApiResult, Error, HttpContext>;
export type HttpMiddleware = middy.MiddlewareObj<ApiEvent, ApiResult, Error, HttpContext>;

/** Give the request its state, on a context of its own that inherits the Lambda context. */
export function startRequestState(request: HttpRequest, state: HttpRequestState): HttpRequestState {
  const context = Object.create(request.context ?? null) as HttpContext;
  context.http = state;
  request.context = context;
  return state;
}

/**
 * The request's state; an error raised before the TrackingID middleware ran gets one started here, with a generated
 * trackingId, so its answer still has one.
 */
export function requestState(request: HttpRequest, logger: Logger): HttpRequestState {
  const state = request.context?.http;
  if (state) return state;
  const trackingId = resolveTrackingId(undefined);
  return startRequestState(request, { trackingId, logger: logger.child({ trackingId }), startedAt: Date.now() });
}

/** The request's state in a `before` that runs after the TrackingID middleware's, or in the handler. */
export function startedState(context: HttpContext): HttpRequestState {
  if (!context?.http) throw new Error('The request has no state: the TrackingID middleware runs first.');
  return context.http;
}

/** A request header (names are lower-case once `@middy/http-header-normalizer` ran). */
export function headerValue(event: ApiEvent, lowerCaseName: string): string | undefined {
  const value = event.headers?.[lowerCaseName];
  return typeof value === 'string' ? value : undefined;
}
