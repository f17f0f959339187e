/**
 * Every API handler module, invoked with real payload 2.0 events against the Webex simulator (port 0) and dynalite,
 * through the real composition root (env set, singletons reset).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FOLLOW_FILTER } from '../../functions/adapters/dynamodb/audit-outbox';
import { handler as apiDocs } from '../../functions/api/api-docs';
import { handler as getSubscriber } from '../../functions/api/get-subscriber';
import { handler as listSubscriberAudit } from '../../functions/api/list-subscriber-audit';
import { handler as listSubscribers } from '../../functions/api/list-subscribers';
import { handler as openApiDocument } from '../../functions/api/openapi-document';
import { handler as precheckSubscriber } from '../../functions/api/precheck-subscriber';
import { handler as provisionSubscriber } from '../../functions/api/provision-subscriber';
import { handler as removeSubscriber } from '../../functions/api/remove-subscriber';
import { handler as resendConsent } from '../../functions/api/resend-consent';
import { handler as updateSubscriber } from '../../functions/api/update-subscriber';
import { REFRESH_GRANT_COMPOSITION } from '../../functions/composition/refresh-grant';
import { resetCompositionForTests } from '../../functions/composition/root';
import type { AuditRecord } from '../../functions/domain/ports/audit';
import type { ApiHandler } from '../../functions/http/handler';
import type { ApiResult } from '../../functions/http/types';
import { handler as followSubscribers } from '../../functions/streams/follow-subscribers';
import { type AuditStreamProxy, startAuditStreamProxy } from '../../local/audit-stream';
import { createWebexSimulator, TRUSTED_TEMPLATE_ID, type WebexSimulator } from '../../local/webex-simulator';
import { buildEvent, type EventOptions, lambdaContext } from '../support/apigw-event';
import { startTestDynamo, TEST_AWS_ENV, type TestDynamo } from '../support/dynalite';
import { type FakeAwsEndpoint, startFakeAwsEndpoint } from '../support/fake-aws-endpoint';
import { createManualClock } from '../support/fakes';
import { expectValidResponse } from '../support/spec-validator';

const PROVISIONING_DELAY_MS = 5_000;
const simulatorClock = createManualClock();
let simulator: WebexSimulator;
let dynamo: TestDynamo;
const savedEnv = { ...process.env };

/**
 * The Webex client runs on the system clock (its attempt timeouts are real), but never sleeps: no backoff, and every
 * Retry-After in these tests ends past the call's deadline.
 */
const FAST_CLIENT = { maxAttempts: 2, backoff: { baseMs: 0, capMs: 0 }, attemptTimeoutMs: 5_000 };

beforeAll(async () => {
  simulator = createWebexSimulator({
    clock: simulatorClock,
    provisioningDelayMs: PROVISIONING_DELAY_MS,
    updateDelayMs: 1_000,
  });
  await simulator.start({ port: 0, host: '127.0.0.1' });
  dynamo = await startTestDynamo('audit-handlers');
});

afterAll(async () => {
  await simulator.stop();
  await dynamo.stop();
  process.env = savedEnv;
  resetCompositionForTests();
});

beforeEach(() => {
  simulator.reset();
  const { clientId, clientSecret, refreshToken } = simulator.credentials;
  process.env = {
    ...savedEnv,
    ...TEST_AWS_ENV,
    AUDIT_TABLE_NAME: dynamo.tableName,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    WEBEX_BASE_URL: `${simulator.url}/v1`,
    WEBEX_REFRESH_TOKEN: refreshToken,
    WEBEX_CLIENT_ID: clientId,
    WEBEX_CLIENT_SECRET: clientSecret,
    AUDIT_DIGEST_KEY: 'test-digest-key-0123456789abcdef0123456789',
    LOG_LEVEL: 'silent',
  };
  delete process.env.STATE_MACHINE_ARN;
  delete process.env.PARTNER_TOKEN_SECRET_ID;
  delete process.env.AUDIT_DIGEST_SECRET_ID;
  resetCompositionForTests({ ...REFRESH_GRANT_COMPOSITION, webexClient: FAST_CLIENT });
});

