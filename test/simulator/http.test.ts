import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RULES } from '../../functions/domain/contract/rules';
import { createLogger } from '../../functions/shared/logger';
import { createWebexSimulator, SEEDED_TEMPLATES } from '../../local/webex-simulator';
import type { TokenGrant } from '../../local/webex-simulator/tokens';
import { errorItems, type Harness, provisionBody, rawRequest, startHarness } from './harness';

const DAY = 24 * 3600 * 1000;

describe('Webex simulator HTTP surface', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ accessTokenTtlSeconds: 3600 });
  });
  afterAll(async () => {
    await h.stop();
  });
  beforeEach(() => {
    h.sim.reset();
  });

  const refresh = (form: Record<string, string>, contentType = 'application/x-www-form-urlencoded') =>
    h.call('POST', '/v1/access_token', { raw: new URLSearchParams(form).toString(), contentType, token: null });
  const goodForm = () => ({
    grant_type: 'refresh_token',
    refresh_token: h.sim.credentials.refreshToken,
    client_id: h.sim.credentials.clientId,
    client_secret: h.sim.credentials.clientSecret,
  });

  describe('bearer tokens', () => {
    it.each([
      ['GET', '/v1/broadworks/subscribers'],
      ['POST', '/v1/broadworks/subscribers'],
      ['GET', '/v1/broadworks/subscribers/abc'],
      ['PUT', '/v1/broadworks/subscribers/abc'],
      ['DELETE', '/v1/broadworks/subscribers/abc'],
      ['POST', '/v1/broadworks/subscribers/validate'],
      ['POST', '/v1/subscribers/abc/emails/consentMove'],
    ])(
      'answers 401 to %s %s without a token, with an unknown token and with a malformed header',
      async (method, path) => {
        // Act
        const missing = await h.call(method, path, { token: null });
        const unknown = await h.call(method, path, { token: 'not-a-token' });
        const malformed = await h.call(method, path, { token: null, headers: { Authorization: 'Basic abc' } });

        // Assess
        expect([missing.status, unknown.status, malformed.status]).toEqual([401, 401, 401]);
        expect(h.sim.stats().subscribers.total).toBe(0);
      },
    );

    it('answers 401 once the access token has expired on the clock', async () => {
      // Prepare
      const grant = (await refresh(goodForm())).body as TokenGrant;
      const token = grant.access_token;
      const valid = await h.call('GET', '/v1/broadworks/subscribers', { token });

      // Act
      h.clock.advance(3600 * 1000);
      const expired = await h.call('GET', '/v1/broadworks/subscribers', { token });

      // Assess
      expect(valid.status).toBe(200);
      expect(expired.status).toBe(401);
      expect((expired.body as { message: string }).message).toMatch(/expired/);
    });
  });

  describe('credentials', () => {
    it('always hold a working access token, renewing an expired one when read', async () => {
      // Prepare
      const before = h.sim.credentials;
      h.clock.advance(3600 * 1000);

      // Act
      const stale = await h.call('GET', '/v1/broadworks/subscribers', { token: before.accessToken });
      const after = h.sim.credentials;
      const fresh = await h.call('GET', '/v1/broadworks/subscribers', { token: after.accessToken });

      // Assess
      expect(stale.status).toBe(401);
      expect(after.accessToken).not.toBe(before.accessToken);
      expect(after.refreshToken).toBe(before.refreshToken);
      expect(after.clientId).toBe(before.clientId);
      expect(fresh.status).toBe(200);
    });
  });

  describe('POST /v1/access_token', () => {
    it('issues a new working access token and keeps the old one valid until it expires', async () => {
      // Prepare
      const before = h.sim.credentials;

      // Act
      const reply = await refresh(goodForm());
      const grant = reply.body as TokenGrant;
      const withNew = await h.call('GET', '/v1/broadworks/subscribers', { token: grant.access_token });
      const withOld = await h.call('GET', '/v1/broadworks/subscribers', { token: before.accessToken });

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(grant).toEqual({
        access_token: expect.any(String),
        expires_in: 3600,
        refresh_token: before.refreshToken,
        refresh_token_expires_in: expect.any(Number),
        token_type: 'Bearer',
      });
      expect(grant.access_token).not.toBe(before.accessToken);
      expect(h.sim.credentials.accessToken).toBe(grant.access_token);
      expect(withNew.status).toBe(200);
      expect(withOld.status).toBe(200);
    });

    it('returns the same refresh token within a day and a new one after more than a day', async () => {
      // Prepare
      const first = (await refresh(goodForm())).body as TokenGrant;

      // Act
      h.clock.advance(DAY + 1);
      const later = (await refresh(goodForm())).body as TokenGrant;
      const again = (await refresh({ ...goodForm(), refresh_token: later.refresh_token })).body as TokenGrant;

      // Assess
      expect(later.refresh_token).not.toBe(first.refresh_token);
      expect(h.sim.credentials.refreshToken).toBe(later.refresh_token);
      expect(later.refresh_token_expires_in).toBe(90 * 24 * 3600);
      expect(again.refresh_token).toBe(later.refresh_token);
    });

    it.each([
      ['an unsupported grant', { grant_type: 'password' }, 400, 'unsupported_grant_type'],
      ['no grant', { grant_type: '' }, 400, 'invalid_request'],
      ['no refresh token', { refresh_token: '' }, 400, 'invalid_request'],
      ['an unknown refresh token', { refresh_token: 'nope' }, 400, 'invalid_grant'],
      ['a wrong client secret', { client_secret: 'wrong' }, 401, 'invalid_client'],
      ['a wrong client id', { client_id: 'wrong' }, 401, 'invalid_client'],
    ])('refuses %s', async (_what, patch, status, error) => {
      // Act
      const reply = await refresh({ ...goodForm(), ...patch });

      // Assess
      expect(reply.status).toBe(status);
      expect(reply.body).toEqual({
        error,
        error_description: expect.any(String),
        trackingId: reply.headers.get('trackingid'),
      });
    });

    it('refuses a JSON body with 415', async () => {
      // Act
      const reply = await refresh(goodForm(), 'application/json');

      // Assess
      expect(reply.status).toBe(415);
    });
  });

  describe('request bodies', () => {
    it('answers 415 to a body that is not application/json', async () => {
      // Act
      const text = await h.call('POST', '/v1/broadworks/subscribers', {
        raw: JSON.stringify(provisionBody()),
        contentType: 'text/plain',
      });
      const none = await h.call('POST', '/v1/broadworks/subscribers/validate', {
        raw: JSON.stringify({ email: 'a@b.example' }),
        contentType: null,
      });

      // Assess
      expect(text.status).toBe(415);
      expect(none.status).toBe(415);
    });

    it('accepts application/json with a charset parameter', async () => {
      // Act
      const reply = await h.call('POST', '/v1/broadworks/subscribers/validate', {
        raw: JSON.stringify({ email: 'a@b.example' }),
        contentType: 'Application/JSON; charset=utf-8',
      });

      // Assess
      expect(reply.status).toBe(200);
    });

    it.each([
      ['malformed JSON', '{"userId": '],
      ['an empty body', ''],
    ])('answers 400 to %s', async (_what, raw) => {
      // Act
      const reply = await h.call('POST', '/v1/broadworks/subscribers', { raw, contentType: 'application/json' });

      // Assess
      expect(reply.status).toBe(400);
      expect(errorItems(reply)[0]?.description).toBeTruthy();
    });

    it('answers 413 to a body over the limit and keeps serving', async () => {
      // Prepare
      const big = JSON.stringify({ ...provisionBody(), firstName: 'x'.repeat(RULES.maxRequestBodyBytes) });

      // Act
      const reply = await h.call('POST', '/v1/broadworks/subscribers', { raw: big, contentType: 'application/json' });
      const after = await h.call('GET', '/v1/broadworks/subscribers');

      // Assess
      expect(reply.status).toBe(413);
      expect(after.status).toBe(200);
      expect(h.sim.stats().subscribers.total).toBe(0);
    });

    it('accepts a body of exactly the limit size', async () => {
      // Prepare
      const base = JSON.stringify({ email: 'a@b.example' });
      const padded = `${base}${' '.repeat(RULES.maxRequestBodyBytes - base.length)}`;

      // Act
      const reply = await h.call('POST', '/v1/broadworks/subscribers/validate', {
        raw: padded,
        contentType: 'application/json',
      });

      // Assess
      expect(reply.status).toBe(200);
    });

    it('accepts consentMove without a body but refuses a non-JSON body', async () => {
      // Prepare
      const sub = await h.provision({ email: 'p@existing-webex.example.com' });
      h.clock.advance(5000);

      // Act
      const bare = await h.call('POST', `/v1/subscribers/${sub.id}/emails/consentMove`);
      const text = await h.call('POST', `/v1/subscribers/${sub.id}/emails/consentMove`, {
        raw: 'please',
        contentType: 'text/plain',
      });

      // Assess
      expect(bare.status).toBe(204);
      expect(text.status).toBe(415);
    });
  });

  describe('routing', () => {
    it.each([
      ['GET', '/v1/nothing'],
      ['GET', '/v1/broadworks/subscribers/abc/extra'],
      ['GET', '/v1/broadworks/subscribers/'],
      ['GET', '/'],
      ['GET', '/v1/broadworks/subscribers/validate'],
      ['GET', '/v1/broadworks/subscribers/unknown-id'],
    ])('answers 404 to %s %s', async (method, path) => {
      // Act
      const reply = await h.call(method, path);

      // Assess
      expect(reply.status).toBe(404);
    });

    it.each([
      ['PATCH', '/v1/broadworks/subscribers', 'GET, POST'],
      ['POST', '/v1/broadworks/subscribers/abc', 'GET, PUT, DELETE'],
      ['GET', '/v1/subscribers/abc/emails/consentMove', 'POST'],
      ['GET', '/v1/access_token', 'POST'],
      ['PATCH', '/v1/broadworks/subscribers/validate', 'GET, PUT, DELETE, POST'],
    ])('answers 405 to %s %s with Allow: %s', async (method, path, allow) => {
      // Act
      const reply = await h.call(method, path);

      // Assess
      expect(reply.status).toBe(405);
      expect(reply.headers.get('allow')).toBe(allow);
    });

    it('answers 404 to paths fetch would normalise and to a broken percent-encoding, and keeps serving', async () => {
      // Act
      const replies = await Promise.all(
        [
          '//v1/broadworks/subscribers',
          '/v1/broadworks/subscribers/%zz',
          '/v1/subscribers/%E0%A4%A/emails/consentMove',
        ].map((path) =>
          rawRequest(h.url, { path, headers: { Authorization: `Bearer ${h.sim.credentials.accessToken}` } }),
        ),
      );
      const after = await h.call('GET', '/v1/broadworks/subscribers');

      // Assess
      expect(replies.map((r) => r.status)).toEqual([404, 404, 404]);
      for (const reply of replies)
        expect(JSON.parse(reply.text)).toMatchObject({ trackingId: reply.headers.trackingid });
      expect(after.status).toBe(200);
    });
  });

  describe('TrackingID', () => {
    it('echoes the caller TrackingID on success and in error bodies', async () => {
      // Act
      const ok = await h.call('GET', '/v1/broadworks/subscribers', { headers: { TrackingID: 'CALLER_123' } });
      const bad = await h.call('GET', '/v1/broadworks/subscribers/nope', { headers: { TrackingID: 'CALLER_456' } });

      // Assess
      expect(ok.headers.get('trackingid')).toBe('CALLER_123');
      expect(bad.headers.get('trackingid')).toBe('CALLER_456');
      expect((bad.body as { trackingId: string }).trackingId).toBe('CALLER_456');
    });

    it('generates a distinct TrackingID when the caller sends none', async () => {
      // Act
      const a = await h.call('GET', '/v1/broadworks/subscribers');
      const b = await h.call('GET', '/v1/broadworks/subscribers');

      // Assess
      expect(a.headers.get('trackingid')).toMatch(/^WEBEXSIM_/);
      expect(a.headers.get('trackingid')).not.toBe(b.headers.get('trackingid'));
    });
  });

  describe('control API', () => {
    it('lists the seeded templates, one trusting the SP emails and one not', async () => {
      // Act
      const reply = await h.call('GET', '/_simulator/templates');

      // Assess
      const items = (reply.body as { items: Array<{ provisioningId: string; name: string; trustsEmail: boolean }> })
        .items;
      expect(items).toEqual(SEEDED_TEMPLATES);
      expect(items.map((t) => t.trustsEmail).sort()).toEqual([false, true]);
    });

    it('hands out the current credentials and the existing Webex users', async () => {
      // Act
      const credentials = await h.call('GET', '/_simulator/credentials');
      const users = await h.call('GET', '/_simulator/existing-users');

      // Assess
      expect(credentials.body).toEqual(h.sim.credentials);
      expect(users.body).toMatchObject({ domains: ['existing-webex.example.com'] });
    });

    it('advances a manual clock and reports health', async () => {
      // Prepare
      const before = h.clock.now();

      // Act
      const advanced = await h.call('POST', '/_simulator/clock/advance', { json: { ms: 1500 } });
      const invalid = await h.call('POST', '/_simulator/clock/advance', { json: { ms: -1 } });
      const health = await h.call('GET', '/_simulator/health');

      // Assess
      expect(advanced.status).toBe(200);
      expect(advanced.body).toEqual({ now: new Date(before + 1500).toISOString() });
      expect(h.clock.now()).toBe(before + 1500);
      expect(invalid.status).toBe(400);
      expect(health.body).toEqual({ status: 'ok' });
    });

    it('refuses to advance the system clock with 409', async () => {
      // Prepare
      const sim = createWebexSimulator({ logger: createLogger({}, { level: 'silent' }) });
      const { url } = await sim.start();

      try {
        // Act
        const reply = await fetch(`${url}/_simulator/clock/advance`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ ms: 1000 }),
        });

        // Assess
        expect(reply.status).toBe(409);
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      } finally {
        await sim.stop();
      }
    });

    it('reads and changes the configuration, refusing invalid values with 400', async () => {
      // Act
      const changed = await h.call('PUT', '/_simulator/config', {
        json: { updateDelayMs: 10, duplicateUserIdMode: '10022' },
      });
      const invalid = await h.call('PUT', '/_simulator/config', { json: { duplicateUserIdMode: '500', other: 1 } });
      const read = await h.call('GET', '/_simulator/config');

      // Assess
      expect(changed.body).toEqual({ provisioningDelayMs: 5000, updateDelayMs: 10, duplicateUserIdMode: '10022' });
      expect(invalid.status).toBe(400);
      expect(errorItems(invalid).map((e) => e.fieldName)).toEqual(expect.arrayContaining(['duplicateUserIdMode']));
      expect(read.body).toEqual(changed.body);
    });

    it('answers 404 to an unknown control endpoint and 405 to a wrong method', async () => {
      // Act
      const unknown = await h.call('GET', '/_simulator/nothing');
      const wrong = await h.call('GET', '/_simulator/reset');

      // Assess
      expect(unknown.status).toBe(404);
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('POST');
    });

    it('counts requests by operation and status, and POST /_simulator/reset forgets everything', async () => {
      // Prepare
      await h.provision();
      await h.call('GET', '/v1/broadworks/subscribers/nope');
      await h.call('GET', '/v1/nothing');

      // Act
      const stats = await h.call('GET', '/_simulator/stats');
      const reset = await h.call('POST', '/_simulator/reset');
      const after = await h.call('GET', '/_simulator/stats');

      // Assess
      expect(stats.body).toMatchObject({
        requests: {
          total: 3,
          byOperation: {
            provisionSubscriber: { total: 1, byStatus: { '200': 1 } },
            getSubscriber: { total: 1, byStatus: { '404': 1 } },
          },
          unrouted: { '404': 1 },
        },
        subscribers: { total: 1 },
      });
      expect(reset.status).toBe(204);
      expect(after.body).toMatchObject({ requests: { total: 0, byOperation: {} }, subscribers: { total: 0 } });
    });
  });

  describe('lifecycle of the server', () => {
    it('refuses a second start, reports its url only while started and stops idempotently', async () => {
      // Prepare
      const sim = createWebexSimulator({ logger: createLogger({}, { level: 'silent' }) });

      // Act
      const { url } = await sim.start({ port: 0, host: '127.0.0.1' });

      // Assess
      expect(sim.url).toBe(url);
      await expect(sim.start()).rejects.toThrow(/already started/);
      await sim.stop();
      await sim.stop();
      expect(() => sim.url).toThrow(/not started/);
      await expect(fetch(`${url}/_simulator/health`)).rejects.toThrow();
    });

    it('validates its options', () => {
      // Act / Assess
      expect(() => createWebexSimulator({ provisioningDelayMs: -1 })).toThrow(/invalid/);
      expect(() => createWebexSimulator({ accessTokenTtlSeconds: 0 })).toThrow(/positive/);
    });
  });

  it('held every Subscribers API answer of this suite to the spec', () => {
    // Assess
    expect(h.validated()).toBeGreaterThan(40);
  });
});
