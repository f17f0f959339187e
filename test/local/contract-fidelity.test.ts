/**
 * Contract rules held through the whole local stack (gateway → handler → Webex client → simulator), as a client written
 * for Webex sees them (CONTRACT.md, decisions of 2026-12-04): `language` accepted and ignored, `"language": "en"` on
 * every subscriber, Webex's own 500 passed through, `personId` kept while `updating`, and no control characters in text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Subscriber } from '../../functions/domain/contract/subscriber';
import { TRUSTED_TEMPLATE_ID } from '../../local/webex-simulator';
import { startTestRuntime } from '../support/local-runtime';
import { expectValidResponse } from '../support/spec-validator';

const PROVISIONING_DELAY_MS = 1_000;
const UPDATE_DELAY_MS = 1_000;

const { api, clock, runtime } = await startTestRuntime({
  simulator: { provisioningDelayMs: PROVISIONING_DELAY_MS, updateDelayMs: UPDATE_DELAY_MS },
});

let n = 0;
function provisionBody(overrides: Record<string, unknown> = {}) {
  n += 1;
  return {
    provisioningId: TRUSTED_TEMPLATE_ID,
    userId: `fidelity-${n}@sp.example.com`,
    spEnterpriseId: 'enterprise-fidelity',
    firstName: 'Ada',
    lastName: 'Lovelace',
    package: 'standard',
    primaryPhoneNumber: `+1 555 02${String(n).padStart(2, '0')}`,
    email: `fidelity-${n}@example.com`,
    ...overrides,
  };
}

interface ErrorBody {
  message: string;
  errors: Array<{ description: string; errorCode?: number; fieldName?: string }>;
  trackingId: string;
}

async function provisioned(): Promise<Subscriber> {
  const created = await api.post<Subscriber>('/v1/broadworks/subscribers', provisionBody());
  expect(created.status).toBe(200);
  clock.advance(PROVISIONING_DELAY_MS);
  const got = await api.get<Subscriber>(`/v1/broadworks/subscribers/${created.body.id}`);
  expect(got.body.status).toBe('provisioned');
  return got.body;
}

afterEach(() => {
  runtime.simulator.resetFaults();
});

describe('language: reserved, any value accepted and ignored, "en" in every response', () => {
  it.each(['en-US', 'english', 'EN'])('Provision accepts %j and answers language "en"', async (language) => {
    // Act
    const response = await api.post<Subscriber>('/v1/broadworks/subscribers', provisionBody({ language }));

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.language).toBe('en');
    expectValidResponse('POST', '/v1/broadworks/subscribers', 200, response.body);
  });

  it('Update and Precheck accept any language; Get and List show "en"', async () => {
    // Prepare
    const subscriber = await provisioned();

    // Act
    const update = await api.put<Subscriber>(`/v1/broadworks/subscribers/${subscriber.id}`, { language: 'english' });
    const precheck = await api.post('/v1/broadworks/subscribers/validate', {
      email: 'someone@example.com',
      language: 'en-US',
    });
    const got = await api.get<Subscriber>(`/v1/broadworks/subscribers/${subscriber.id}`);
    const list = await api.get<{ items: Subscriber[] }>('/v1/broadworks/subscribers?max=100');

    // Assess
    expect(update.status).toBe(200);
    expect(update.body.language).toBe('en');
    expect(precheck.status).toBe(200);
    expect(got.body.language).toBe('en');
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.body.items.every((s) => s.language === 'en')).toBe(true);
  });
});

describe('personId once a person exists', () => {
  it('is kept while the subscriber is updating, and after', async () => {
    // Prepare
    const subscriber = await provisioned();
    expect(subscriber.personId).toEqual(expect.any(String));

    // Act
    const update = await api.put<Subscriber>(`/v1/broadworks/subscribers/${subscriber.id}`, { firstName: 'Augusta' });
    const during = await api.get<Subscriber>(`/v1/broadworks/subscribers/${subscriber.id}`);
    clock.advance(UPDATE_DELAY_MS);
    const after = await api.get<Subscriber>(`/v1/broadworks/subscribers/${subscriber.id}`);

    // Assess
    expect(update.body).toMatchObject({ status: 'updating', personId: subscriber.personId });
    expect(during.body).toMatchObject({ status: 'updating', personId: subscriber.personId });
    expect(after.body).toMatchObject({ status: 'provisioned', personId: subscriber.personId, firstName: 'Augusta' });
  });
});

describe("Webex's own 500", () => {
  it.each([
    ['Provision (not retried)', 'provisionSubscriber'],
    ['Get (retried, then passed on)', 'getSubscriber'],
  ] as const)('reaches the caller of %s as 500 with its errors and a trackingId', async (_name, operation) => {
    // Prepare
    const subscriber = await provisioned();
    runtime.simulator.setFaults({ errorRate: { share: 1, statuses: [500] }, operations: [operation] });

    // Act
    const response =
      operation === 'provisionSubscriber'
        ? await api.post<ErrorBody>('/v1/broadworks/subscribers', provisionBody(), {
            headers: { trackingid: 'fidelity-500' },
          })
        : await api.get<ErrorBody>(`/v1/broadworks/subscribers/${subscriber.id}`, {
            headers: { trackingid: 'fidelity-500' },
          });

    // Assess
    expect(response.status).toBe(500);
    expect(response.headers.get('trackingid')).toBe('fidelity-500');
    expect(response.body.trackingId).toBe('fidelity-500');
    expect(response.body.message).toBe('Internal Server Error (simulated fault).');
    expect(response.body.errors).toEqual([{ description: 'Internal Server Error (simulated fault).' }]);
  });

  it('leaves 503 to Webex being unreachable or overloaded after retries', async () => {
    // Prepare
    runtime.simulator.setFaults({ errorRate: { share: 1, statuses: [503] }, operations: ['provisionSubscriber'] });

    // Act
    const response = await api.post<ErrorBody>('/v1/broadworks/subscribers', provisionBody());

    // Assess
    expect(response.status).toBe(503);
    expect(response.body.trackingId).toEqual(expect.any(String));
  });
});

describe('control characters in text fields', () => {
  it.each([
    ['NUL', 'firstName', 'Ada\u0000'],
    ['CR LF', 'lastName', 'Love\r\nlace'],
    ['LF', 'userId', 'ada\n@sp.example.com'],
    ['a C1 control', 'spEnterpriseId', 'enterprise\u0085'],
    ['a lone surrogate', 'firstName', 'Ada\ud800'],
    ['ESC', 'language', '\u001b[2J'],
  ])('Provision answers 400 1002 with fieldName for %s in %s', async (_what, field, value) => {
    // Act
    const response = await api.post<ErrorBody>('/v1/broadworks/subscribers', provisionBody({ [field]: value }));

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ errorCode: 1002, fieldName: field })]);
    expect(response.body.trackingId).toEqual(expect.any(String));
  });

  it('Update and Precheck refuse them the same way', async () => {
    // Prepare
    const subscriber = await provisioned();

    // Act
    const update = await api.put<ErrorBody>(`/v1/broadworks/subscribers/${subscriber.id}`, { firstName: 'A\u0007' });
    const precheck = await api.post<ErrorBody>('/v1/broadworks/subscribers/validate', {
      email: 'someone@example.com',
      lastName: 'X\u009f',
    });

    // Assess
    expect(update.status).toBe(400);
    expect(update.body.errors).toEqual([expect.objectContaining({ errorCode: 1002, fieldName: 'firstName' })]);
    expect(precheck.status).toBe(400);
    expect(precheck.body.errors).toEqual([expect.objectContaining({ errorCode: 1002, fieldName: 'lastName' })]);
  });

  it('an order refuses them with 1002 on the subscriber field', async () => {
    // Act
    const response = await api.post<ErrorBody>('/v1/orders', {
      orderId: 'order-control-characters',
      subscriber: provisionBody({ firstName: 'Ada\r\nBcc: someone' }),
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ errorCode: 1002, fieldName: 'subscriber.firstName' }),
    ]);
  });

  it('accepts printable Unicode names', async () => {
    // Act
    const response = await api.post<Subscriber>(
      '/v1/broadworks/subscribers',
      provisionBody({ firstName: 'Zoë 王小明', lastName: 'Łukasz-العربية 🙂' }),
    );

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ firstName: 'Zoë 王小明', lastName: 'Łukasz-العربية 🙂' });
  });
});

describe('the OpenAPI document, served locally', () => {
  it("has an openIdConnectUrl that answers: the local identity provider's discovery document and keys", async () => {
    // Prepare
    const document = await api.get<{
      components: { securitySchemes: { jwt: { openIdConnectUrl: string } } };
    }>('/openapi.json', { token: null });
    const discoveryUrl = document.body.components.securitySchemes.jwt.openIdConnectUrl;

    // Act
    const discovery = await fetch(discoveryUrl);
    const config = (await discovery.json()) as { issuer: string; jwks_uri: string };
    const jwks = await fetch(config.jwks_uri);
    const keys = (await jwks.json()) as { keys: Array<{ kid?: string }> };

    // Assess
    expect(discoveryUrl.startsWith(runtime.urls.api)).toBe(true);
    expect(discovery.status).toBe(200);
    expect(`${config.issuer}/.well-known/openid-configuration`).toBe(discoveryUrl);
    expect(jwks.status).toBe(200);
    expect(keys.keys).toHaveLength(1);
    expect(keys.keys[0]?.kid).toEqual(expect.any(String));
  });

  it('renders code spans on /docs, never literal backticks', async () => {
    // Act
    const page = await api.get<string>('/docs', { token: null });

    // Assess
    expect(page.status).toBe(200);
    expect(page.text).toContain('<code>Link</code>');
    expect(page.text.replace(/<pre>[\s\S]*?<\/pre>/g, '')).not.toContain('`');
  });
});