afterEach(() => {
  simulator.resetFaults();
});

async function invoke(handler: ApiHandler, operationId: string, options: EventOptions = {}, remainingMs?: number) {
  const result = await handler(buildEvent(operationId, options), lambdaContext(remainingMs));
  const body = result.body === undefined || result.body === '' ? undefined : (JSON.parse(result.body) as unknown);
  return { result, body: body as Record<string, unknown> & { items?: unknown[] } };
}

function upstreamCalls(operation: string): number {
  return simulator.stats().requests.byOperation[operation as 'getSubscriber']?.total ?? 0;
}

function provisionBody(overrides: Record<string, unknown> = {}) {
  return {
    provisioningId: TRUSTED_TEMPLATE_ID,
    userId: `user-${Math.random().toString(36).slice(2)}@sp.example.com`,
    spEnterpriseId: 'SP1+acme',
    firstName: 'Ada',
    lastName: 'Lovelace',
    package: 'standard',
    primaryPhoneNumber: '+1-240-555-1212',
    email: `ada.${Math.random().toString(36).slice(2)}@acme.example.com`,
    ...overrides,
  };
}

async function provision(overrides: Record<string, unknown> = {}) {
  const { result, body } = await invoke(provisionSubscriber, 'provisionSubscriber', { body: provisionBody(overrides) });
  expect(result.statusCode).toBe(200);
  return body as unknown as { id: string; status: string };
}

async function auditOf(subscriberId: string): Promise<AuditRecord[]> {
  const { result, body } = await invoke(listSubscriberAudit, 'listSubscriberAudit', {
    pathParameters: { subscriberId },
  });
  expect(result.statusCode).toBe(200);
  return body.items as AuditRecord[];
}

function headers(result: ApiResult) {
  return result.headers;
}

