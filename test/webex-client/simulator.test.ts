/**
 * The client against the Webex simulator (local/webex-simulator): the same paths, bodies, paging and errors the real
 * API answers with, and the refresh grant against the simulator's `/v1/access_token`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebexHttpClient } from '../../functions/adapters/webex/client';
import { RefreshingCredentials } from '../../functions/adapters/webex/refreshing-credentials';
import type { ProvisionRequest } from '../../functions/domain/contract/provision-request';
import type { Subscriber } from '../../functions/domain/contract/subscriber';
import { UpstreamError } from '../../functions/domain/errors';
import { createWebexSimulator, TRUSTED_TEMPLATE_ID, type WebexSimulator } from '../../local/webex-simulator';
import { createManualClock, type ManualClock } from '../support/fakes';
import { silentLogger } from './support';

function provisionBody(n: number): ProvisionRequest {
  return {
    provisioningId: TRUSTED_TEMPLATE_ID,
    userId: `bw-user-${n}@sp.example.com`,
    spEnterpriseId: 'Reseller1+client-test',
    firstName: 'Ada',
    lastName: `Tester${n}`,
    email: `ada.${n}@sp.example.com`,
    package: 'standard',
    primaryPhoneNumber: `+1 555 010${n}`,
  };
}

describe('WebexHttpClient against the Webex simulator', () => {
  let simulator: WebexSimulator;
  let clock: ManualClock;
  let client: WebexHttpClient;

  beforeAll(async () => {
    clock = createManualClock(Date.UTC(2025, 5, 1));
    simulator = createWebexSimulator({ clock, provisioningDelayMs: 1000, updateDelayMs: 1000, logger: silentLogger });
    const { url } = await simulator.start({ port: 0, host: '127.0.0.1' });
    const { refreshToken, clientId, clientSecret } = simulator.credentials;
    const credentials = new RefreshingCredentials({
      baseUrl: `${url}/v1`,
      refreshToken,
      clientId,
      clientSecret,
      clock,
      logger: silentLogger,
    });
    client = new WebexHttpClient({ credentials, clock, logger: silentLogger, random: () => 0 });
  });

  afterAll(async () => {
    await simulator.stop();
  });

  it('provisions, follows the subscriber to provisioned, updates and removes it', async () => {
    // Prepare
    const body = provisionBody(1);

    // Act
    const provisioned = await client.provision(body, { trackingId: 'sim-1' });
    clock.advance(1000);
    const done = await client.get(provisioned.value.id, { trackingId: 'sim-2' });
    const updating = await client.update(provisioned.value.id, { lastName: 'Renamed' }, { trackingId: 'sim-3' });
    clock.advance(1000);
    const updated = await client.get(provisioned.value.id, { trackingId: 'sim-4' });
    await client.remove(provisioned.value.id, { trackingId: 'sim-5' });
    const gone = await client.get(provisioned.value.id, { trackingId: 'sim-6' }).catch((e: unknown) => e);

    // Assess
    expect(provisioned.value).toMatchObject({ status: 'provisioning', userId: body.userId, selfActivated: false });
    expect(provisioned.webexTrackingId).toBeTruthy();
    expect(done.value.status).toBe('provisioned');
    expect(done.value.personId).toBeTruthy();
    expect(updating.value).toMatchObject({ status: 'updating', lastName: body.lastName });
    expect(updated.value).toMatchObject({ status: 'provisioned', lastName: 'Renamed' });
    expect(gone).toBeInstanceOf(UpstreamError);
    expect(gone).toMatchObject({ status: 404 });
  });

  it('prechecks an email', async () => {
    // Act
    const result = await client.precheck({ email: 'someone.new@sp.example.com' }, { trackingId: 'sim-7' });

    // Assess
    expect(result.value.message).toBe('success');
    expect(result.value.info[0]?.infoCode).toBe(100);
  });

  it('lists every subscriber page by page with listAll', async () => {
    // Prepare
    const ids: string[] = [];
    for (const n of [2, 3, 4])
      ids.push((await client.provision(provisionBody(n), { trackingId: `sim-p${n}` })).value.id);
    const seen: Subscriber[] = [];

    // Act
    for await (const subscriber of client.listAll(
      { spEnterpriseId: 'Reseller1+client-test', max: '1' },
      { trackingId: 'sim-list' },
    )) {
      seen.push(subscriber);
    }
    const firstPage = await client.list(
      { spEnterpriseId: 'Reseller1+client-test', max: '1' },
      { trackingId: 'sim-l1' },
    );

    // Assess
    expect(seen.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(firstPage.value.items).toHaveLength(1);
    expect(firstPage.value.nextQuery).toBeDefined();
  });

  it("passes Webex's validation and conflict errors through with their codes", async () => {
    // Prepare
    const duplicate = provisionBody(5);
    await client.provision(duplicate, { trackingId: 'sim-d1' });

    // Act
    const conflict = await client
      .provision({ ...duplicate, email: 'other.5@sp.example.com' }, { trackingId: 'sim-d2' })
      .catch((e: unknown) => e);
    const invalid = await client
      .provision({ ...provisionBody(6), firstName: undefined } as unknown as ProvisionRequest, { trackingId: 'sim-v' })
      .catch((e: unknown) => e);

    // Assess
    expect(conflict).toBeInstanceOf(UpstreamError);
    expect(conflict).toMatchObject({ status: 409, errors: [{ errorCode: 10022 }] });
    expect((conflict as UpstreamError).webexTrackingId).toBeTruthy();
    expect(invalid).toMatchObject({ status: 400, errors: [{ errorCode: 1001, fieldName: 'firstName' }] });
  });
});
