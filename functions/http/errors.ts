/**
 * Errors that only an HTTP request can have: a body that is not JSON, not `application/json` or too large, and a method
 * the resource does not answer. They are named like the domain's errors (and are `DomainError`s, so they carry Webex
 * error items), but live here because nothing outside an HTTP request can raise them. `error-mapper.ts` gives each its
 * status.
 */
import { DomainError } from '../domain/errors';

/** The request body is not JSON. */
export class MalformedJsonError extends DomainError {
  override name = 'MalformedJsonError';
  readonly kind = 'malformed-json';
}

/** The request body is not `application/json`. */
export class UnsupportedMediaTypeError extends DomainError {
  override name = 'UnsupportedMediaTypeError';
  readonly kind = 'unsupported-media-type';
}

/** The request body is larger than the documented limit. */
export class PayloadTooLargeError extends DomainError {
  override name = 'PayloadTooLargeError';
  readonly kind = 'payload-too-large';
}

/** The resource does not answer this method. */
export class MethodNotAllowedError extends DomainError {
  override name = 'MethodNotAllowedError';
  readonly kind = 'method-not-allowed';
}
