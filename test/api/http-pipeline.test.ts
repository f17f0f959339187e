import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ProvisionRequestSchema } from '../../functions/domain/contract/provision-request';
import { RULES } from '../../functions/domain/contract/rules';
import { createHttpHandler, type HttpInput } from '../../functions/http/handler';
import { SubscriberPathSchema } from '../../functions/http/params';
import { json, noContent } from '../../functions/http/responses';
import { createLogger } from '../../functions/shared/logger';
import { buildEvent, lambdaContext } from '../support/apigw-event';

const quiet = createLogger({}, { level: 'silent' });

const VALID_BODY = {
  provisioningId: 'prov-1',
  userId: 'user@sp.example.com',
  spEnterpriseId: 'SP1+acme',
  firstName: 'Ada',
  lastName: 'Lovelace',
  package: 'standard',
  primaryPhoneNumber: '+1-240-555-1212',
};

function bodyHandler() {
  const calls: Array<HttpInput<undefined, undefined, unknown>> = [];
  const handler = createHttpHandler({
    operationId: 'provisionSubscriber',
    body: ProvisionRequestSchema,
    logger: quiet,
    handle: async (input) => {
      calls.push(input as HttpInput<undefined, undefined, unknown>);
      return json(200, { ok: true });
    },
  });
  return { handler, calls };
}

function parse(result: { body?: string }) {
  return JSON.parse(result.body ?? 'null') as {
    message: string;
    errors: Array<{ description: string; errorCode?: number; fieldName?: string }>;
    trackingId: string;
  };
}

