import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UNTRUSTED_TEMPLATE_ID } from '../../local/webex-simulator/seed';
import { type Harness, type Reply, rawRequest, type SubscriberBody, startHarness } from './harness';

interface Page {
  items: SubscriberBody[];
  next?: string;
}

function nextLink(reply: Reply): string | undefined {
  const link = reply.headers.get('link');
  if (!link) return undefined;
  const match = /^<([^>]+)>;\s*rel="next"$/.exec(link);
  expect(match, `Link header: ${link}`).not.toBeNull();
  return match?.[1];
}

describe('Webex simulator List', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });
  beforeEach(() => {
    h.sim.reset();
  });

  const page = async (pathAndQuery: string): Promise<Page> => {
    const reply = await h.call('GET', pathAndQuery);
    expect(reply.status, reply.text).toBe(200);
    const next = nextLink(reply);
    return { items: (reply.body as { items: SubscriberBody[] }).items, ...(next ? { next } : {}) };
  };

  /** Follow Link rel="next" from the first page; returns every page. */
  const allPages = async (query: string): Promise<Page[]> => {
    const pages: Page[] = [await page(`/v1/broadworks/subscribers?${query}`)];
    for (let last = pages[0]; last?.next; last = pages[pages.length - 1]) {
      const url = new URL(last.next);
      expect(url.origin).toBe(h.url);
      pages.push(await page(`${url.pathname}${url.search}`));
      expect(pages.length).toBeLessThan(50);
    }
    return pages;
  };

  it('pages through the subscribers of one enterprise in creation order, keeping the filters in the Link', async () => {
    // Prepare
    const acme: string[] = [];
    for (let i = 0; i < 7; i++) {
      acme.push((await h.provision({ spEnterpriseId: 'SP1+acme' })).id);
      await h.provision({ spEnterpriseId: 'SP1+globex' });
      h.clock.advance(i % 2 === 0 ? 0 : 10);
    }

    // Act
    const pages = await allPages('spEnterpriseId=SP1%2Bacme&max=3');

    // Assess
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((p) => p.items.map((s) => s.id))).toEqual(acme);
    expect(pages.flatMap((p) => p.items.map((s) => s.spEnterpriseId))).toEqual(Array(7).fill('SP1+acme'));
    const link = new URL(pages[0]?.next ?? '');
    expect(link.pathname).toBe('/v1/broadworks/subscribers');
    expect(link.searchParams.get('spEnterpriseId')).toBe('SP1+acme');
    expect(link.searchParams.get('max')).toBe('3');
    expect(link.searchParams.get('cursor')).toBeTruthy();
    expect(pages[2]?.next).toBeUndefined();
  });

  it('gives no Link when everything fits on one page, and an exact multiple ends without an empty page', async () => {
    // Prepare
    for (let i = 0; i < 4; i++) await h.provision();

    // Act
    const one = await allPages('max=10');
    const exact = await allPages('max=2');

    // Assess
    expect(one).toHaveLength(1);
    expect(one[0]?.next).toBeUndefined();
    expect(exact.map((p) => p.items.length)).toEqual([2, 2]);
  });

  it('pages 50 by default', async () => {
    // Prepare
    for (let i = 0; i < 51; i++) await h.provision();

    // Act
    const pages = await allPages('');

    // Assess
    expect(pages.map((p) => p.items.length)).toEqual([50, 1]);
    expect(new URL(pages[0]?.next ?? '').searchParams.get('max')).toBe('50');
  });

  it('keeps paging stable when a listed subscriber is removed between pages', async () => {
    // Prepare
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await h.provision()).id);
    const first = await page('/v1/broadworks/subscribers?max=2');

    // Act
    await h.call('DELETE', `/v1/broadworks/subscribers/${ids[1]}`);
    const next = new URL(first.next ?? '');
    const second = await page(`${next.pathname}${next.search}`);

    // Assess
    expect(second.items.map((s) => s.id)).toEqual([ids[2], ids[3]]);
  });

  it('filters by userId, personId, email (case-insensitive), provisioningId and status list', async () => {
    // Prepare
    const a = await h.provision({ userId: 'a@sp.example.com', email: 'A@Acme.example.com' });
    const b = await h.provision({ provisioningId: UNTRUSTED_TEMPLATE_ID });
    const c = await h.provision({ email: undefined });
    h.clock.advance(5000);
    const d = await h.provision({ userId: 'd@sp.example.com' });
    const personA = (await h.get(a.id)).personId ?? '';
    const ids = async (query: string) => (await page(`/v1/broadworks/subscribers?${query}`)).items.map((s) => s.id);

    // Act
    const byUser = await ids('userId=a%40sp.example.com');
    const byPerson = await ids(`personId=${personA}`);
    const byEmail = await ids('email=a%40acme.example.COM');
    const byTemplate = await ids(`provisioningId=${UNTRUSTED_TEMPLATE_ID}`);
    const byStatus = await ids('status=pending_email_input,pending_email_validation');
    const provisioning = await ids('status=provisioning');
    const none = await ids('userId=nobody');

    // Assess
    expect(byUser).toEqual([a.id]);
    expect(byPerson).toEqual([a.id]);
    expect(byEmail).toEqual([a.id]);
    expect(byTemplate).toEqual([b.id]);
    expect(byStatus).toEqual([b.id, c.id]);
    expect(provisioning).toEqual([d.id]);
    expect(none).toEqual([]);
  });

  it('filters by creation (after) and status change (lastStatusChange), in epoch ms or ISO 8601', async () => {
    // Prepare
    const early = await h.provision();
    const t0 = h.clock.now();
    h.clock.advance(1000);
    const late = await h.provision();
    const ids = async (query: string) => (await page(`/v1/broadworks/subscribers?${query}`)).items.map((s) => s.id);

    // Act
    const afterEpoch = await ids(`after=${t0}`);
    const afterIso = await ids(`after=${encodeURIComponent(new Date(t0).toISOString())}`);
    h.clock.advance(4500); // early is provisioned at t0 + 5000; late still provisioning
    const changed = await ids(`lastStatusChange=${t0 + 1000}`);

    // Assess
    expect(afterEpoch).toEqual([late.id]);
    expect(afterIso).toEqual([late.id]);
    expect(changed).toEqual([early.id]);
  });

  it('lists no subscriber as self activated', async () => {
    // Prepare
    await h.provision();

    // Act
    const selfActivated = await page('/v1/broadworks/subscribers?selfActivated=true');
    const notSelfActivated = await page('/v1/broadworks/subscribers?selfActivated=false');

    // Assess
    expect(selfActivated.items).toEqual([]);
    expect(notSelfActivated.items).toHaveLength(1);
  });

  it('builds the Link on the Host the caller used', async () => {
    // Prepare
    await h.provision();
    await h.provision();

    // Act
    const reply = await rawRequest(h.url, {
      path: '/v1/broadworks/subscribers?max=1',
      headers: { Host: 'sim.local:8443', Authorization: `Bearer ${h.sim.credentials.accessToken}` },
    });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.headers.link).toMatch(/^<http:\/\/sim\.local:8443\/v1\/broadworks\/subscribers\?max=1&cursor=/);
  });

  it('forgets cursors on reset', async () => {
    // Prepare
    await h.provision();
    await h.provision();
    const first = await page('/v1/broadworks/subscribers?max=1');
    h.sim.reset();

    // Act
    const next = new URL(first.next ?? '');
    const reply = await h.call('GET', `${next.pathname}${next.search}`);

    // Assess
    expect(reply.status).toBe(400);
  });
});