describe('POST /v1/broadworks/subscribers (provisionSubscriber)', () => {
  it('provisions: 200 with the subscriber in provisioning, valid against the spec, and one audit record', async () => {
    // Prepare
    const body = provisionBody();

    // Act
    const { result, body: subscriber } = await invoke(provisionSubscriber, 'provisionSubscriber', {
      body,
      headers: { TrackingID: 'CALLER_1' },
      requestId: 'provision-req-1',
    });

    // Assess
    expect(result.statusCode).toBe(200);
    expect(subscriber.status).toBe('provisioning');
    expect(headers(result)['TrackingID']).toBe('CALLER_1');
    expectValidResponse('post', '/broadworks/subscribers', 200, subscriber);
    const records = await auditOf(subscriber.id as string);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      action: 'provision',
      actor: 'ordering-system',
      outcome: { result: 'success', statusCode: 200 },
      status: { to: 'provisioning' },
      trackingId: 'CALLER_1',
    });
    expect(JSON.stringify(records)).not.toContain(body.email);
    expect(JSON.stringify(records)).not.toContain('Lovelace');
  });

  it('refuses an invalid body with 400 before any upstream call', async () => {
    // Prepare
    const body = provisionBody({ package: 'gold', email: 'nope' });

    // Act
    const { result, body: error } = await invoke(provisionSubscriber, 'provisionSubscriber', { body });

    // Assess
    expect(result.statusCode).toBe(400);
    expectValidResponse('post', '/broadworks/subscribers', 400, error);
    expect(error.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ errorCode: 1002, fieldName: 'package' }),
        expect.objectContaining({ errorCode: 1002, fieldName: 'email' }),
      ]),
    );
    expect(upstreamCalls('provisionSubscriber')).toBe(0);
  });

  it('refuses XML with 415 and malformed JSON with 400 before any upstream call', async () => {
    // Act
    const xml = await invoke(provisionSubscriber, 'provisionSubscriber', {
      body: '<subscriber/>',
      headers: { 'content-type': 'application/xml' },
    });
    const broken = await invoke(provisionSubscriber, 'provisionSubscriber', {
      body: '{"a":',
      headers: { 'content-type': 'application/json' },
    });

    // Assess
    expect(xml.result.statusCode).toBe(415);
    expectValidResponse('post', '/broadworks/subscribers', 415, xml.body);
    expect(broken.result.statusCode).toBe(400);
    expect(upstreamCalls('provisionSubscriber')).toBe(0);
  });

  it("passes Webex's 409 for a duplicate userId through with errorCode 10022, and audits the failure", async () => {
    // Prepare
    const first = provisionBody();
    await invoke(provisionSubscriber, 'provisionSubscriber', { body: first });

    // Act
    const { result, body } = await invoke(provisionSubscriber, 'provisionSubscriber', {
      body: { ...first, email: 'other@acme.example.com' },
      requestId: 'dup-req',
    });

    // Assess
    expect(result.statusCode).toBe(409);
    expectValidResponse('post', '/broadworks/subscribers', 409, body);
    expect(body.errors).toEqual([expect.objectContaining({ errorCode: 10022 })]);
    expect(body.trackingId).toBe(headers(result)['TrackingID']);
  });

  it('passes a 429 through with its Retry-After when the wait would pass the deadline', async () => {
    // Prepare
    simulator.setFaults({ rateLimit: { requestsPerSecond: 1, retryAfterSeconds: 60 } });
    await invoke(getSubscriber, 'getSubscriber', { pathParameters: { subscriberId: 'warmup' } });

    // Act
    const { result, body } = await invoke(
      provisionSubscriber,
      'provisionSubscriber',
      { body: provisionBody() },
      10_000,
    );

    // Assess
    expect(result.statusCode).toBe(429);
    expect(headers(result)['Retry-After']).toBe('60');
    expect(body.trackingId).toBe(headers(result)['TrackingID']);
  });

  it('answers 503 when Webex keeps answering 503', async () => {
    // Prepare
    simulator.setFaults({ errorRate: { share: 1, statuses: [503] }, operations: ['provisionSubscriber'] });

    // Act
    const { result, body } = await invoke(provisionSubscriber, 'provisionSubscriber', { body: provisionBody() });

    // Assess
    expect(result.statusCode).toBe(503);
    expectValidResponse('post', '/broadworks/subscribers', 503, body);
    expect(upstreamCalls('provisionSubscriber')).toBe(2);
  });

  it('answers 500 naming nothing internal when its configuration is incomplete, before any upstream call', async () => {
    // Prepare
    delete process.env.AUDIT_TABLE_NAME;
    resetCompositionForTests({ ...REFRESH_GRANT_COMPOSITION, webexClient: FAST_CLIENT });

    // Act
    const { result, body } = await invoke(provisionSubscriber, 'provisionSubscriber', { body: provisionBody() });

    // Assess
    expect(result.statusCode).toBe(500);
    expect(body.message).toBe('The service is not configured correctly.');
    expect(upstreamCalls('provisionSubscriber')).toBe(0);
  });
});

describe('GET /v1/broadworks/subscribers/{subscriberId} (getSubscriber)', () => {
  it('reads a subscriber: 200, valid against the spec', async () => {
    // Prepare
    const { id } = await provision();

    // Act
    const { result, body } = await invoke(getSubscriber, 'getSubscriber', { pathParameters: { subscriberId: id } });

    // Assess
    expect(result.statusCode).toBe(200);
    expect(body.id).toBe(id);
    expectValidResponse('get', '/broadworks/subscribers/{subscriberId}', 200, body);
  });

  it("passes Webex's 404 through", async () => {
    // Act
    const { result, body } = await invoke(getSubscriber, 'getSubscriber', {
      pathParameters: { subscriberId: 'Y2lzY29unknown' },
    });

    // Assess
    expect(result.statusCode).toBe(404);
    expectValidResponse('get', '/broadworks/subscribers/{subscriberId}', 404, body);
  });

  it('refuses a malformed subscriber id with 400 before any upstream call', async () => {
    // Act
    const { result, body } = await invoke(getSubscriber, 'getSubscriber', {
      pathParameters: { subscriberId: '../etc/passwd' },
    });

    // Assess
    expect(result.statusCode).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ errorCode: 1002, fieldName: 'subscriberId' })]);
    expect(upstreamCalls('getSubscriber')).toBe(0);
  });

  it('answers 403 to a token without the read scope, before any upstream call', async () => {
    // Act
    const { result } = await invoke(getSubscriber, 'getSubscriber', {
      pathParameters: { subscriberId: 'abc' },
      scopes: ['write'],
    });

    // Assess
    expect(result.statusCode).toBe(403);
    expect(upstreamCalls('getSubscriber')).toBe(0);
  });
});

