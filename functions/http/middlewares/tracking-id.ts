/**
 * TrackingID: the caller's sane `TrackingID` or a generated `WBXPROV_<uuid>` starts the request's state (it is the log
 * lines' correlation id); every response gets it as `TrackingID`, a content type when it has a body, and one access log.
 */
import type { Logger } from '../../shared/logger';
import { resolveTrackingId, TRACKING_ID_HEADER } from '../tracking-id';
import {
  type HttpMiddleware,
  type HttpRequest,
  type HttpRequestState,
  headerValue,
  requestState,
  startRequestState,
} from './request-state';

/** `logger`: the operation's logger, which each request's logger is a child of. */
export function trackingIdMiddleware(logger: Logger): HttpMiddleware {
  return {
    before: (request) => {
      const trackingId = resolveTrackingId(headerValue(request.event, 'trackingid'));
      startRequestState(request, {
        trackingId,
        startedAt: Date.now(),
        logger: logger.child({ trackingId, requestId: request.event.requestContext?.requestId }),
      });
    },
    after: (request) => finishResponse(request, requestState(request, logger)),
    onError: (request) => {
      if (request.response) finishResponse(request, requestState(request, logger));
    },
  };
}

/** Every response: TrackingID header, a content type when there is a body, no undefined header values; one access log. */
function finishResponse(request: HttpRequest, state: HttpRequestState): void {
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
