/**
 * Named errors of the domain. They carry what went wrong in Webex's vocabulary (error items with errorCode and
 * fieldName) but no HTTP status: the mapping to HTTP lives in one place, `functions/http/error-mapper.ts`.
 * `UpstreamError` is the exception that proves the rule: it keeps the status Webex answered, so it can pass through.
 */
import type { WebexErrorItem } from './contract/fields';

export type { WebexErrorItem };

/**
 * Each class names itself with a string: the deployed bundles are minified, so a class's own name (`new.target.name`)
 * would be a mangled one in logs (`test/infra/error-names.test.ts`).
 */
export abstract class DomainError extends Error {
  abstract readonly kind: string;
  readonly errors: WebexErrorItem[];

  constructor(message: string, errors: WebexErrorItem[] = []) {
    super(message);
    this.errors = errors;
  }
}

/** A request that does not satisfy the contract: 400 with errorCode 1001 (missing) or 1002 (invalid) per field. */
export class ValidationError extends DomainError {
  override name = 'ValidationError';
  readonly kind = 'validation';
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  readonly kind = 'not-found';
}

export class ConflictError extends DomainError {
  override name = 'ConflictError';
  readonly kind = 'conflict';
}

export class UnauthorizedError extends DomainError {
  override name = 'UnauthorizedError';
  readonly kind = 'unauthorized';
}

export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
  readonly kind = 'forbidden';
}

/** Configuration missing or invalid at cold start: the function refuses to serve rather than half-work. */
export class ConfigurationError extends DomainError {
  override name = 'ConfigurationError';
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
  override name = 'UpstreamError';
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
  override name = 'UpstreamThrottledError';
  override readonly kind = 'upstream-throttled';
  readonly retryAfterSeconds: number;
  /** When our own pacing (not Webex) held the call back and reserved a slot for it: that slot (epoch ms). */
  readonly slotAt: number | undefined;

  constructor(
    message: string,
    details: UpstreamErrorDetails & { retryAfterSeconds: number; slotAt?: number | undefined },
  ) {
    super(message, details);
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.slotAt = details.slotAt;
  }
}

/** Webex could not be reached or kept failing (5xx, timeouts, resets) until retries or the deadline ran out. */
export class UpstreamUnavailableError extends UpstreamError {
  override name = 'UpstreamUnavailableError';
  override readonly kind = 'upstream-unavailable';
}

/** Webex answered something that does not parse as the contract says. */
export class UpstreamProtocolError extends UpstreamError {
  override name = 'UpstreamProtocolError';
  override readonly kind = 'upstream-protocol';
}