describe('GET /v1/broadworks/subscribers (listSubscribers)', () => {
  it("pages with max and rewrites Webex's next link to this service, keeping max and the filters", async () => {
    // Prepare
    for (let i = 0; i < 3; i++) await provision({ spEnterpriseId: 'SP1+paging' });
    await provision({ spEnterpriseId: 'SP1+elsewhere' });

    // Act
    const first = await invoke(listSubscribers, 'listSubscribers', {
      query: { max: '2', spEnterpriseId: 'SP1+paging' },
      domainName: 'api.example.com',
    });
    const link = String(headers(first.result)['Link'] ?? '');
    const next = new URL(/^<([^>]+)>; rel="next"$/.exec(link)?.[1] ?? 'http://invalid');
    const second = await invoke(listSubscribers, 'listSubscribers', {
      query: Object.fromEntries(next.searchParams),
      domainName: 'api.example.com',
    });

    // Assess
    expect(first.result.statusCode).toBe(200);
    expectValidResponse('get', '/broadworks/subscribers', 200, first.body);
    expect(first.body.items).toHaveLength(2);
    expect(next.origin).toBe('https://api.example.com');
    expect(next.pathname).toBe('/v1/broadworks/subscribers');
    expect(next.searchParams.get('max')).toBe('2');
    expect(next.searchParams.get('spEnterpriseId')).toBe('SP1+paging');
    expect(second.body.items).toHaveLength(1);
    expect(headers(second.result)['Link']).toBeUndefined();
  });

  it('refuses an invalid filter with 400 before any upstream call', async () => {
    // Act
    const { result, body } = await invoke(listSubscribers, 'listSubscribers', {
      query: { max: '500', status: 'happy' },
    });

    // Assess
    expect(result.statusCode).toBe(400);
    expect(body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ fieldName: 'max', errorCode: 1002 }),
        expect.objectContaining({ fieldName: 'status', errorCode: 1002 }),
      ]),
    );
    expect(upstreamCalls('listSubscribers')).toBe(0);
  });
});

describe('PUT /v1/broadworks/subscribers/{subscriberId} (updateSubscriber)', () => {
  it('updates a provisioned subscriber: 200 with updating and the old values, audited', async () => {
    // Prepare
    const { id } = await provision();
    simulatorClock.advance(PROVISIONING_DELAY_MS + 1);

    // Act
    const { result, body } = await invoke(updateSubscriber, 'updateSubscriber', {
      pathParameters: { subscriberId: id },
      body: { package: 'premium', firstName: 'Augusta' },
    });

    // Assess
    expect(result.statusCode).toBe(200);
    expectValidResponse('put', '/broadworks/subscribers/{subscriberId}', 200, body);
    expect(body).toMatchObject({ status: 'updating', package: 'standard', firstName: 'Ada' });
    const records = await auditOf(id);
    expect(records.map((r) => r.action)).toEqual(['update', 'provision']);
    expect(records[0]?.changes).toContainEqual({ field: 'package', value: 'premium' });
    expect(JSON.stringify(records[0])).not.toContain('Augusta');
  });

  it("passes Webex's 409 through for a subscriber that is not provisioned yet", async () => {
    // Prepare
    const { id } = await provision();

    // Act
    const { result, body } = await invoke(updateSubscriber, 'updateSubscriber', {
      pathParameters: { subscriberId: id },
      body: { package: 'premium' },
    });

    // Assess
    expect(result.statusCode).toBe(409);
    expectValidResponse('put', '/broadworks/subscribers/{subscriberId}', 409, body);
    const records = await auditOf(id);
    expect(records[0]).toMatchObject({ action: 'update', outcome: { result: 'failure', statusCode: 409 } });
  });

  it('refuses an immutable field with 400 1002 before any upstream call', async () => {
    // Act
    const { result, body } = await invoke(updateSubscriber, 'updateSubscriber', {
      pathParameters: { subscriberId: 'abc' },
      body: { email: 'new@acme.example.com' },
    });

    // Assess
    expect(result.statusCode).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ errorCode: 1002, fieldName: 'email' })]);
    expect(upstreamCalls('updateSubscriber')).toBe(0);
  });
});

