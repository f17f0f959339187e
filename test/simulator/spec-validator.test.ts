import { describe, expect, it } from 'vitest';
import { expectValidResponse, resolveSpecPath, validateComponent, validateResponse } from '../support/spec-validator';

const subscriber = {
  id: 'Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIvMQ',
  userId: 'u@sp.example.com',
  spEnterpriseId: 'SP1+acme',
  package: 'standard',
  status: 'provisioning',
  created: '2025-03-01T10:00:00.000Z',
  lastStatusChange: '2025-03-01T10:00:00.000Z',
  provisioningId: 'abc',
  selfActivated: false,
};
const webexError = {
  message: 'Bad',
  errors: [{ description: 'x', errorCode: 1002, fieldName: 'max' }],
  trackingId: 't',
};

describe('spec validator (test support)', () => {
  it('resolves spec paths, concrete paths with or without /v1 and queries, literals before templates', () => {
    // Act / Assess
    expect(resolveSpecPath('/broadworks/subscribers/{subscriberId}')).toBe('/broadworks/subscribers/{subscriberId}');
    expect(resolveSpecPath('/v1/broadworks/subscribers/abc')).toBe('/broadworks/subscribers/{subscriberId}');
    expect(resolveSpecPath('/v1/broadworks/subscribers/validate')).toBe('/broadworks/subscribers/validate');
    expect(resolveSpecPath('/v1/broadworks/subscribers?max=2')).toBe('/broadworks/subscribers');
    expect(resolveSpecPath('/v1/subscribers/abc/emails/consentMove')).toBe(
      '/subscribers/{subscriberId}/emails/consentMove',
    );
    expect(resolveSpecPath('/v1/nothing')).toBeUndefined();
  });

  it('accepts a valid Subscriber, list and precheck body', () => {
    // Act / Assess
    expect(validateResponse('GET', '/broadworks/subscribers/{subscriberId}', 200, subscriber)).toEqual({
      valid: true,
      errors: '',
    });
    expectValidResponse('GET', '/broadworks/subscribers', 200, { items: [subscriber] });
    expectValidResponse('POST', '/broadworks/subscribers/validate', 200, {
      message: 'success',
      info: [{ infoCode: 100, description: 'ok' }],
    });
    expectValidResponse('POST', '/broadworks/subscribers', 200, JSON.stringify(subscriber));
  });

  it('rejects selfActivated as a string, an unknown status and a list without an array, with readable errors', () => {
    // Act
    const stringBoolean = validateResponse('GET', '/v1/broadworks/subscribers/x', 200, {
      ...subscriber,
      selfActivated: 'false',
    });
    const badStatus = validateResponse('GET', '/v1/broadworks/subscribers/x', 200, { ...subscriber, status: 'done' });
    const badList = validateResponse('GET', '/v1/broadworks/subscribers', 200, { items: {} });

    // Assess
    expect(stringBoolean.valid).toBe(false);
    expect(stringBoolean.errors).toMatch(/\/selfActivated must be boolean/);
    expect(badStatus.errors).toMatch(/\/status must be equal to one of the allowed values/);
    expect(badList.errors).toMatch(/\/items must be array/);
    expect(() => expectValidResponse('GET', '/v1/broadworks/subscribers', 200, { items: {} })).toThrow(
      /does not match the spec/,
    );
  });

  it('holds error bodies to WebexError: trackingId and message are required', () => {
    // Act / Assess
    expect(validateResponse('POST', '/broadworks/subscribers', 400, webexError).valid).toBe(true);
    expect(validateResponse('POST', '/broadworks/subscribers', 400, { message: 'Bad' }).errors).toMatch(/trackingId/);
    expect(validateResponse('POST', '/broadworks/subscribers', 409, { trackingId: 't' }).errors).toMatch(/message/);
    expect(validateResponse('POST', '/broadworks/subscribers', 400, undefined).valid).toBe(false);
  });

  it('requires no body on 204 and accepts none', () => {
    // Act / Assess
    expect(validateResponse('DELETE', '/v1/broadworks/subscribers/x', 204, undefined).valid).toBe(true);
    expect(validateResponse('POST', '/v1/subscribers/x/emails/consentMove', 204, '').valid).toBe(true);
    expect(validateResponse('DELETE', '/v1/broadworks/subscribers/x', 204, { ok: true }).valid).toBe(false);
  });

  it('accepts a 429 without a body or with a WebexError body', () => {
    // Act / Assess
    expect(validateResponse('GET', '/broadworks/subscribers', 429, undefined).valid).toBe(true);
    expect(validateResponse('GET', '/broadworks/subscribers', 429, webexError).valid).toBe(true);
    expect(validateResponse('GET', '/broadworks/subscribers', 429, { nope: 1 }).valid).toBe(false);
  });

  it('holds an undocumented error status to WebexError and refuses an undocumented success status', () => {
    // Act / Assess
    expect(validateResponse('POST', '/broadworks/subscribers', 413, webexError).valid).toBe(true);
    expect(validateResponse('POST', '/broadworks/subscribers', 413, { message: 'x' }).valid).toBe(false);
    expect(validateResponse('POST', '/broadworks/subscribers', 201, subscriber).errors).toMatch(/does not document/);
    expect(validateResponse('DELETE', '/broadworks/subscribers/{subscriberId}', 200, subscriber).valid).toBe(false);
  });

  it('refuses an operation the spec does not have', () => {
    // Act
    const result = validateResponse('PATCH', '/broadworks/subscribers', 200, {});

    // Assess
    expect(result).toEqual({ valid: false, errors: expect.stringMatching(/no operation PATCH/) });
  });

  it('validates named component schemas', () => {
    // Act / Assess
    expect(validateComponent('Subscriber', subscriber).valid).toBe(true);
    expect(validateComponent('WebexError', {}).valid).toBe(false);
    expect(validateComponent('Nope', {}).valid).toBe(false);
  });
});