describe('the HTTP pipeline (createHttpHandler)', () => {
  it('hands the handler the validated body, the caller and the call context', async () => {
    // Prepare
    const { handler, calls } = bodyHandler();
    const event = buildEvent('provisionSubscriber', { body: VALID_BODY, requestId: 'req-1' });

    // Act
    const result = await handler(event, lambdaContext());

    // Assess
    expect(result.statusCode).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body).toEqual(VALID_BODY);
    expect(calls[0]?.caller?.actor).toBe('ordering-system');
    expect(calls[0]?.call.requestId).toBe('req-1');
    expect(calls[0]?.call.actor).toBe('ordering-system');
    expect(calls[0]?.call.deadline).toBeGreaterThan(Date.now());
  });

  it('echoes a sane caller TrackingID on the response and to the handler', async () => {
    // Prepare
    const { handler, calls } = bodyHandler();
    const event = buildEvent('provisionSubscriber', { body: VALID_BODY, headers: { TrackingID: 'ORDER_42:abc-1.x' } });

    // Act
    const result = await handler(event, lambdaContext());

    // Assess
    expect(result.headers['TrackingID']).toBe('ORDER_42:abc-1.x');
    expect(calls[0]?.call.trackingId).toBe('ORDER_42:abc-1.x');
  });

  it('replaces an insane or too long TrackingID with a generated WBXPROV_ one', async () => {
    // Prepare
    const { handler } = bodyHandler();
    const bad = ['has spaces', '<script>', 'x'.repeat(129), 'new\nline'];

    for (const value of bad) {
      // Act
      const result = await handler(
        buildEvent('provisionSubscriber', { body: VALID_BODY, headers: { trackingid: value } }),
        lambdaContext(),
      );

      // Assess
      expect(String(result.headers['TrackingID'])).toMatch(/^WBXPROV_[0-9a-f-]{36}$/);
    }
  });

  it('puts the same TrackingID in the header and the body of an error', async () => {
    // Prepare
    const { handler } = bodyHandler();

    // Act
    const result = await handler(
      buildEvent('provisionSubscriber', { body: { ...VALID_BODY, package: 'gold' } }),
      lambdaContext(),
    );

    // Assess
    expect(result.statusCode).toBe(400);
    expect(parse(result).trackingId).toBe(result.headers['TrackingID']);
    expect(result.headers['Content-Type']).toBe('application/json');
  });

  it('adds the security headers to success and error responses', async () => {
    // Prepare
    const { handler } = bodyHandler();

    // Act
    const ok = await handler(buildEvent('provisionSubscriber', { body: VALID_BODY }), lambdaContext());
    const failed = await handler(buildEvent('provisionSubscriber', { body: '{' }), lambdaContext());

    // Assess
    for (const result of [ok, failed]) {
      expect(result.headers['X-Content-Type-Options']).toBe('nosniff');
      expect(result.headers['Cache-Control']).toBe('no-store');
      expect(String(result.headers['Strict-Transport-Security'])).toContain('max-age=');
      expect(result.headers['X-Frame-Options']).toBe('DENY');
      expect(Object.values(result.headers).every((v) => v !== undefined)).toBe(true);
    }
  });

  it('refuses a body that is not application/json with 415 before the handler', async () => {
    // Prepare
    const { handler, calls } = bodyHandler();
    const types = ['text/plain', 'application/xml', 'application/json; charset=latin1', 'application/jsonx'];

    for (const type of types) {
      // Act
      const result = await handler(
        buildEvent('provisionSubscriber', { body: JSON.stringify(VALID_BODY), headers: { 'Content-Type': type } }),
        lambdaContext(),
      );

      // Assess
      expect(result.statusCode).toBe(415);
    }
    expect(calls).toHaveLength(0);
  });

  it('accepts application/json with a UTF-8 charset', async () => {
    // Prepare
    const { handler } = bodyHandler();

    // Act
    const result = await handler(
      buildEvent('provisionSubscriber', {
        body: JSON.stringify(VALID_BODY),
        headers: { 'Content-Type': 'Application/JSON; charset=UTF-8' },
      }),
      lambdaContext(),
    );

    // Assess
    expect(result.statusCode).toBe(200);
  });

  it('refuses a body larger than the limit with 413, counting base64 bodies decoded', async () => {
    // Prepare
    const { handler, calls } = bodyHandler();
    const big = JSON.stringify({ ...VALID_BODY, firstName: 'x'.repeat(RULES.maxRequestBodyBytes) });
    const justUnder = Buffer.alloc(RULES.maxRequestBodyBytes, 'a').toString('base64');

    // Act
    const plain = await handler(
      buildEvent('provisionSubscriber', { body: big, headers: { 'content-type': 'application/json' } }),
      lambdaContext(),
    );
    const encoded = await handler(
      buildEvent('provisionSubscriber', {
        body: Buffer.from(big).toString('base64'),
        isBase64Encoded: true,
        headers: { 'content-type': 'application/json' },
      }),
      lambdaContext(),
    );
    const notTooLarge = await handler(
      buildEvent('provisionSubscriber', {
        body: justUnder,
        isBase64Encoded: true,
        headers: { 'content-type': 'application/json' },
      }),
      lambdaContext(),
    );

    // Assess
    expect(plain.statusCode).toBe(413);
    expect(encoded.statusCode).toBe(413);
    expect(notTooLarge.statusCode).not.toBe(413);
    expect(calls).toHaveLength(0);
  });

  it('parses a base64-encoded JSON body', async () => {
    // Prepare
    const { handler, calls } = bodyHandler();

    // Act
    const result = await handler(
      buildEvent('provisionSubscriber', {
        body: Buffer.from(JSON.stringify(VALID_BODY)).toString('base64'),
        isBase64Encoded: true,
        headers: { 'content-type': 'application/json' },
      }),
      lambdaContext(),
    );

    // Assess
    expect(result.statusCode).toBe(200);
    expect(calls[0]?.body).toEqual(VALID_BODY);
  });

  it('answers malformed JSON with 400 and a Webex body', async () => {
    // Prepare
    const { handler, calls } = bodyHandler();

    // Act
    const result = await handler(
      buildEvent('provisionSubscriber', { body: '{"userId": ', headers: { 'content-type': 'application/json' } }),
      lambdaContext(),
    );

    // Assess
    expect(result.statusCode).toBe(400);
    expect(parse(result).message).toMatch(/malformed JSON/i);
    expect(calls).toHaveLength(0);
  });

  it('answers a missing body on a body route with 400 errorCode 1001', async () => {
    // Prepare
    const { handler } = bodyHandler();

    // Act
    const result = await handler(buildEvent('provisionSubscriber'), lambdaContext());

    // Assess
    expect(result.statusCode).toBe(400);
    expect(parse(result).errors[0]?.errorCode).toBe(1001);
  });

  it('reports every invalid field with 1001/1002 and fieldName', async () => {
    // Prepare
    const { handler } = bodyHandler();
    const { firstName: _omitted, ...withoutFirstName } = VALID_BODY;

    // Act
    const result = await handler(
      buildEvent('provisionSubscriber', { body: { ...withoutFirstName, email: 'not-an-email' } }),
      lambdaContext(),
    );

    // Assess
    const errors = parse(result).errors;
    expect(result.statusCode).toBe(400);
    expect(errors).toContainEqual(expect.objectContaining({ errorCode: 1001, fieldName: 'firstName' }));
    expect(errors).toContainEqual(expect.objectContaining({ errorCode: 1002, fieldName: 'email' }));
  });

  it('refuses a JSON body that is not an object', async () => {
    // Prepare
    const { handler } = bodyHandler();

    // Act
    const results = await Promise.all(
      ['[]', '"text"', '42', 'null'].map((body) =>
        handler(
          buildEvent('provisionSubscriber', { body, headers: { 'content-type': 'application/json' } }),
          lambdaContext(),
        ),
      ),
    );

    // Assess
    for (const result of results) expect(result.statusCode).toBe(400);
  });

  it('answers 401 without the authorizer context and 403 without the route scope', async () => {
    // Prepare
    const { handler, calls } = bodyHandler();

    // Act
    const anonymous = await handler(
      buildEvent('provisionSubscriber', { body: VALID_BODY, claims: null }),
      lambdaContext(),
    );
    const readOnly = await handler(
      buildEvent('provisionSubscriber', { body: VALID_BODY, scopes: ['read'] }),
      lambdaContext(),
    );

    // Assess
    expect(anonymous.statusCode).toBe(401);
    expect(readOnly.statusCode).toBe(403);
    expect(calls).toHaveLength(0);
  });

  it('reads the scope from the scope claim when the authorizer gives no scopes list', async () => {
    // Prepare
    const { handler } = bodyHandler();
    const event = buildEvent('provisionSubscriber', {
      body: VALID_BODY,
      claims: { sub: 'svc', scope: 'openid spark-admin:broadworks_subscribers_write' },
      scopes: [],
    });

    // Act
    const result = await handler(event, lambdaContext());

    // Assess
    expect(result.statusCode).toBe(200);
  });

  it('validates path parameters before the handler', async () => {
    // Prepare
    let called = false;
    const handler = createHttpHandler({
      operationId: 'removeSubscriber',
      params: SubscriberPathSchema,
      logger: quiet,
      handle: async () => {
        called = true;
        return noContent();
      },
    });

    // Act
    const result = await handler(
      buildEvent('removeSubscriber', { pathParameters: { subscriberId: 'bad id!' } }),
      lambdaContext(),
    );

    // Assess
    expect(result.statusCode).toBe(400);
    expect(parse(result).errors[0]).toMatchObject({ errorCode: 1002, fieldName: 'subscriberId' });
    expect(called).toBe(false);
  });

  it('answers 204 without a body or content type', async () => {
    // Prepare
    const handler = createHttpHandler({
      operationId: 'removeSubscriber',
      params: SubscriberPathSchema,
      logger: quiet,
      handle: async () => noContent(),
    });

    // Act
    const result = await handler(
      buildEvent('removeSubscriber', { pathParameters: { subscriberId: 'abc' } }),
      lambdaContext(),
    );

    // Assess
    expect(result.statusCode).toBe(204);
    expect(result.body).toBeUndefined();
    expect(result.headers['Content-Type']).toBeUndefined();
    expect(result.headers['TrackingID']).toBeDefined();
  });

  it('turns an unexpected handler failure into a 500 Webex body without a stack', async () => {
    // Prepare
    const handler = createHttpHandler({
      operationId: 'getSubscriber',
      params: SubscriberPathSchema,
      logger: quiet,
      handle: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });

    // Act
    const result = await handler(
      buildEvent('getSubscriber', { pathParameters: { subscriberId: 'abc' } }),
      lambdaContext(),
    );

    // Assess
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('cannot read');
    expect(parse(result).trackingId).toBe(result.headers['TrackingID']);
  });

  it('validates the query with its schema', async () => {
    // Prepare
    const handler = createHttpHandler({
      operationId: 'listSubscribers',
      query: z.object({ max: z.string().regex(/^\d+$/, { error: 'must be a number' }) }),
      logger: quiet,
      handle: async ({ query }) => json(200, query),
    });

    // Act
    const bad = await handler(buildEvent('listSubscribers', { query: { max: 'ten' } }), lambdaContext());
    const good = await handler(buildEvent('listSubscribers', { query: { max: '10' } }), lambdaContext());

    // Assess
    expect(bad.statusCode).toBe(400);
    expect(parse(bad).errors[0]).toMatchObject({ errorCode: 1002, fieldName: 'max' });
    expect(JSON.parse(good.body ?? '{}')).toEqual({ max: '10' });
  });

  it('serves concurrent requests with their own TrackingIDs', async () => {
    // Prepare
    const handler = createHttpHandler({
      operationId: 'getSubscriber',
      params: SubscriberPathSchema,
      logger: quiet,
      handle: async ({ call, params }) => {
        await new Promise((resolve) => setImmediate(resolve));
        return json(200, { trackingId: call.trackingId, id: params.subscriberId });
      },
    });

    // Act
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        handler(
          buildEvent('getSubscriber', { pathParameters: { subscriberId: `s${i}` }, headers: { trackingid: `T${i}` } }),
          lambdaContext(),
        ),
      ),
    );

    // Assess
    results.forEach((result, i) => {
      expect(JSON.parse(result.body ?? '{}')).toEqual({ trackingId: `T${i}`, id: `s${i}` });
      expect(result.headers['TrackingID']).toBe(`T${i}`);
    });
  });
});
