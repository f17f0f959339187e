import { describe, expect, it } from 'vitest';
import { createHttpHandler } from '../../../../functions/http/handler';
import { json } from '../../../../functions/http/responses';
import { addLambdaContext, createLogger, redact, scrubString } from '../../../../functions/shared/logger';
import { buildEvent, lambdaContext } from '../../../support/apigw-event';

describe('logger', () => {
  it("writes one JSON line with Powertools' keys, the message and the context", () => {
    // Prepare
    const lines: string[] = [];
    const log = createLogger({ service: 'test' }, { level: 'debug', sink: (l) => lines.push(l) });

    // Act
    log.child({ trackingId: 'WBXPROV_1' }).info('provisioned', { statusCode: 200 });

    // Assess
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '');
    expect(line).toMatchObject({
      level: 'info',
      message: 'provisioned',
      service: 'test',
      trackingId: 'WBXPROV_1',
      correlation_id: 'WBXPROV_1',
      statusCode: 200,
    });
    expect(Number.isNaN(Date.parse(line.timestamp))).toBe(false);
  });

  it('takes the orderId as correlation id when there is no TrackingID', () => {
    // Prepare
    const lines: string[] = [];
    const log = createLogger({}, { level: 'info', sink: (l) => lines.push(l) });

    // Act
    log.child({ task: 'provision', orderId: 'order-7' }).info('task done');

    // Assess
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ orderId: 'order-7', correlation_id: 'order-7' });
  });

  it('puts the Lambda context on the lines of an API function: cold start, request id, TrackingID', async () => {
    // Prepare
    const lines: string[] = [];
    const logger = createLogger({ service: 'api' }, { level: 'info', sink: (l) => lines.push(l) });
    const handler = createHttpHandler({ operationId: 'getApiDocs', logger, handle: async () => json(200, {}) });
    const first = lambdaContext();
    const second = lambdaContext();

    // Act
    await handler(buildEvent('getApiDocs', { claims: null, headers: { TrackingID: 'CALLER_42' } }), first);
    await handler(buildEvent('getApiDocs', { claims: null }), second);

    // Assess
    const [one, two] = lines.map((l) => JSON.parse(l));
    expect(one).toMatchObject({
      message: 'request served',
      function_name: 'test-function',
      function_request_id: first.awsRequestId,
      correlation_id: 'CALLER_42',
      trackingId: 'CALLER_42',
    });
    // Powertools tracks the cold start per process: whatever the first invocation here was, the next one is warm.
    expect(typeof one.cold_start).toBe('boolean');
    expect(two).toMatchObject({ cold_start: false, function_request_id: second.awsRequestId });
  });

  it('puts the Lambda context on the lines of a handler outside middy', () => {
    // Prepare
    const lines: string[] = [];
    const logger = createLogger({}, { level: 'info', sink: (l) => lines.push(l) });
    const context = lambdaContext();

    // Act
    addLambdaContext(logger, context);
    logger.info('task done');

    // Assess
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      function_request_id: context.awsRequestId,
      function_arn: context.invokedFunctionArn,
    });
  });

  it('redacts personal values and tokens on the written line', () => {
    // Prepare
    const lines: string[] = [];
    const log = createLogger({}, { level: 'debug', sink: (l) => lines.push(l) });

    // Act
    log.error('failed for john@acme.com with Bearer abc.def', {
      body: { firstName: 'John', primaryPhoneNumber: '+1 408 555 0100' },
      accessToken: 'secret-value',
      error: new Error('upstream said jane@acme.com'),
    });

    // Assess
    const line = lines[0] ?? '';
    for (const secret of ['john@acme.com', 'John', '555', 'secret-value', 'abc.def', 'jane@acme.com']) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line)).toMatchObject({ level: 'error', error: { name: 'Error' } });
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
