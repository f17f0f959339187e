import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  UpstreamError,
  UpstreamProtocolError,
  UpstreamThrottledError,
  UpstreamUnavailableError,
  ValidationError,
} from '../../../../functions/domain/errors';
import { mapErrorToResponse } from '../../../../functions/http/error-mapper';
import {
  MalformedJsonError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../../../functions/http/errors';
import { createLogger } from '../../../../functions/shared/logger';
import { expectValidResponse } from '../../../support/spec-validator';

const TRACKING = 'TEST_tracking-1';

function bodyOf(result: { body?: string }) {
  return JSON.parse(result.body ?? 'null') as { message: string; errors: unknown[]; trackingId: string };
}

describe('mapErrorToResponse', () => {
  const cases: Array<[string, unknown, number]> = [
    ['ValidationError', new ValidationError('bad', [{ description: 'x', errorCode: 1002, fieldName: 'email' }]), 400],
    ['MalformedJsonError', new MalformedJsonError('malformed JSON'), 400],
    ['UnauthorizedError', new UnauthorizedError('no token'), 401],
    ['ForbiddenError', new ForbiddenError('no scope'), 403],
    ['NotFoundError', new NotFoundError('missing'), 404],
    ['MethodNotAllowedError', new MethodNotAllowedError('nope'), 405],
    ['ConflictError', new ConflictError('conflict'), 409],
    ['PayloadTooLargeError', new PayloadTooLargeError('too big'), 413],
    ['UnsupportedMediaTypeError', new UnsupportedMediaTypeError('xml'), 415],
    ['UpstreamError 404', new UpstreamError('not found', { status: 404 }), 404],
    [
      'UpstreamError 409',
      new UpstreamError('dup', { status: 409, errors: [{ description: 'd', errorCode: 10022 }] }),
      409,
    ],
    ['UpstreamError 400', new UpstreamError('bad', { status: 400 }), 400],
    ["UpstreamError 500 (Webex's own 500 passes through)", new UpstreamError('boom', { status: 500 }), 500],
    ['UpstreamError 401 (our partner token)', new UpstreamError('unauthorized', { status: 401 }), 502],
    ['UpstreamUnavailableError 503', new UpstreamUnavailableError('down', { status: 503 }), 503],
    ['UpstreamUnavailableError 504', new UpstreamUnavailableError('slow', { status: 504 }), 504],
    ['UpstreamUnavailableError 502', new UpstreamUnavailableError('reset', { status: 502 }), 502],
    ['UpstreamProtocolError', new UpstreamProtocolError('garbage', { status: 502 }), 502],
    ['ConfigurationError', new ConfigurationError('AUDIT_TABLE_NAME is not set'), 500],
    ['a plain Error', new Error('kaboom'), 500],
    ['a thrown string', 'kaboom', 500],
  ];

  for (const [name, error, status] of cases) {
    it(`maps ${name} to ${status} with the Webex error body, TrackingID and JSON content type`, () => {
      // Prepare
      const lines: string[] = [];
      const logger = createLogger({}, { level: 'debug', sink: (l) => lines.push(l) });

      // Act
      const result = mapErrorToResponse(error, TRACKING, logger);

      // Assess
      expect(result.statusCode).toBe(status);
      expect(result.headers['TrackingID']).toBe(TRACKING);
      expect(result.headers['Content-Type']).toBe('application/json');
      const body = bodyOf(result);
      expect(body.trackingId).toBe(TRACKING);
      expect(typeof body.message).toBe('string');
      expect(body.errors.length).toBeGreaterThan(0);
      expectValidResponse('get', '/broadworks/subscribers', status, body);
      expect(lines).toHaveLength(1);
    });
  }

  it('keeps the field items of a validation error', () => {
    // Prepare
    const error = new ValidationError('bad', [
      { description: 'Missing mandatory parameter: firstName', errorCode: 1001, fieldName: 'firstName' },
      { description: 'email must be a valid email address', errorCode: 1002, fieldName: 'email' },
    ]);

    // Act
    const body = bodyOf(mapErrorToResponse(error, TRACKING));

    // Assess
    expect(body.errors).toEqual(error.errors);
  });

  it('passes 429 through with the exact Retry-After and 423 likewise', () => {
    // Prepare
    const throttled = new UpstreamThrottledError('slow down', { status: 429, retryAfterSeconds: 7 });
    const locked = new UpstreamThrottledError('locked', { status: 423, retryAfterSeconds: 2.2 });

    // Act
    const r429 = mapErrorToResponse(throttled, TRACKING);
    const r423 = mapErrorToResponse(locked, TRACKING);

    // Assess
    expect(r429.statusCode).toBe(429);
    expect(r429.headers['Retry-After']).toBe('7');
    expect(r423.statusCode).toBe(423);
    expect(r423.headers['Retry-After']).toBe('3');
  });

  it('answers 401 with a WWW-Authenticate challenge', () => {
    // Act
    const result = mapErrorToResponse(new UnauthorizedError('no token'), TRACKING);

    // Assess
    expect(result.headers['WWW-Authenticate']).toBe('Bearer');
  });

  it('never leaks an internal message or stack in the body of a 500, but logs it as an error', () => {
    // Prepare
    const lines: string[] = [];
    const logger = createLogger({}, { level: 'debug', sink: (l) => lines.push(l) });
    const error = new Error('secret internals at /var/task/index.js');

    // Act
    const result = mapErrorToResponse(error, TRACKING, logger);

    // Assess
    expect(result.body).not.toContain('internals');
    expect(result.body).not.toContain('/var/task');
    const line = JSON.parse(lines[0] ?? '{}') as { level: string; stack?: string };
    expect(line.level).toBe('error');
    expect(line.stack).toContain('Error: secret internals');
  });

  it('keeps Webex error codes of an upstream error', () => {
    // Prepare
    const error = new UpstreamError('dup', {
      status: 409,
      errors: [{ description: 'The BroadWorks UserID is already associated with an existing user.', errorCode: 10022 }],
      webexTrackingId: 'WEBEX_1',
    });

    // Act
    const body = bodyOf(mapErrorToResponse(error, TRACKING));

    // Assess
    expect(body.errors).toEqual([
      { description: 'The BroadWorks UserID is already associated with an existing user.', errorCode: 10022 },
    ]);
    expect(body.trackingId).toBe(TRACKING);
  });
});