describe('DELETE /v1/broadworks/subscribers/{subscriberId} (removeSubscriber)', () => {
  it('removes: 204 without a body; the subscriber is then 404; the removal is audited', async () => {
    // Prepare
    const { id } = await provision();

    // Act
    const { result, body } = await invoke(removeSubscriber, 'removeSubscriber', {
      pathParameters: { subscriberId: id },
    });
    const after = await invoke(getSubscriber, 'getSubscriber', { pathParameters: { subscriberId: id } });

    // Assess
    expect(result.statusCode).toBe(204);
    expect(body).toBeUndefined();
    expect(headers(result)['Content-Type']).toBeUndefined();
    expectValidResponse('delete', '/broadworks/subscribers/{subscriberId}', 204, undefined);
    expect(after.result.statusCode).toBe(404);
    expect((await auditOf(id)).map((r) => r.action)).toEqual(['remove', 'provision']);
  });
});

describe('POST /v1/broadworks/subscribers/validate (precheckSubscriber)', () => {
  it('prechecks: 200 with the exact success body', async () => {
    // Act
    const { result, body } = await invoke(precheckSubscriber, 'precheckSubscriber', {
      body: { email: 'someone@acme.example.com', provisioningId: TRUSTED_TEMPLATE_ID },
    });

    // Assess
    expect(result.statusCode).toBe(200);
    expectValidResponse('post', '/broadworks/subscribers/validate', 200, body);
    expect(body).toEqual({
      message: 'success',
      info: [{ infoCode: 100, description: 'Provisioning preCheck validation successful.' }],
    });
  });

  it('refuses a precheck without email with 400 1001 before any upstream call', async () => {
    // Act
    const { result, body } = await invoke(precheckSubscriber, 'precheckSubscriber', { body: { userId: 'x' } });

    // Assess
    expect(result.statusCode).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ errorCode: 1001, fieldName: 'email' })]);
    expect(upstreamCalls('precheckSubscriber')).toBe(0);
  });
});

describe('POST /v1/subscribers/{subscriberId}/emails/consentMove (resendConsent)', () => {
  it('resends for a subscriber in pending_user_migration: 204', async () => {
    // Prepare
    const { id } = await provision({ email: `taken.${Date.now()}@existing-webex.example.com` });
    simulatorClock.advance(PROVISIONING_DELAY_MS + 1);

    // Act
    const { result, body } = await invoke(resendConsent, 'resendConsent', { pathParameters: { subscriberId: id } });

    // Assess
    expect(result.statusCode).toBe(204);
    expect(body).toBeUndefined();
    expect(simulator.stats().consentResends.total).toBe(1);
    expect((await auditOf(id))[0]).toMatchObject({ action: 'resendConsent', outcome: { result: 'success' } });
  });

  it('passes 409 through for a subscriber that is not pending consent', async () => {
    // Prepare
    const { id } = await provision();

    // Act
    const { result, body } = await invoke(resendConsent, 'resendConsent', { pathParameters: { subscriberId: id } });

    // Assess
    expect(result.statusCode).toBe(409);
    expectValidResponse('post', '/subscribers/{subscriberId}/emails/consentMove', 409, body);
  });
});

