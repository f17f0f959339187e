import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/catalog/routes';
import { createLogger } from '../../functions/shared/logger';
import { createLocalGateway } from '../../local/gateway/server';
import { type GatewayHarness, rawRequest, startGatewayHarness } from './gateway-harness';

interface ErrorBody {
  message: string;
  errors: Array<{ description: string }>;
  trackingId: string;
}

async function expectWebexError(response: Response, status: number): Promise<ErrorBody> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json');
  const body = (await response.json()) as ErrorBody;
  expect(body).toEqual({
    message: expect.any(String),
    errors: [{ description: expect.any(String) }],
    trackingId: expect.stringMatching(/^WBXPROV_/),
  });
  expect(response.headers.get('trackingid')).toBe(body.trackingId);
  return body;
}

describe('local gateway: responses and errors', () => {
  let harness: GatewayHarness;
  let token: string;
  const list = () =>
    fetch(`${harness.url}/v1/broadworks/subscribers`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    harness = await startGatewayHarness({ timeoutsMs: { api: 5 }, maxBodyBytes: 1024 });
    token = await harness.idp.mint(['read', 'write']);
  });
  afterAll(() => harness.stop());
  beforeEach(() => {
    harness.calls.length = 0;
    harness.logLines.length = 0;
  });

  it('maps a structured result: status, headers, cookies and a base64 body', async () => {
    // Prepare
    harness.respond = () => ({
      statusCode: 201,
      headers: { 'Content-Type': 'application/octet-stream', TrackingID: 'T-1', 'x-count': 3 },
      cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
      body: Buffer.from([1, 2, 3, 250]).toString('base64'),
      isBase64Encoded: true,
    });

    // Act
    const response = await rawRequest(`${harness.url}/v1/broadworks/subscribers`, {
      headers: { authorization: `Bearer ${token}` },
    });

    // Assess
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.headers.trackingid).toBe('T-1');
    expect(response.headers['x-count']).toBe('3');
    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(response.headers['apigw-requestid']).toBe(harness.calls[0]?.event.requestContext.requestId);
    expect(response.bytes).toEqual(Buffer.from([1, 2, 3, 250]));
  });

  it('answers a 204 without a body', async () => {
    // Prepare
    harness.respond = () => ({ statusCode: 204, headers: { trackingid: 'T-2' } });

    // Act
    const response = await list();

    // Assess
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('answers a string result as a 200 application/json body, as API Gateway does', async () => {
    // Prepare
    harness.respond = () => 'Hello from Lambda!';

    // Act
    const response = await list();

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('Hello from Lambda!');
  });

  it('serializes an object result without statusCode as a 200 JSON body', async () => {
    // Prepare
    harness.respond = () => ({ items: [{ id: 'x' }] });

    // Act
    const response = await list();

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [{ id: 'x' }] });
  });

  it.each([
    ['no value', undefined],
    ['a status code out of range', { statusCode: 42 }],
    ['a body that is not a string', { statusCode: 200, body: { a: 1 } }],
    ['a header that is an object', { statusCode: 200, headers: { 'x-a': { b: 1 } } }],
    ['a header with a line break', { statusCode: 200, headers: { 'x-a': 'b\r\nset-cookie: evil=1' } }],
    ['cookies that are not strings', { statusCode: 200, cookies: [1] }],
  ])('answers 502 with a Webex body when the handler returns %s', async (_, result) => {
    // Prepare
    harness.respond = () => result;

    // Act
    const response = await list();

    // Assess
    const body = await expectWebexError(response, 502);
    expect(JSON.stringify(body)).not.toContain('evil');
  });

  it('answers 500 with a Webex body when the handler throws, and keeps serving', async () => {
    // Prepare
    harness.respond = () => {
      throw new Error('boom with a secret stack');
    };

    // Act
    const failed = await list();
    harness.respond = () => ({ statusCode: 200, body: '{"ok":true}' });
    const next = await list();

    // Assess
    const body = await expectWebexError(failed, 500);
    expect(JSON.stringify(body)).not.toContain('boom');
    expect(next.status).toBe(200);
  });

  it('answers 504 when the handler does not answer within the route timeout', async () => {
    // Prepare
    harness.respond = () => new Promise(() => undefined);

    // Act
    const response = await list();

    // Assess
    await expectWebexError(response, 504);
  });

  it('answers 404 with a Webex body for an unknown path', async () => {
    // Act
    const response = await fetch(`${harness.url}/v1/nothing/here`, { headers: { authorization: `Bearer ${token}` } });

    // Assess
    const body = await expectWebexError(response, 404);
    expect(body.errors[0]?.description).toContain('/v1/nothing/here');
    expect(harness.calls).toHaveLength(0);
  });

  it('answers 405 with Allow for a known path and an unsupported method', async () => {
    // Act
    const response = await fetch(`${harness.url}/v1/broadworks/subscribers`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}` },
    });

    // Assess
    await expectWebexError(response, 405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });

  it('lists every method of the path templates that match in Allow', async () => {
    // Act
    const response = await fetch(`${harness.url}/v1/broadworks/subscribers/abc`, { method: 'PATCH' });

    // Assess
    await expectWebexError(response, 405);
    expect(response.headers.get('allow')).toBe('DELETE, GET, PUT');
  });

  it('answers 413 for a declared body over the hard limit without calling the handler', async () => {
    // Act
    const response = await fetch(`${harness.url}/v1/broadworks/subscribers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: `"${'x'.repeat(4096)}"`,
    });

    // Assess
    await expectWebexError(response, 413);
    expect(harness.calls).toHaveLength(0);
  });

  it('stops buffering a chunked body past the hard limit and answers 413', async () => {
    // Prepare
    const chunks = Array.from({ length: 8 }, () => Buffer.alloc(512, 0x61));

    // Act
    const response = await rawRequest(`${harness.url}/v1/broadworks/subscribers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      chunks,
    });

    // Assess
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text)).toMatchObject({ message: 'The request body is too large.' });
    expect(harness.calls).toHaveLength(0);
  });

  it('writes one access log line per request with no token, query or body', async () => {
    // Prepare
    harness.respond = () => ({ statusCode: 200, body: '{}' });

    // Act
    await fetch(`${harness.url}/v1/broadworks/subscribers?email=someone%40example.com`, {
      headers: { authorization: `Bearer ${token}` },
    });

    // Assess
    const lines = harness.logLines.filter((l) => l.message === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      method: 'GET',
      routeKey: 'GET /v1/broadworks/subscribers',
      status: 200,
      latencyMs: expect.any(Number),
      requestId: harness.calls[0]?.event.requestContext.requestId,
    });
    const text = JSON.stringify(harness.logLines);
    expect(text).not.toContain(token);
    expect(text).not.toContain('someone');
  });
});

describe('local gateway: handler modules', () => {
  it('answers 500 when a handler module cannot be loaded, and logs why', async () => {
    // Prepare
    const lines: string[] = [];
    const gateway = createLocalGateway({
      routes: ROUTES.filter((r) => r.scope === null),
      loadHandler: async () => {
        throw new Error('SyntaxError in module');
      },
      logger: createLogger({}, { level: 'debug', sink: (line) => lines.push(line) }),
    });
    const { url } = await gateway.start({ port: 0 });

    try {
      // Act
      const response = await fetch(`${url}/openapi.json`);

      // Assess
      await expectWebexError(response, 500);
      expect(lines.join('\n')).toContain('SyntaxError in module');
    } finally {
      await gateway.stop();
    }
  });

  it('imports the entry module of the route table and calls its handler', async () => {
    // Prepare
    const gateway = createLocalGateway({
      routes: [
        {
          operationId: 'fixture',
          method: 'GET',
          path: '/fixture/{name}',
          entry: 'test/local/fixtures/echo-handler.ts',
          scope: null,
          role: 'docs',
          summary: 'echo',
        },
      ],
      logger: createLogger({}, { level: 'silent' }),
    });
    const { url } = await gateway.start({ port: 0 });

    try {
      // Act
      const response = await fetch(`${url}/fixture/hello%20world?x=1&x=2`);

      // Assess
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        routeKey: 'GET /fixture/{name}',
        name: 'hello world',
        x: '1,2',
        functionName: 'webex-bw-provisioning-local-fixture',
      });
    } finally {
      await gateway.stop();
    }
  });

  it('answers 503 on a route with a scope until an authorizer is set', async () => {
    // Prepare
    const gateway = createLocalGateway({ logger: createLogger({}, { level: 'silent' }) });
    const { url } = await gateway.start({ port: 0 });

    try {
      // Act
      const response = await fetch(`${url}/v1/broadworks/subscribers`);

      // Assess
      await expectWebexError(response, 503);
    } finally {
      await gateway.stop();
    }
  });
});
