import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebexHttpClient, type WebexHttpClientOptions } from '../../functions/adapters/webex/client';
import { UpstreamError, UpstreamThrottledError, UpstreamUnavailableError } from '../../functions/domain/errors';
import { type ScriptedServer, startScriptedServer } from './scripted-server';
import { fixedCredentials, SUBSCRIBER_ID, sequence, silentLogger, webexSubscriber } from './support';
import { createTestClock, type TestClock } from './test-clock';

const PROVISION = {
  provisioningId: 'prov-1',
  userId: 'bw-user-1',
  spEnterpriseId: 'Reseller1+acme',
  firstName: 'Ada',
  lastName: 'Lovelace',
  package: 'standard' as const,
  extension: '0100',
};

describe('WebexHttpClient retries', () => {
  let server: ScriptedServer;
  let clock: TestClock;

  beforeEach(async () => {
    server = await startScriptedServer();
    clock = createTestClock();
  });

  afterEach(async () => {
    await server.close();
  });

  const newClient = (options: Partial<WebexHttpClientOptions> = {}) =>
    new WebexHttpClient({
      credentials: fixedCredentials(server.baseUrl),
      clock,
      random: sequence(0.5),
      logger: silentLogger,
      ...options,
    });

  const ok = { status: 200, body: webexSubscriber() };

  describe('429 and 423', () => {
    it('waits exactly Retry-After seconds on 429, then retries with a suffixed TrackingID', async () => {
      // Prepare
      server.script({ status: 429, headers: { 'Retry-After': '7' } }, ok);
      const start = clock.now();

      // Act
      const result = await newClient().get(SUBSCRIBER_ID, { trackingId: 'trk-1' });

      // Assess
      expect(result.value.id).toBe(SUBSCRIBER_ID);
      expect(clock.waits).toEqual([7000]);
      expect(clock.now() - start).toBe(7000);
      expect(server.requests.map((r) => r.headers.trackingid)).toEqual(['trk-1', 'trk-1_2']);
    });

    it('waits exactly Retry-After seconds on 423 Locked', async () => {
      // Prepare
      server.script(
        { status: 423, headers: { 'Retry-After': '3' } },
        { status: 423, headers: { 'Retry-After': '2' } },
        ok,
      );

      // Act
      await newClient().get(SUBSCRIBER_ID, { trackingId: 't' });

      // Assess
      expect(clock.waits).toEqual([3000, 2000]);
      expect(server.requests).toHaveLength(3);
    });

    it('waits 5 seconds when Retry-After is absent or unreadable', async () => {
      // Prepare
      server.script({ status: 429 }, { status: 429, headers: { 'Retry-After': 'soon' } }, ok);

      // Act
      await newClient().get(SUBSCRIBER_ID, { trackingId: 't' });

      // Assess
      expect(clock.waits).toEqual([5000, 5000]);
    });

    it('reads an HTTP-date Retry-After against the response Date header', async () => {
      // Prepare
      const date = new Date(Date.UTC(2030, 0, 1, 0, 0, 0));
      const retryAt = new Date(date.getTime() + 12_000);
      server.script({ status: 429, headers: { Date: date.toUTCString(), 'Retry-After': retryAt.toUTCString() } }, ok);

      // Act
      await newClient().get(SUBSCRIBER_ID, { trackingId: 't' });

      // Assess
      expect(clock.waits).toEqual([12_000]);
    });

    it('reads an HTTP-date Retry-After against the clock when the response has no Date', async () => {
      // Prepare
      const retryAt = new Date(clock.now() + 9_000);
      server.script({ status: 429, noDate: true, headers: { 'Retry-After': retryAt.toUTCString() } }, ok);

      // Act
      await newClient().get(SUBSCRIBER_ID, { trackingId: 't' });

      // Assess
      expect(clock.waits).toEqual([9_000]);
    });

    it('stops with UpstreamThrottledError when the wait would pass the deadline, without sleeping', async () => {
      // Prepare
      server.script({
        status: 429,
        headers: { 'Retry-After': '30', TrackingID: 'W429' },
        body: { message: 'Too many requests', trackingId: 'W429' },
      });

      // Act
      const failure = await newClient()
        .get(SUBSCRIBER_ID, { trackingId: 't', deadline: clock.now() + 10_000 })
        .catch((e: unknown) => e);

      // Assess
      expect(failure).toBeInstanceOf(UpstreamThrottledError);
      expect(failure).toMatchObject({ status: 429, retryAfterSeconds: 30, webexTrackingId: 'W429' });
      expect(clock.waits).toEqual([]);
      expect(server.requests).toHaveLength(1);
    });

    it("hands the wait back at once in 'throw' mode", async () => {
      // Prepare
      server.script({ status: 423, headers: { 'Retry-After': '42' } }, ok);

      // Act
      const failure = await newClient()
        .provision(PROVISION, { trackingId: 't', onThrottle: 'throw' })
        .catch((e: unknown) => e);

      // Assess
      expect(failure).toBeInstanceOf(UpstreamThrottledError);
      expect(failure).toMatchObject({ status: 423, retryAfterSeconds: 42 });
      expect(clock.waits).toEqual([]);
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('5xx, timeouts and transport failures', () => {
    it('backs off exponentially with full jitter from the seeded random', async () => {
      // Prepare
      server.script({ status: 503 }, { status: 502 }, { status: 504 }, ok);
      const client = newClient({ random: sequence(0.5, 0.25, 0.9), backoff: { baseMs: 200, capMs: 5000 } });

      // Act
      await client.get(SUBSCRIBER_ID, { trackingId: 't' });

      // Assess: 0.5·200, 0.25·400, 0.9·800
      expect(clock.waits).toEqual([100, 100, 720]);
      expect(server.requests).toHaveLength(4);
    });

    it('caps the backoff and gives up after maxAttempts with UpstreamUnavailableError 503', async () => {
      // Prepare
      server.script(...Array.from({ length: 8 }, () => ({ status: 503, headers: { TrackingID: 'W503' } })));
      const client = newClient({
        random: sequence(0.999),
        backoff: { baseMs: 200, capMs: 1000 },
        maxAttempts: 6,
      });

      // Act
      const failure = await client
        .get(SUBSCRIBER_ID, { trackingId: 't', deadline: clock.now() + 600_000 })
        .catch((e: unknown) => e);

      // Assess
      expect(clock.waits).toEqual([199, 399, 799, 999, 999]);
      expect(server.requests).toHaveLength(6);
      expect(failure).toBeInstanceOf(UpstreamUnavailableError);
      expect(failure).toMatchObject({ status: 503, webexTrackingId: 'W503' });
    });

    it('never sleeps past the deadline: it stops when the next wait would reach it', async () => {
      // Prepare
      server.script(...Array.from({ length: 5 }, () => ({ status: 502 })));
      const client = newClient({ random: sequence(0.999), backoff: { baseMs: 400, capMs: 5000 } });
      const start = clock.now();

      // Act
      const failure = await client
        .get(SUBSCRIBER_ID, { trackingId: 't', deadline: start + 1000 })
        .catch((e: unknown) => e);

      // Assess: waits 399 then a 799 that would end at 1198 > 1000
      expect(clock.waits).toEqual([399]);
      expect(clock.now() - start).toBeLessThanOrEqual(1000);
      expect(server.requests).toHaveLength(2);
      expect(failure).toBeInstanceOf(UpstreamUnavailableError);
      expect(failure).toMatchObject({ status: 502 });
    });

    it('uses the default deadline when the call gives none', async () => {
      // Prepare
      server.script(...Array.from({ length: 5 }, () => ({ status: 503 })));
      const client = newClient({
        random: sequence(0.999),
        backoff: { baseMs: 1000, capMs: 5000 },
        defaultDeadlineMs: 3000,
      });

      // Act
      const failure = await client.get(SUBSCRIBER_ID, { trackingId: 't' }).catch((e: unknown) => e);

      // Assess: 999 + 1998 = 2997 < 3000, then another 3996 would pass it
      expect(clock.waits).toEqual([999, 1998]);
      expect(failure).toMatchObject({ status: 503 });
    });

    it('reports a Webex 504 as 504 once retries run out', async () => {
      // Prepare
      server.script({ status: 504 }, { status: 504 });

      // Act
      const failure = await newClient({ maxAttempts: 2 })
        .get(SUBSCRIBER_ID, { trackingId: 't' })
        .catch((e: unknown) => e);

      // Assess
      expect(failure).toBeInstanceOf(UpstreamUnavailableError);
      expect(failure).toMatchObject({ status: 504 });
    });

    it('waits the Retry-After a 503 carries instead of the backoff', async () => {
      // Prepare
      server.script({ status: 503, headers: { 'Retry-After': '2' } }, ok);

      // Act
      await newClient().get(SUBSCRIBER_ID, { trackingId: 't' });

      // Assess
      expect(clock.waits).toEqual([2000]);
    });

    it('retries a 500 for a call that is safe to repeat', async () => {
      // Prepare
      server.script({ status: 500 }, ok);

      // Act
      const result = await newClient().get(SUBSCRIBER_ID, { trackingId: 't' });

      // Assess
      expect(result.value.id).toBe(SUBSCRIBER_ID);
      expect(server.requests).toHaveLength(2);
    });

    it("surfaces Webex's last 500 as UpstreamError 500 with its items once the retries run out", async () => {
      // Prepare
      const webex500 = {
        status: 500,
        body: {
          message: 'Something went wrong on the server',
          errors: [{ description: 'Something went wrong on the server' }],
          trackingId: 'W500',
        },
      };
      server.script(...Array.from({ length: 5 }, () => webex500));

      // Act
      const failure = await newClient()
        .get(SUBSCRIBER_ID, { trackingId: 't' })
        .catch((e: unknown) => e);

      // Assess
      expect(failure).toBeInstanceOf(UpstreamError);
      expect(failure).not.toBeInstanceOf(UpstreamUnavailableError);
      expect(failure).toMatchObject({
        status: 500,
        message: 'Something went wrong on the server',
        errors: [{ description: 'Something went wrong on the server' }],
        webexTrackingId: 'W500',
      });
      expect(server.requests.length).toBeGreaterThan(1);
    });

    it('does not retry a 500 on Provision and surfaces it as UpstreamError 500', async () => {
      // Prepare
      server.script({ status: 500, body: { message: 'Internal error', trackingId: 'W500' } }, ok);

      // Act
      const failure = await newClient()
        .provision(PROVISION, { trackingId: 't' })
        .catch((e: unknown) => e);

      // Assess
      expect(failure).toBeInstanceOf(UpstreamError);
      expect(failure).not.toBeInstanceOf(UpstreamUnavailableError);
      expect(failure).toMatchObject({ status: 500, webexTrackingId: 'W500' });
      expect(server.requests).toHaveLength(1);
    });

    it('retries Provision after a 503 (the workflow adopts the subscriber on a later 409)', async () => {
      // Prepare
      server.script({ status: 503 }, ok);

      // Act
      const result = await newClient().provision(PROVISION, { trackingId: 't' });

      // Assess
      expect(result.value.status).toBe('provisioning');
      expect(server.requests.map((r) => r.body)).toEqual([JSON.stringify(PROVISION), JSON.stringify(PROVISION)]);
    });

    it('times an attempt out on the clock, backs off and retries', async () => {
      // Prepare
      server.script({ hang: true }, ok);
      const client = newClient({ attemptTimeoutMs: 1000 });

      // Act
      const call = client.get(SUBSCRIBER_ID, { trackingId: 't' });
      await server.received(1);
      clock.advance(1000);
      const result = await call;

      // Assess
      expect(result.value.id).toBe(SUBSCRIBER_ID);
      expect(clock.timers).toEqual([1000, 1000]);
      expect(clock.waits).toEqual([100]);
      expect(server.requests).toHaveLength(2);
      expect(clock.pendingTimers()).toBe(0);
    });

    it('caps the attempt timeout by the time left and stops at the deadline with 504', async () => {
      // Prepare
      server.script({ hang: true });
      const client = newClient({ attemptTimeoutMs: 10_000 });

      // Act
      const call = client
        .provision(PROVISION, { trackingId: 't', deadline: clock.now() + 300 })
        .catch((e: unknown) => e);
      await server.received(1);
      clock.advance(300);
      const failure = await call;

      // Assess
      expect(clock.timers).toEqual([300]);
      expect(failure).toBeInstanceOf(UpstreamUnavailableError);
      expect(failure).toMatchObject({ status: 504 });
      expect(server.requests).toHaveLength(1);
    });

    it('retries after the connection is reset', async () => {
      // Prepare
      server.script({ reset: true }, ok);

      // Act
      const result = await newClient().get(SUBSCRIBER_ID, { trackingId: 't' });

      // Assess
      expect(result.value.id).toBe(SUBSCRIBER_ID);
      expect(server.requests).toHaveLength(2);
      expect(clock.waits).toHaveLength(1);
    });

    it('gives up on a refused connection with UpstreamUnavailableError 502', async () => {
      // Prepare: a port that was free a moment ago
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const client = newClient({ credentials: fixedCredentials(`http://127.0.0.1:${port}/v1`), maxAttempts: 3 });

      // Act
      const failure = await client.get(SUBSCRIBER_ID, { trackingId: 't' }).catch((e: unknown) => e);

      // Assess
      expect(failure).toBeInstanceOf(UpstreamUnavailableError);
      expect(failure).toMatchObject({ status: 502 });
      expect(clock.waits).toEqual([100, 200]);
    });

    it('does not call Webex when the deadline has already passed', async () => {
      // Prepare
      const client = newClient();

      // Act
      const failure = await client
        .get(SUBSCRIBER_ID, { trackingId: 't', deadline: clock.now() - 1 })
        .catch((e: unknown) => e);

      // Assess
      expect(failure).toBeInstanceOf(UpstreamUnavailableError);
      expect(failure).toMatchObject({ status: 504 });
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('other 4xx and 401', () => {
    it.each([400, 403, 404, 409, 410, 415, 428])('never retries %i', async (status) => {
      // Prepare
      server.script({ status, body: { message: `status ${status}`, trackingId: 'W' } }, ok);

      // Act
      const failure = await newClient()
        .get(SUBSCRIBER_ID, { trackingId: 't' })
        .catch((e: unknown) => e);

      // Assess
      expect(failure).toBeInstanceOf(UpstreamError);
      expect(failure).toMatchObject({ status });
      expect(server.requests).toHaveLength(1);
      expect(clock.waits).toEqual([]);
    });

    it('refreshes the token once on 401 and retries with the new one', async () => {
      // Prepare
      server.script({ status: 401, body: { message: 'Unauthorized' } }, ok);
      const credentials = fixedCredentials(server.baseUrl, ['stale-token', 'fresh-token']);

      // Act
      const result = await newClient({ credentials }).get(SUBSCRIBER_ID, { trackingId: 't' });

      // Assess
      expect(result.value.id).toBe(SUBSCRIBER_ID);
      expect(credentials.invalidations).toBe(1);
      expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer stale-token', 'Bearer fresh-token']);
      expect(clock.waits).toEqual([]);
    });

    it('gives up with UpstreamError 401 when the refreshed token is refused too', async () => {
      // Prepare
      server.script({ status: 401 }, { status: 401, headers: { TrackingID: 'W401' } }, ok);
      const credentials = fixedCredentials(server.baseUrl, ['stale-token', 'fresh-token']);

      // Act
      const failure = await newClient({ credentials })
        .get(SUBSCRIBER_ID, { trackingId: 't' })
        .catch((e: unknown) => e);

      // Assess
      expect(failure).toBeInstanceOf(UpstreamError);
      expect(failure).toMatchObject({ status: 401, webexTrackingId: 'W401' });
      expect(credentials.invalidations).toBe(1);
      expect(server.requests).toHaveLength(2);
    });
  });
});
