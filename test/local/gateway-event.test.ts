import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { SCOPES } from '../../functions/catalog/routes';
import { type GatewayHarness, rawRequest, startGatewayHarness } from './gateway-harness';

/** `APIGatewayProxyEventV2WithJWTAuthorizer` of @types/aws-lambda as a strict runtime schema (no unknown members). */
const RequestContextFields = {
  accountId: z.string().regex(/^\d{12}$/),
  apiId: z.string().min(1),
  domainName: z.string().min(1),
  domainPrefix: z.string().min(1),
  http: z.strictObject({
    method: z.string(),
    path: z.string(),
    protocol: z.string().regex(/^HTTP\/1\.[01]$/),
    sourceIp: z.string().min(1),
    userAgent: z.string(),
  }),
  requestId: z.string().min(1),
  routeKey: z.string(),
  stage: z.literal('$default'),
  time: z.string().regex(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
  timeEpoch: z.number().int(),
};
const EventFields = {
  version: z.literal('2.0'),
  routeKey: z.string(),
  rawPath: z.string(),
  rawQueryString: z.string(),
  cookies: z.array(z.string()).optional(),
  headers: z.record(z.string(), z.string()),
  queryStringParameters: z.record(z.string(), z.string()).optional(),
  pathParameters: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean(),
};
const JwtEventSchema = z.strictObject({
  ...EventFields,
  requestContext: z.strictObject({
    ...RequestContextFields,
    authorizer: z.strictObject({
      principalId: z.string().nullable().optional(),
      integrationLatency: z.number().nullable().optional(),
      jwt: z.strictObject({ claims: z.record(z.string(), z.string()), scopes: z.array(z.string()).nullable() }),
    }),
  }),
});
const PublicEventSchema = z.strictObject({ ...EventFields, requestContext: z.strictObject(RequestContextFields) });

// Compile-time: what the schemas accept is assignable to the @types/aws-lambda event types.
const asJwtEvent = (value: z.infer<typeof JwtEventSchema>): APIGatewayProxyEventV2WithJWTAuthorizer => value;
const asPublicEvent = (value: z.infer<typeof PublicEventSchema>): APIGatewayProxyEventV2 => value;

describe('local gateway: the payload 2.0 event', () => {
  let harness: GatewayHarness;
  let readToken: string;

  beforeAll(async () => {
    harness = await startGatewayHarness({ timeoutsMs: { api: 29_000 } });
    readToken = await harness.idp.mint(['read']);
  });
  afterAll(() => harness.stop());
  beforeEach(() => {
    harness.calls.length = 0;
    harness.respond = () => ({ statusCode: 200, body: '{}' });
  });

  it('hands the handler an event of the APIGatewayProxyEventV2WithJWTAuthorizer shape for a route with a scope', async () => {
    // Prepare
    const url = `${harness.url}/v1/broadworks/subscribers?status=provisioned&max=2&status=error`;

    // Act
    const response = await rawRequest(url, {
      headers: {
        authorization: `Bearer ${readToken}`,
        'x-repeated': ['first', 'second'],
        cookie: 'a=1; b=2',
        'user-agent': 'spec-client/1.0',
      },
    });

    // Assess
    expect(response.status).toBe(200);
    const [call] = harness.calls;
    const event = asJwtEvent(JwtEventSchema.parse(call?.event));
    expect(event.routeKey).toBe('GET /v1/broadworks/subscribers');
    expect(event.requestContext.routeKey).toBe('GET /v1/broadworks/subscribers');
    expect(event.rawPath).toBe('/v1/broadworks/subscribers');
    expect(event.rawQueryString).toBe('status=provisioned&max=2&status=error');
    expect(event.queryStringParameters).toEqual({ status: 'provisioned,error', max: '2' });
    expect(event.headers['x-repeated']).toBe('first,second');
    expect(event.headers['user-agent']).toBe('spec-client/1.0');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.requestContext.http).toMatchObject({
      method: 'GET',
      path: '/v1/broadworks/subscribers',
      userAgent: 'spec-client/1.0',
      sourceIp: '127.0.0.1',
    });
    expect(event.requestContext.domainName).toBe(new URL(harness.url).host);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(10_000);
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
    expect(event.pathParameters).toBeUndefined();
  });

  it('passes the verified claims as strings and the matched route scope, as the JWT authorizer does', async () => {
    // Prepare
    const token = await harness.idp.mint(['read', 'write'], { groups: ['a', 'b'] });

    // Act
    await rawRequest(`${harness.url}/v1/broadworks/subscribers`, { headers: { authorization: `Bearer ${token}` } });

    // Assess
    const event = asJwtEvent(JwtEventSchema.parse(harness.calls[0]?.event));
    const { claims, scopes } = event.requestContext.authorizer.jwt;
    expect(claims).toMatchObject({
      iss: harness.idp.issuer,
      aud: harness.idp.audience,
      sub: 'local-developer',
      client_id: 'local-sandbox',
      scope: `${SCOPES.read} ${SCOPES.write}`,
      groups: '[a b]',
    });
    expect(claims.exp).toMatch(/^\d+$/);
    expect(scopes).toEqual([SCOPES.read]);
  });

  it('gives every request its own requestId', async () => {
    // Act
    for (let i = 0; i < 3; i++) {
      await fetch(`${harness.url}/v1/broadworks/subscribers`, { headers: { authorization: `Bearer ${readToken}` } });
    }

    // Assess
    const ids = harness.calls.map((c) => c.event.requestContext.requestId);
    expect(new Set(ids).size).toBe(3);
    const awsRequestIds = harness.calls.map((c) => c.context.awsRequestId);
    expect(new Set(awsRequestIds).size).toBe(3);
  });

  it('decodes path parameters and prefers a literal segment over a parameter of the same method', async () => {
    // Prepare
    const writeToken = await harness.idp.mint(['write', 'read']);
    const auth = { authorization: `Bearer ${writeToken}` };

    // Act
    await fetch(`${harness.url}/v1/broadworks/subscribers/Y2lzY29zcGFyazov%3D%3D`, { headers: auth });
    await fetch(`${harness.url}/v1/broadworks/subscribers/validate`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"email":"someone@example.com"}',
    });
    await fetch(`${harness.url}/v1/broadworks/subscribers/validate`, { headers: auth });

    // Assess
    const [get, precheck, getValidate] = harness.calls;
    expect(get?.event.routeKey).toBe('GET /v1/broadworks/subscribers/{subscriberId}');
    expect(get?.event.rawPath).toBe('/v1/broadworks/subscribers/Y2lzY29zcGFyazov%3D%3D');
    expect(get?.event.pathParameters).toEqual({ subscriberId: 'Y2lzY29zcGFyazov==' });
    expect(precheck?.route.operationId).toBe('precheckSubscriber');
    expect(precheck?.event.pathParameters).toBeUndefined();
    expect(getValidate?.route.operationId).toBe('getSubscriber');
    expect(getValidate?.event.pathParameters).toEqual({ subscriberId: 'validate' });
  });

  it('passes a JSON body as text and a binary body base64-encoded', async () => {
    // Prepare
    const writeToken = await harness.idp.mint(['write']);
    const json = '{"firstName":"Zoë"}';
    const binary = Buffer.from([0, 1, 2, 253, 254, 255]);

    // Act
    await fetch(`${harness.url}/v1/broadworks/subscribers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writeToken}`, 'content-type': 'application/json; charset=utf-8' },
      body: json,
    });
    await fetch(`${harness.url}/v1/broadworks/subscribers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writeToken}`, 'content-type': 'application/octet-stream' },
      body: binary,
    });

    // Assess
    const [text, bytes] = harness.calls.map((c) => asJwtEvent(JwtEventSchema.parse(c.event)));
    expect(text?.body).toBe(json);
    expect(text?.isBase64Encoded).toBe(false);
    expect(bytes?.isBase64Encoded).toBe(true);
    expect(Buffer.from(bytes?.body ?? '', 'base64')).toEqual(binary);
  });

  it('calls a public route without an authorizer and without a token', async () => {
    // Act
    const response = await fetch(`${harness.url}/openapi.json`);

    // Assess
    expect(response.status).toBe(200);
    const event = asPublicEvent(PublicEventSchema.parse(harness.calls[0]?.event));
    expect(event.routeKey).toBe('GET /openapi.json');
    expect('authorizer' in event.requestContext).toBe(false);
  });

  it('gives the handler a Lambda-like context with the time left before the route timeout', async () => {
    // Act
    await fetch(`${harness.url}/v1/broadworks/subscribers`, { headers: { authorization: `Bearer ${readToken}` } });

    // Assess
    const [call] = harness.calls;
    expect(call?.context.functionName).toBe('webex-bw-provisioning-local-listSubscribers');
    expect(call?.context.invokedFunctionArn).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:webex-bw-provisioning-local-listSubscribers',
    );
    expect(call?.context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(call?.context.memoryLimitInMB).toBe('512');
    expect(call?.remainingAtCall).toBeGreaterThan(28_000);
    expect(call?.remainingAtCall).toBeLessThanOrEqual(29_000);
  });

  it('loads each route handler once and reuses it, like a warm Lambda', async () => {
    // Act
    for (let i = 0; i < 3; i++) {
      await fetch(`${harness.url}/v1/broadworks/subscribers`, { headers: { authorization: `Bearer ${readToken}` } });
    }

    // Assess
    expect(harness.loads.listSubscribers).toBe(1);
  });
});
