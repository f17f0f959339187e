/**
 * Named errors of the domain. They carry what went wrong in Webex's vocabulary (error items with errorCode and
 * fieldName) but no HTTP status: the mapping to HTTP lives in one place, `functions/http/error-mapper.ts`.
 * `UpstreamError` is the exception that proves the rule: it keeps the status Webex answered, so it can pass through.
 */
import type { WebexErrorItem } from './contract/schemas';

export type { WebexErrorItem };

export abstract class DomainError extends Error {
  abstract readonly kind: string;
  readonly errors: WebexErrorItem[];

  constructor(message: string, errors: WebexErrorItem[] = []) {
    super(message);
    this.name = new.target.name;
    this.errors = errors;
  }
}

/** A request that does not satisfy the contract: 400 with errorCode 1001 (missing) or 1002 (invalid) per field. */
export class ValidationError extends DomainError {
  readonly kind = 'validation';
}

/** The request body is not JSON. */
export class MalformedJsonError extends DomainError {
  readonly kind = 'malformed-json';
}

/** The request body is not `application/json`. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly kind = 'unsupported-media-type';
}

/** The request body is larger than the documented limit. */
export class PayloadTooLargeError extends DomainError {
  readonly kind = 'payload-too-large';
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
}

export class MethodNotAllowedError extends DomainError {
  readonly kind = 'method-not-allowed';
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized';
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

/** Configuration missing or invalid at cold start: the function refuses to serve rather than half-work. */
export class ConfigurationError extends DomainError {
  readonly kind = 'configuration';
}

export interface UpstreamErrorDetails {
  /** HTTP status Webex answered (or the gateway status we chose for a transport failure: 502/503/504). */
  status: number;
  errors?: WebexErrorItem[];
  /** Webex's trackingId for the failed call, when it answered. */
  webexTrackingId?: string | undefined;
  /** Seconds Webex asked us to wait (429/423). */
  retryAfterSeconds?: number | undefined;
  cause?: unknown;
}

/** Webex answered an error. Passed through with Webex's status and body. */
export class UpstreamError extends DomainError {
  readonly kind: string = 'upstream';
  readonly status: number;
  readonly webexTrackingId: string | undefined;

  constructor(message: string, details: UpstreamErrorDetails) {
    super(message, details.errors ?? []);
    this.status = details.status;
    this.webexTrackingId = details.webexTrackingId;
    if (details.cause !== undefined) this.cause = details.cause;
  }
}

/** Webex asked us to slow down (429) or the resource is locked (423). `retryAfterSeconds` is exactly what it said. */
export class UpstreamThrottledError extends UpstreamError {
  override readonly kind = 'upstream-throttled';
  readonly retryAfterSeconds: number;

  constructor(message: string, details: UpstreamErrorDetails & { retryAfterSeconds: number }) {
    super(message, details);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** Webex could not be reached or kept failing (5xx, timeouts, resets) until retries or the deadline ran out. */
export class UpstreamUnavailableError extends UpstreamError {
  override readonly kind = 'upstream-unavailable';
}

/** Webex answered something that does not parse as the contract says. */
export class UpstreamProtocolError extends UpstreamError {
  override readonly kind = 'upstream-protocol';
}
