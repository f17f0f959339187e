import { describe, expect, it } from 'vitest';
import { createLogger, redact, scrubString } from '../../functions/shared/logger';

describe('logger', () => {
  it('writes one JSON line with level, time, message and context', () => {
    // Prepare
    const lines: string[] = [];
    const log = createLogger({ service: 'test' }, { level: 'debug', sink: (l) => lines.push(l) });

    // Act
    log.child({ trackingId: 'WBXPROV_1' }).info('provisioned', { statusCode: 200 });

    // Assess
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'info',
      message: 'provisioned',
      service: 'test',
      trackingId: 'WBXPROV_1',
      statusCode: 200,
    });
  });

  it('drops lines below the threshold', () => {
    // Prepare
    const lines: string[] = [];
    const log = createLogger({}, { level: 'warn', sink: (l) => lines.push(l) });

    // Act
    log.info('quiet');
    log.error('loud');

    // Assess
    expect(lines.map((l) => JSON.parse(l).message)).toEqual(['loud']);
  });

  it('redacts secrets and personal fields by key at any depth', () => {
    // Act
    const out = redact({
      headers: { authorization: 'Bearer abc', 'x-api-key': 'k' },
      body: { firstName: 'John', email: 'john@acme.com', package: 'basic', nested: [{ refreshToken: 'r' }] },
    });

    // Assess
    expect(out).toEqual({
      headers: { authorization: '[REDACTED]', 'x-api-key': '[REDACTED]' },
      body: {
        firstName: '[REDACTED]',
        email: '[REDACTED]',
        package: 'basic',
        nested: [{ refreshToken: '[REDACTED]' }],
      },
    });
  });

  it.each([
    ['sent Bearer eyJabc.def.ghi upstream', 'sent Bearer [REDACTED] upstream'],
    ['token eyJhbGciOi.eyJzdWIiOi.sig', 'token [REDACTED_JWT]'],
    ['for john.anderson@acme.com', 'for [REDACTED_EMAIL]'],
    ['call +1-240-555-1212 now', 'call [REDACTED_PHONE] now'],
  ])('scrubs %j from free text', (input, expected) => {
    // Act
    const out = scrubString(input);

    // Assess
    expect(out).toBe(expected);
  });

  it('keeps timestamps, tracking ids and UUIDs readable', () => {
    // Act
    const out = redact({
      at: '2026-11-24T09:00:00.000Z',
      trackingId: 'WBXPROV_123e4567-e89b-12d3-a456-426614174000',
      detail: 'request 123e4567-e89b-12d3-a456-426614174000 took 1234 ms',
    });

    // Assess
    expect(out).toEqual({
      at: '2026-11-24T09:00:00.000Z',
      trackingId: 'WBXPROV_123e4567-e89b-12d3-a456-426614174000',
      detail: 'request 123e4567-e89b-12d3-a456-426614174000 took 1234 ms',
    });
  });
});

describe('logger with errors', () => {
  it('keeps the class name of an error whose constructor sets its own name', () => {
    // Prepare
    class NamedError extends Error {
      constructor(message: string) {
        super(message);
        this.name = 'NamedError';
      }
    }

    // Act
    const out = redact(new NamedError('failed for john@acme.com')) as Record<string, unknown>;

    // Assess
    expect(out.name).toBe('NamedError');
    expect(out.message).toBe('failed for [REDACTED_EMAIL]');
  });
});
