/**
 * End to end through the local runtime: a Webex-style client speaks HTTP to the local gateway, which runs the real
 * handler modules against the Webex simulator (manual clock) and the audit table in dynalite.
 */
import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../functions/domain/contract/subscriber';
import type { AuditRecord } from '../../functions/domain/ports/audit';
import { TRUSTED_TEMPLATE_ID } from '../../local/webex-simulator';
import type { ApiResponse } from '../support/local-runtime';
import { startTestRuntime } from '../support/local-runtime';
import { expectValidResponse } from '../support/spec-validator';

const PROVISIONING_DELAY_MS = 2_000;
const UPDATE_DELAY_MS = 1_000;
const ENTERPRISE = 'enterprise-e2e-0001';

const { api, clock, runtime } = await startTestRuntime({
  simulator: { provisioningDelayMs: PROVISIONING_DELAY_MS, updateDelayMs: UPDATE_DELAY_MS },
});

function provisionBody(n: number) {
  return {
    provisioningId: TRUSTED_TEMPLATE_ID,
    userId: `user-${n}@sp.example.com`,
    spEnterpriseId: ENTERPRISE,
    firstName: `First${n}`,
    lastName: `Last${n}`,
    package: 'standard',
    primaryPhoneNumber: `+1 555 010${n}`,
    email: `person-${n}@example.com`,
  };
}

/** Like a Webex client: read the subscriber, and while the background work runs, let (simulated) time pass. */
async function getUntil(id: string, done: (s: Subscriber) => boolean): Promise<Subscriber> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await api.get<Subscriber>(`/v1/broadworks/subscribers/${id}`);
    expect(response.status).toBe(200);
    expectValidResponse('GET', `/v1/broadworks/subscribers/${id}`, 200, response.body);
    if (done(response.body)) return response.body;
    clock.advance(500);
  }
  throw new Error(`subscriber ${id} never reached the expected state`);
}

/** The next page's path and query from a `Link: <url>; rel="next"` header, checked to point at this gateway. */
function nextPage(response: ApiResponse): string | undefined {
  const link = response.headers.get('link');
  if (!link) return undefined;
  const match = /<([^>]+)>;\s*rel="next"/.exec(link);
  expect(match?.[1]).toBeDefined();
  const url = new URL(match?.[1] as string);
  expect(url.origin).toBe(runtime.urls.api);
  return `${url.pathname}${url.search}`;
}

describe('local runtime end to end', () => {
  let subscriberId = '';

  it('provisions a subscriber and follows it to provisioned', async () => {
    // Act
    const response = await api.post<Subscriber>('/v1/broadworks/subscribers', provisionBody(1));

    // Assess
    expect(response.status).toBe(200);
    expectValidResponse('POST', '/v1/broadworks/subscribers', 200, response.body);
    expect(response.body.status).toBe('provisioning');
    expect(response.headers.get('trackingid')).toEqual(expect.any(String));
    subscriberId = response.body.id;
    const provisioned = await getUntil(subscriberId, (s) => s.status === 'provisioned');
    expect(provisioned.personId).toEqual(expect.any(String));
  });

  it('lists with filters over two pages following Link rel="next"', async () => {
    // Prepare
    const second = await api.post<Subscriber>('/v1/broadworks/subscribers', provisionBody(2));
    expect(second.status).toBe(200);
    await api.post('/v1/broadworks/subscribers', { ...provisionBody(3), spEnterpriseId: 'another-enterprise' });

    // Act
    const first = await api.get<{ items: Subscriber[] }>(
      `/v1/broadworks/subscribers?spEnterpriseId=${ENTERPRISE}&max=1`,
    );
    const nextPath = nextPage(first);
    const secondPage = await api.get<{ items: Subscriber[] }>(nextPath ?? '/missing-next-link');

    // Assess
    expect(first.status).toBe(200);
    expectValidResponse('GET', '/v1/broadworks/subscribers', 200, first.body);
    expect(nextPath).toContain('max=1');
    expect(secondPage.status).toBe(200);
    expectValidResponse('GET', '/v1/broadworks/subscribers', 200, secondPage.body);
    const ids = [...first.body.items, ...secondPage.body.items].map((s) => s.id);
    expect(ids).toEqual([subscriberId, second.body.id]);
    expect([...first.body.items, ...secondPage.body.items].every((s) => s.spEnterpriseId === ENTERPRISE)).toBe(true);
    expect(nextPage(secondPage)).toBeUndefined();
  });

  it('updates the subscriber: updating with the old values, then the new values once provisioned', async () => {
    // Act
    const response = await api.put<Subscriber>(`/v1/broadworks/subscribers/${subscriberId}`, {
      firstName: 'Renamed',
      package: 'premium',
    });

    // Assess
    expect(response.status).toBe(200);
    expectValidResponse('PUT', `/v1/broadworks/subscribers/${subscriberId}`, 200, response.body);
    expect(response.body).toMatchObject({ status: 'updating', firstName: 'First1', package: 'standard' });
    const updated = await getUntil(subscriberId, (s) => s.status === 'provisioned' && s.firstName === 'Renamed');
    expect(updated.package).toBe('premium');
  });

  it('prechecks a provisioning', async () => {
    // Act
    const response = await api.post('/v1/broadworks/subscribers/validate', { email: 'someone-new@example.com' });

    // Assess
    expect(response.status).toBe(200);
    expectValidResponse('POST', '/v1/broadworks/subscribers/validate', 200, response.body);
    expect(response.body).toEqual({
      message: 'success',
      info: [{ infoCode: 100, description: 'Provisioning preCheck validation successful.' }],
    });
  });

  it('removes the subscriber, after which it is gone', async () => {
    // Act
    const removed = await api.delete(`/v1/broadworks/subscribers/${subscriberId}`);
    const after = await api.get(`/v1/broadworks/subscribers/${subscriberId}`);

    // Assess
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect(after.status).toBe(404);
    expectValidResponse('GET', `/v1/broadworks/subscribers/${subscriberId}`, 404, after.body);
  });

  it("keeps every mutation in the subscriber's audit trail, newest first, without personal data in clear", async () => {
    // Act
    const response = await api.get<{ items: AuditRecord[] }>(`/v1/broadworks/subscribers/${subscriberId}/audit`, {
      token: runtime.tokens.read,
    });

    // Assess
    expect(response.status).toBe(200);
    const actions = response.body.items.map((r) => r.action).filter((a) => a !== 'statusChange');
    expect(actions).toEqual(['remove', 'update', 'provision']);
    for (const record of response.body.items) {
      expect(record).toMatchObject({ subscriberId, actor: 'local-sandbox', outcome: { result: 'success' } });
    }
    const text = JSON.stringify(response.body);
    for (const personal of ['person-1@example.com', 'First1', 'Renamed', 'user-1@sp.example.com', '555 0101']) {
      expect(text).not.toContain(personal);
    }
  });
});