describe('GET /v1/broadworks/subscribers/{subscriberId}/audit (listSubscriberAudit)', () => {
  it('lists newest first and pages with a Link to this service', async () => {
    // Prepare
    const { id } = await provision();
    simulatorClock.advance(PROVISIONING_DELAY_MS + 1);
    await invoke(updateSubscriber, 'updateSubscriber', {
      pathParameters: { subscriberId: id },
      body: { package: 'basic' },
    });
    await invoke(removeSubscriber, 'removeSubscriber', { pathParameters: { subscriberId: id } });

    // Act
    const first = await invoke(listSubscriberAudit, 'listSubscriberAudit', {
      pathParameters: { subscriberId: id },
      query: { max: '2' },
    });
    const link = String(headers(first.result)['Link'] ?? '');
    const next = new URL(/^<([^>]+)>; rel="next"$/.exec(link)?.[1] ?? 'http://invalid');
    const second = await invoke(listSubscriberAudit, 'listSubscriberAudit', {
      pathParameters: { subscriberId: id },
      query: Object.fromEntries(next.searchParams),
    });

    // Assess
    expect((first.body.items as AuditRecord[]).map((r) => r.action)).toEqual(['remove', 'update']);
    expect(next.pathname).toBe(`/v1/broadworks/subscribers/${id}/audit`);
    expect(next.searchParams.get('max')).toBe('2');
    expect((second.body.items as AuditRecord[]).map((r) => r.action)).toEqual(['provision']);
  });

  it('refuses a bad cursor with 400 1002 on cursor', async () => {
    // Act
    const { result, body } = await invoke(listSubscriberAudit, 'listSubscriberAudit', {
      pathParameters: { subscriberId: 'abc' },
      query: { cursor: 'definitely-not-a-cursor' },
    });

    // Assess
    expect(result.statusCode).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ errorCode: 1002, fieldName: 'cursor' })]);
  });

  it('needs no Webex credentials', async () => {
    // Prepare
    delete process.env.WEBEX_REFRESH_TOKEN;
    delete process.env.WEBEX_CLIENT_ID;
    delete process.env.WEBEX_CLIENT_SECRET;
    delete process.env.AUDIT_DIGEST_KEY;
    resetCompositionForTests();

    // Act
    const { result, body } = await invoke(listSubscriberAudit, 'listSubscriberAudit', {
      pathParameters: { subscriberId: 'nobody' },
    });

    // Assess
    expect(result.statusCode).toBe(200);
    expect(body).toEqual({ items: [] });
  });
});

