/**
 * THE one place where errors become HTTP responses. Every error answer is Webex's error body
 * `{ message, errors, trackingId }` with the `TrackingID` header and `Content-Type: application/json`; nothing else in
 * the code base picks an HTTP status for an error.
 */
import type { WebexErrorItem } from '../domain/contract/fields';
import type { WebexErrorBody } from '../domain/contract/responses';
import { RULES } from '../domain/contract/rules';
import {
  ConfigurationError,
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  UpstreamError,
  UpstreamProtocolError,
  UpstreamThrottledError,
  UpstreamUnavailableError,
  ValidationError,
} from '../domain/errors';
import type { Logger } from '../shared/logger';
import { MalformedJsonError, MethodNotAllowedError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors';
import { TRACKING_ID_HEADER } from './tracking-id';
import type { ApiResult } from './types';

const GATEWAY_STATUSES = new Set([502, 503, 504]);

export interface MappedError {
  status: number;
  message: string;
  errors: WebexErrorItem[];
  headers: Record<string, string>;
  /** How loud to log it: caller mistakes are info, upstream trouble warn, our own faults error. */
  severity: 'info' | 'warn' | 'error';
}

/** Decide status, message, items and extra headers for an error. Pure. */
export function classifyError(error: unknown): MappedError {
  const items = (e: DomainError): WebexErrorItem[] => (e.errors.length > 0 ? e.errors : [{ description: e.message }]);
  const simple = (status: number, e: DomainError, severity: MappedError['severity'] = 'info'): MappedError => ({
    status,
    message: e.message,
    errors: items(e),
    headers: {},
    severity,
  });

  if (error instanceof ValidationError || error instanceof MalformedJsonError) return simple(400, error);
  if (error instanceof UnauthorizedError) {
    return { ...simple(401, error), headers: { 'WWW-Authenticate': 'Bearer' } };
  }
  if (error instanceof ForbiddenError) return simple(403, error);
  if (error instanceof NotFoundError) return simple(404, error);
  if (error instanceof MethodNotAllowedError) return simple(405, error);
  if (error instanceof ConflictError) return simple(409, error);
  if (error instanceof PayloadTooLargeError) return simple(413, error);
  if (error instanceof UnsupportedMediaTypeError) return simple(415, error);

  if (error instanceof UpstreamThrottledError) {
    const status = error.status === 423 ? 423 : 429;
    const seconds = Number.isFinite(error.retryAfterSeconds)
      ? Math.max(0, Math.ceil(error.retryAfterSeconds))
      : RULES.defaultRetryAfterSeconds;
    return { ...simple(status, error, 'warn'), headers: { 'Retry-After': String(seconds) } };
  }
  if (error instanceof UpstreamUnavailableError || error instanceof UpstreamProtocolError) {
    return simple(GATEWAY_STATUSES.has(error.status) ? error.status : 502, error, 'warn');
  }
  if (error instanceof UpstreamError) {
    // Webex refusing OUR partner token is our fault, not the caller's: never answer the caller 401 for it.
    if (error.status === 401) {
      return {
        status: 502,
        message: 'The upstream Webex API refused the service credentials. Try again later.',
        errors: [{ description: 'The upstream Webex API refused the service credentials.' }],
        headers: {},
        severity: 'error',
      };
    }
    if (error.status >= 400 && error.status < 500) return simple(error.status, error, 'info');
    // Webex's own 5xx answer (its 500 "Something went wrong on the server") passes through with its status and items.
    if (error.status >= 500 && error.status <= 599) return simple(error.status, error, 'warn');
    return simple(502, error, 'warn');
  }
  if (error instanceof ConfigurationError) {
    return {
      status: 500,
      message: 'The service is not configured correctly.',
      errors: [{ description: 'The service is not configured correctly.' }],
      headers: {},
      severity: 'error',
    };
  }
  return {
    status: 500,
    message: 'An unexpected error occurred.',
    errors: [{ description: 'An unexpected error occurred.' }],
    headers: {},
    severity: 'error',
  };
}

/** The HTTP response for an error: Webex body, TrackingID header, JSON content type. Logs it once. */
export function mapErrorToResponse(error: unknown, trackingId: string, logger?: Logger): ApiResult {
  const mapped = classifyError(error);
  const body: WebexErrorBody = { message: mapped.message, errors: mapped.errors, trackingId };
  if (logger) {
    const fields: Record<string, unknown> = {
      status: mapped.status,
      errorName: error instanceof Error ? error.name : typeof error,
      errorKind: error instanceof DomainError ? error.kind : 'unexpected',
      errorCodes: mapped.errors.map((e) => e.errorCode).filter((c) => c !== undefined),
    };
    if (error instanceof UpstreamError) {
      fields.upstreamStatus = error.status;
      fields.webexTrackingId = error.webexTrackingId;
    }
    if (mapped.severity === 'error') {
      fields.errorMessage = error instanceof Error ? error.message : String(error);
      fields.stack = error instanceof Error ? error.stack : undefined;
    }
    logger[mapped.severity]('request failed', fields);
  }
  return {
    statusCode: mapped.status,
    headers: {
      ...mapped.headers,
      'Content-Type': 'application/json',
      [TRACKING_ID_HEADER]: trackingId,
    },
    body: JSON.stringify(body),
  };
}
