import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, provisionBody, rawRequest, startHarness } from './harness';

/**
 * The simulator never crashes and never answers 5xx on its own: arbitrary bodies and queries get a 2xx or a clear 4xx
 * Webex error body (the harness holds each answer to the spec and the contract schemas).
 */
describe('Webex simulator robustness', () => {
  let h: Harness;
  let subscriberId: string;

  beforeAll(async () => {
    h = await startHarness();
    const sub = await h.provision();
    h.clock.advance(5000);
    subscriberId = sub.id;
  });
  afterAll(async () => {
    await h.stop();
  });

  const fieldNames = [
    'provisioningId',
    'userId',
    'spEnterpriseId',
    'firstName',
    'lastName',
    'package',
    'primaryPhoneNumber',
    'mobilePhoneNumber',
    'extension',
    'email',
    'language',
    'timezone',
    'customerInfo',
    '__proto__',
    'constructor',
  ];
  const bodies = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(fc.constantFrom(...fieldNames), fc.jsonValue()),
    fc
      .dictionary(fc.constantFrom(...fieldNames), fc.oneof(fc.string(), fc.constant('')))
      .map((patch) => ({ ...provisionBody(), ...patch })),
  );

  it('answers any JSON body on Provision, Update and Precheck with 200 or a 4xx Webex error', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        // Act
        const replies = [
          await h.call('POST', '/v1/broadworks/subscribers', { json: body }),
          await h.call('PUT', `/v1/broadworks/subscribers/${subscriberId}`, { json: body }),
          await h.call('POST', '/v1/broadworks/subscribers/validate', { json: body }),
        ];
        h.clock.advance(3000);

        // Assess
        for (const reply of replies)
          expect(reply.status === 200 || (reply.status >= 400 && reply.status < 500)).toBe(true);
      }),
      { numRuns: 60, seed: 20250301 },
    );
  });

  it('answers any query string on List with 200 or 400', async () => {
    const params = fc.array(
      fc.tuple(
        fc.constantFrom('userId', 'status', 'max', 'after', 'lastStatusChange', 'selfActivated', 'cursor', 'x'),
        fc.string(),
      ),
      { maxLength: 4 },
    );
    await fc.assert(
      fc.asyncProperty(params, async (pairs) => {
        // Act
        const reply = await h.call('GET', `/v1/broadworks/subscribers?${new URLSearchParams(pairs).toString()}`);

        // Assess
        expect([200, 400]).toContain(reply.status);
      }),
      { numRuns: 80, seed: 20250302 },
    );
  });

  it('answers arbitrary raw paths without a 5xx and keeps serving', async () => {
    const paths = fc
      .array(
        fc.constantFrom('v1', 'broadworks', 'subscribers', 'validate', 'emails', 'consentMove', '%', '%2F', '..', ''),
        {
          maxLength: 6,
        },
      )
      .map((segments) => `/${segments.join('/')}`);
    await fc.assert(
      fc.asyncProperty(paths, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), async (path, method) => {
        // Act
        const reply = await rawRequest(h.url, {
          method,
          path,
          headers: { Authorization: `Bearer ${h.sim.credentials.accessToken}`, 'Content-Type': 'application/json' },
          body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
        });

        // Assess
        expect(reply.status).toBeGreaterThanOrEqual(200);
        expect(reply.status).toBeLessThan(500);
        expect(reply.headers.trackingid).toBeTruthy();
      }),
      { numRuns: 80, seed: 20250303 },
    );
    expect((await h.call('GET', '/_simulator/health')).status).toBe(200);
  });
});