describe('GET /openapi.json and GET /docs', () => {
  it('serves the OpenAPI document publicly as JSON', async () => {
    // Act
    const { result, body } = await invoke(openApiDocument, 'getOpenApiDocument', { claims: null });

    // Assess
    expect(result.statusCode).toBe(200);
    expect(headers(result)['Content-Type']).toBe('application/json');
    expect(body.openapi).toBe('3.0.3');
  });

  it('serves a self-contained HTML page whose only style is allowed by its hash', async () => {
    // Act
    const result = await apiDocs(buildEvent('getApiDocs', { claims: null }), lambdaContext());

    // Assess
    expect(result.statusCode).toBe(200);
    expect(String(headers(result)['Content-Type'])).toContain('text/html');
    const csp = String(headers(result)['Content-Security-Policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(result.body).toContain('provisionSubscriber');
    expect(result.body).not.toMatch(/<script|https?:\/\/[^"'\s]*\.(js|css)/);
  });
});

describe('following API Provision/Update with the workflow (the tracking outbox through the audit stream)', () => {
  const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Provisioning';
  let sfn: FakeAwsEndpoint;
  let stream: AuditStreamProxy;
  /** The StartExecution calls the fake endpoint received (target and body). */
  const started = () =>
    sfn.received.map((r) => ({
      target: String(r.headers['x-amz-target']),
      body: JSON.parse(r.body || '{}') as Record<string, unknown>,
    }));

  beforeAll(async () => {
    // A minimal Step Functions endpoint (AWS JSON 1.0) that records StartExecution calls.
    sfn = await startFakeAwsEndpoint();
    // The audit table's stream, emulated in front of dynalite, feeding the consumer module Lambda runs.
    stream = await startAuditStreamProxy({
      target: dynamo.endpoint,
      port: 0,
      host: '127.0.0.1',
      tableName: dynamo.tableName,
      region: TEST_AWS_ENV.AWS_REGION,
      sleep: async () => {},
    });
    stream.subscribe({ filter: FOLLOW_FILTER, consumer: followSubscribers, retryDelaysMs: [0, 0] });
  });

  afterAll(async () => {
    await stream.stop();
    await sfn.close();
  });

  beforeEach(() => {
    sfn.received = [];
    // The API functions get neither: only the stream consumer talks to Step Functions.
    process.env.DYNAMODB_ENDPOINT = stream.url;
    process.env.STATE_MACHINE_ARN = STATE_MACHINE_ARN;
    process.env.SFN_ENDPOINT = sfn.url;
    resetCompositionForTests({ ...REFRESH_GRANT_COMPOSITION, webexClient: FAST_CLIENT });
  });

  it('starts a tracking execution for a provisioned subscriber, from the audit record', async () => {
    // Prepare
    sfn.script = [{ status: 200, body: { executionArn: `${STATE_MACHINE_ARN}:x`, startDate: 1_700_000_000 } }];

    // Act
    const { id } = await provision();
    await stream.idle();

    // Assess
    expect(started()).toHaveLength(1);
    expect(started()[0]?.target).toBe('AWSStepFunctions.StartExecution');
    expect(started()[0]?.body.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(started()[0]?.body.name).toMatch(/^track-provision-/);
    expect(JSON.parse(String(started()[0]?.body.input))).toEqual({
      tracking: {
        subscriberId: id,
        reason: 'provision',
        trackingId: expect.any(String),
        actor: 'ordering-system',
        requestId: expect.any(String),
      },
    });
    const records = await auditOf(id);
    expect(records).toHaveLength(1);
    expect(records[0]?.detail).toBeUndefined();
    expect(records[0]?.follow).toBeUndefined();
  });

  it('starts a tracking execution for an updated subscriber, and none for the other mutations', async () => {
    // Prepare
    sfn.script = [{ status: 200, body: { executionArn: `${STATE_MACHINE_ARN}:x`, startDate: 1_700_000_000 } }];
    const { id } = await provision();
    simulatorClock.advance(PROVISIONING_DELAY_MS);
    await stream.idle();
    sfn.received = [];

    // Act
    const updated = await invoke(updateSubscriber, 'updateSubscriber', {
      pathParameters: { subscriberId: id },
      body: { package: 'premium' },
    });
    const removed = await invoke(removeSubscriber, 'removeSubscriber', { pathParameters: { subscriberId: id } });
    await stream.idle();

    // Assess
    expect(updated.result.statusCode).toBe(200);
    expect(removed.result.statusCode).toBe(204);
    expect(started().map((s) => JSON.parse(String(s.body.input)).tracking.reason)).toEqual(['update']);
  });

  it('still answers 200 when the execution cannot start; the stream retries, then dead-letters the request', async () => {
    // Prepare
    sfn.script = [{ status: 400, body: { __type: 'StateMachineDoesNotExist', message: 'no such state machine' } }];
    const deadBefore = stream.deadLetters.length;

    // Act
    const { id, status } = await provision();
    await stream.idle();

    // Assess
    expect(status).toBe('provisioning');
    expect(started()).toHaveLength(3);
    expect(new Set(started().map((s) => s.body.name)).size).toBe(1);
    expect(stream.deadLetters.slice(deadBefore)).toEqual([
      expect.objectContaining({ error: 'reported as a batch item failure' }),
    ]);
    expect((await auditOf(id))[0]).toMatchObject({ action: 'provision', outcome: { result: 'success' } });
  });
});
