/**
 * Error responses the local gateway answers itself (before or instead of a handler): always the Webex error body
 * `{message, errors, trackingId}` with the same value in the `TrackingID` header. Deployed, API Gateway's HTTP API answers
 * these cases with its own bodies (`{"message":"Unauthorized"}`, `{"message":"Not Found"}`, `{"message":"Internal Server
 * Error"}`); locally we keep the Webex shape, which is what callers of this API parse.
 */
import { randomUUID } from 'node:crypto';

export interface WebexErrorBody {
  message: string;
  errors: Array<{ description: string }>;
  trackingId: string;
}

/** The caller's `TrackingID` when it is a sane value (≤128 of `[A-Za-z0-9_.:-]`), else a new `WBXPROV_<uuid>`. */
export function resolveTrackingId(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value && /^[A-Za-z0-9_.:-]{1,128}$/.test(value)) return value;
  return `WBXPROV_${randomUUID()}`;
}

export function webexErrorBody(message: string, trackingId: string, description = message): WebexErrorBody {
  return { message, errors: [{ description }], trackingId };
}

/** An answer the gateway gives itself instead of calling a handler: status, message, description, extra headers. */
export interface Refusal {
  status: number;
  message: string;
  description?: string;
  headers?: Record<string, string>;
}

/** Webex's own wording for the authentication and authorization failures. */
export const GATEWAY_MESSAGES = {
  unauthorized: 'The request requires a valid access token set in the Authorization request header.',
  forbidden: 'The request is understood, but it has been refused or access is not allowed.',
  notFound: 'The requested resource could not be found.',
  methodNotAllowed: 'The request method is not supported for the requested resource.',
  payloadTooLarge: 'The request body is too large.',
  internal: 'Something went wrong on the server.',
  badGateway: 'The function answered with a response the gateway could not use.',
  gatewayTimeout: 'The function did not answer in time.',
  starting: 'The local runtime is still starting; try again in a moment.',
  badRequest: 'The request could not be understood by the server due to malformed syntax.',
  headersTooLarge: 'The request line or headers are too large.',
  requestTimeout: 'The request was not received in time.',
} as const;

/**
 * The raw HTTP answer to a request Node's parser refused (over-long URL or headers, not HTTP at all, too slow): the
 * Webex error body with a new TrackingID, and the connection closed. `rawPacket` is what Node had read of the request.
 */
export function parserErrorResponse(code: string | undefined, rawPacket?: Buffer): string {
  const [status, reason, message] =
    code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', GATEWAY_MESSAGES.headersTooLarge]
      : code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', GATEWAY_MESSAGES.requestTimeout]
        : [400, 'Bad Request', GATEWAY_MESSAGES.badRequest];
  const trackingId = resolveTrackingId(undefined);
  const body = JSON.stringify(webexErrorBody(message, trackingId));
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/json',
    `TrackingID: ${trackingId}`,
    'Connection: close',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    // The answer to a HEAD request carries no body (the client would take it for the start of another answer).
    rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ' ? '' : body,
  ].join('\r\n');
}
