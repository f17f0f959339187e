import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONFLICTS, ERROR_CODES } from '../../functions/domain/contract/rules';
import { SIMULATED_FAILURE_DESCRIPTION } from '../../local/webex-simulator';
import { UNTRUSTED_TEMPLATE_ID } from '../../local/webex-simulator/seed';
import { errorItems, type Harness, provisionBody, startHarness } from './harness';

const PROVISIONING_DELAY = 5000;
const UPDATE_DELAY = 3000;

describe('Webex simulator lifecycle', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ provisioningDelayMs: PROVISIONING_DELAY, updateDelayMs: UPDATE_DELAY });
  });
  afterAll(async () => {
    await h.stop();
  });
  beforeEach(() => {
    h.sim.reset();
  });

  const action = (id: string, body: unknown) => h.call('POST', `/_simulator/subscribers/${id}/actions`, { json: body });
  const iso = (ms: number) => new Date(ms).toISOString();

  describe('Provision', () => {
    it('answers 200 with status provisioning, the values sent, timestamps with ms and Z and no personId', async () => {
      // Prepare
      const now = h.clock.now();

      // Act
      const sub = await h.provision({ userId: 'alice@sp.example.com', mobilePhoneNumber: '+1 818 279 1234' });

      // Assess
      expect(sub.status).toBe('provisioning');
      expect(sub.userId).toBe('alice@sp.example.com');
      expect(sub.mobilePhoneNumber).toBe('+1 818 279 1234');
      expect(sub.created).toBe(iso(now));
      expect(sub.lastStatusChange).toBe(iso(now));
      expect(sub.selfActivated).toBe(false);
      expect(sub.personId).toBeUndefined();
      expect(sub.errors).toBeUndefined();
      expect(Buffer.from(sub.id, 'base64url').toString()).toMatch(/^ciscospark:\/\/us\/SUBSCRIBER\/[0-9a-f-]{36}$/);
    });

    it('moves to provisioned with a personId exactly when the provisioning delay has passed', async () => {
      // Prepare
      const sub = await h.provision();

      // Act
      h.clock.advance(PROVISIONING_DELAY - 1);
      const before = await h.get(sub.id);
      h.clock.advance(1);
      const after = await h.get(sub.id);

      // Assess
      expect(before.status).toBe('provisioning');
      expect(after.status).toBe('provisioned');
      expect(Buffer.from(after.personId ?? '', 'base64url').toString()).toMatch(/^ciscospark:\/\/us\/PEOPLE\//);
      expect(after.lastStatusChange).toBe(iso(Date.parse(sub.created) + PROVISIONING_DELAY));
    });

    it('records the transition at the time it happened even when read much later', async () => {
      // Prepare
      const sub = await h.provision();

      // Act
      h.clock.advance(3_600_000);
      const later = await h.get(sub.id);

      // Assess
      expect(later.status).toBe('provisioned');
      expect(later.lastStatusChange).toBe(iso(Date.parse(sub.created) + PROVISIONING_DELAY));
    });

    it('ends in error with errorCode 1002 for a userId starting with fail-', async () => {
      // Prepare
      const sub = await h.provision({ userId: 'fail-bob@sp.example.com' });

      // Act
      h.clock.advance(PROVISIONING_DELAY);
      const failed = await h.get(sub.id);

      // Assess
      expect(failed.status).toBe('error');
      expect(failed.errors).toEqual([
        { errorCode: ERROR_CODES.invalidValue, description: SIMULATED_FAILURE_DESCRIPTION },
      ]);
      expect(failed.personId).toBeUndefined();
    });
  });

  describe('pending states', () => {
    it('waits in pending_email_input without an email, then provisions once the person enters one', async () => {
      // Prepare
      const sub = await h.provision({ email: undefined });
      h.clock.advance(PROVISIONING_DELAY);
      const pending = await h.get(sub.id);

      // Act
      const entered = await action(sub.id, { action: 'enterEmail', email: 'ada@acme.example.com' });
      h.clock.advance(PROVISIONING_DELAY);
      const done = await h.get(sub.id);

      // Assess
      expect(pending.status).toBe('pending_email_input');
      expect(pending.email).toBeUndefined();
      expect(entered.status).toBe(200);
      expect(entered.body).toMatchObject({ status: 'provisioning', email: 'ada@acme.example.com' });
      expect((entered.body as { lastStatusChange: string }).lastStatusChange).toBe(
        iso(h.clock.now() - PROVISIONING_DELAY),
      );
      expect(done.status).toBe('provisioned');
      expect(done.email).toBe('ada@acme.example.com');
    });

    it('waits in pending_email_validation under a template that does not trust emails, until validated', async () => {
      // Prepare
      const sub = await h.provision({ provisioningId: UNTRUSTED_TEMPLATE_ID });
      h.clock.advance(PROVISIONING_DELAY);
      const pending = await h.get(sub.id);

      // Act
      const validated = await action(sub.id, { action: 'validateEmail' });
      const resumed = await h.get(sub.id);
      h.clock.advance(PROVISIONING_DELAY);
      const done = await h.get(sub.id);

      // Assess
      expect(pending.status).toBe('pending_email_validation');
      expect(validated.status).toBe(200);
      expect(resumed.status).toBe('provisioning');
      expect(done.status).toBe('provisioned');
    });

    it('goes from pending_email_input to pending_email_validation when the entered email is not trusted', async () => {
      // Prepare
      const sub = await h.provision({ provisioningId: UNTRUSTED_TEMPLATE_ID, email: undefined });
      h.clock.advance(PROVISIONING_DELAY);

      // Act
      await action(sub.id, { action: 'enterEmail', email: 'ada@acme.example.com' });
      h.clock.advance(PROVISIONING_DELAY);
      const validation = await h.get(sub.id);
      await action(sub.id, { action: 'validateEmail' });
      h.clock.advance(PROVISIONING_DELAY);
      const done = await h.get(sub.id);

      // Assess
      expect(validation.status).toBe('pending_email_validation');
      expect(done.status).toBe('provisioned');
    });

    it('waits in pending_user_migration for an existing Webex user, counts consent resends, provisions on consent', async () => {
      // Prepare
      const sub = await h.provision({ email: 'someone@existing-webex.example.com' });
      h.clock.advance(PROVISIONING_DELAY);
      const pending = await h.get(sub.id);

      // Act
      const resend1 = await h.call('POST', `/v1/subscribers/${sub.id}/emails/consentMove`);
      const resend2 = await h.call('POST', `/v1/subscribers/${sub.id}/emails/consentMove`);
      const consent = await action(sub.id, { action: 'consent' });
      h.clock.advance(PROVISIONING_DELAY);
      const done = await h.get(sub.id);

      // Assess
      expect(pending.status).toBe('pending_user_migration');
      expect(resend1.status).toBe(204);
      expect(resend2.status).toBe(204);
      expect(h.sim.stats().consentResends).toEqual({ total: 2, bySubscriber: { [sub.id]: 2 } });
      expect(consent.status).toBe(200);
      expect(done.status).toBe('provisioned');
    });

    it('treats every listed existing address as an existing Webex user, case-insensitively', async () => {
      // Prepare
      const sub = await h.provision({ email: 'Existing.User@Example.com' });

      // Act
      h.clock.advance(PROVISIONING_DELAY);
      const pending = await h.get(sub.id);

      // Assess
      expect(pending.status).toBe('pending_user_migration');
    });

    it('refuses consentMove with 409 outside pending_user_migration', async () => {
      // Prepare
      const sub = await h.provision();

      // Act
      const reply = await h.call('POST', `/v1/subscribers/${sub.id}/emails/consentMove`);

      // Assess
      expect(reply.status).toBe(409);
      expect(errorItems(reply)).toEqual([{ description: CONFLICTS.consentNotPending }]);
      expect(h.sim.stats().consentResends.total).toBe(0);
    });

    it('answers 404 to consentMove for an unknown subscriber', async () => {
      // Act
      const reply = await h.call('POST', '/v1/subscribers/Y2lzY29zcGFyazovL3Vub3du/emails/consentMove');

      // Assess
      expect(reply.status).toBe(404);
    });

    it('refuses a person action that does not match the status with 409', async () => {
      // Prepare
      const sub = await h.provision({ email: undefined });
      h.clock.advance(PROVISIONING_DELAY);

      // Act
      const consent = await action(sub.id, { action: 'consent' });
      const validate = await action(sub.id, { action: 'validateEmail' });

      // Assess
      expect(consent.status).toBe(409);
      expect(validate.status).toBe(409);
      expect((await h.get(sub.id)).status).toBe('pending_email_input');
    });

    it('answers 400 to an unknown or incomplete person action and 404 for an unknown subscriber', async () => {
      // Prepare
      const sub = await h.provision({ email: undefined });
      h.clock.advance(PROVISIONING_DELAY);

      // Act
      const unknown = await action(sub.id, { action: 'dance' });
      const noEmail = await action(sub.id, { action: 'enterEmail' });
      const badEmail = await action(sub.id, { action: 'enterEmail', email: 'not-an-email' });
      const missing = await action('nobody', { action: 'consent' });

      // Assess
      expect(unknown.status).toBe(400);
      expect(noEmail.status).toBe(400);
      expect(errorItems(noEmail)).toContainEqual(expect.objectContaining({ errorCode: 1001, fieldName: 'email' }));
      expect(badEmail.status).toBe(400);
      expect(errorItems(badEmail)).toContainEqual(expect.objectContaining({ errorCode: 1002, fieldName: 'email' }));
      expect(missing.status).toBe(404);
    });

    it('offers the same person actions programmatically', async () => {
      // Prepare
      const sub = await h.provision({ email: 'x@existing-webex.example.com' });
      h.clock.advance(PROVISIONING_DELAY);

      // Act
      h.sim.personAction(sub.id, { action: 'consent' });
      h.clock.advance(PROVISIONING_DELAY);

      // Assess
      expect((await h.get(sub.id)).status).toBe('provisioned');
      expect(() => h.sim.personAction(sub.id, { action: 'consent' })).toThrow(/only possible/);
      expect(() => h.sim.personAction('nobody', { action: 'consent' })).toThrow(/could not be found/);
    });
  });

  describe('Update', () => {
    const provisioned = async (overrides: Record<string, unknown> = {}) => {
      const sub = await h.provision(overrides);
      h.clock.advance(PROVISIONING_DELAY);
      return h.get(sub.id);
    };

    it('answers 200 updating with the old values, and shows the new ones once back to provisioned', async () => {
      // Prepare
      const sub = await provisioned({ firstName: 'Ada', package: 'standard' });

      // Act
      const reply = await h.call('PUT', `/v1/broadworks/subscribers/${sub.id}`, {
        json: { firstName: 'Augusta', package: 'premium', timezone: 'Europe/London', language: 'english' },
      });
      const during = await h.get(sub.id);
      h.clock.advance(UPDATE_DELAY);
      const after = await h.get(sub.id);

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ status: 'updating', firstName: 'Ada', package: 'standard' });
      expect(sub.personId).toBeDefined();
      expect(reply.body).toMatchObject({ personId: sub.personId, language: 'en' });
      expect(during).toMatchObject({ status: 'updating', firstName: 'Ada', personId: sub.personId, language: 'en' });
      expect(after).toMatchObject({ status: 'provisioned', firstName: 'Augusta', package: 'premium' });
      expect(after.personId).toBe(sub.personId);
      expect(after.lastStatusChange).toBe(iso(h.clock.now()));
    });

    it('removes mobilePhoneNumber on an empty value', async () => {
      // Prepare
      const sub = await provisioned({ mobilePhoneNumber: '+1-818-279-1234' });

      // Act
      await h.call('PUT', `/v1/broadworks/subscribers/${sub.id}`, { json: { mobilePhoneNumber: '' } });
      h.clock.advance(UPDATE_DELAY);
      const after = await h.get(sub.id);

      // Assess
      expect(after.status).toBe('provisioned');
      expect(after).not.toHaveProperty('mobilePhoneNumber');
    });

    it('removes primaryPhoneNumber or extension on an empty value only while the other remains', async () => {
      // Prepare
      const both = await provisioned({ primaryPhoneNumber: '+1 240 555 1212', extension: '1212' });
      const phoneOnly = await provisioned({ primaryPhoneNumber: '+1 240 555 1213', extension: undefined });
      const extOnly = await provisioned({ primaryPhoneNumber: undefined, extension: '1214' });

      // Act
      const removeExt = await h.call('PUT', `/v1/broadworks/subscribers/${both.id}`, { json: { extension: '' } });
      const lastPhone = await h.call('PUT', `/v1/broadworks/subscribers/${phoneOnly.id}`, {
        json: { primaryPhoneNumber: '' },
      });
      const lastExt = await h.call('PUT', `/v1/broadworks/subscribers/${extOnly.id}`, { json: { extension: '' } });
      const swap = await h.call('PUT', `/v1/broadworks/subscribers/${extOnly.id}`, {
        json: { extension: '', primaryPhoneNumber: '+44 20 7946 0000' },
      });
      h.clock.advance(UPDATE_DELAY);

      // Assess
      expect(removeExt.status).toBe(200);
      expect(await h.get(both.id)).not.toHaveProperty('extension');
      expect(lastPhone.status).toBe(400);
      expect(errorItems(lastPhone)).toEqual([
        expect.objectContaining({ errorCode: 1002, fieldName: 'primaryPhoneNumber' }),
      ]);
      expect(lastExt.status).toBe(400);
      expect(errorItems(lastExt)).toEqual([expect.objectContaining({ errorCode: 1002, fieldName: 'extension' })]);
      expect(swap.status).toBe(200);
      const swapped = await h.get(extOnly.id);
      expect(swapped).not.toHaveProperty('extension');
      expect(swapped.primaryPhoneNumber).toBe('+44 20 7946 0000');
    });

    it('changes the userId', async () => {
      // Prepare
      const sub = await provisioned({ userId: 'old@sp.example.com' });

      // Act
      await h.call('PUT', `/v1/broadworks/subscribers/${sub.id}`, { json: { userId: 'new@sp.example.com' } });
      h.clock.advance(UPDATE_DELAY);

      // Assess
      expect((await h.get(sub.id)).userId).toBe('new@sp.example.com');
    });

    it('refuses a userId another subscriber holds with 409 10022 in 409 mode', async () => {
      // Prepare
      await h.provision({ userId: 'taken@sp.example.com' });
      const sub = await provisioned();

      // Act
      const reply = await h.call('PUT', `/v1/broadworks/subscribers/${sub.id}`, {
        json: { userId: 'taken@sp.example.com' },
      });

      // Assess
      expect(reply.status).toBe(409);
      expect(errorItems(reply)).toEqual([{ errorCode: ERROR_CODES.userIdInUse, description: CONFLICTS.userIdInUse }]);
      expect((await h.get(sub.id)).status).toBe('provisioned');
    });

    it('accepts a userId another subscriber holds in 10022 mode and ends in error 10022, keeping the old values', async () => {
      // Prepare
      h.sim.configure({ duplicateUserIdMode: '10022' });
      await h.provision({ userId: 'taken@sp.example.com' });
      const sub = await provisioned({ userId: 'mine@sp.example.com' });

      // Act
      const reply = await h.call('PUT', `/v1/broadworks/subscribers/${sub.id}`, {
        json: { userId: 'taken@sp.example.com' },
      });
      h.clock.advance(UPDATE_DELAY);
      const after = await h.get(sub.id);

      // Assess
      expect(reply.status).toBe(200);
      expect(after.status).toBe('error');
      expect(after.userId).toBe('mine@sp.example.com');
      expect(after.errors).toEqual([{ errorCode: ERROR_CODES.userIdInUse, description: CONFLICTS.userIdInUse }]);
    });

    it('refuses with 409 while the subscriber is not provisioned', async () => {
      // Prepare
      const updating = await provisioned();
      await h.call('PUT', `/v1/broadworks/subscribers/${updating.id}`, { json: { firstName: 'X' } });
      const provisioning = await h.provision();

      // Act
      const first = await h.call('PUT', `/v1/broadworks/subscribers/${provisioning.id}`, { json: { firstName: 'Y' } });
      const second = await h.call('PUT', `/v1/broadworks/subscribers/${updating.id}`, { json: { firstName: 'Z' } });

      // Assess
      for (const reply of [first, second]) {
        expect(reply.status).toBe(409);
        expect(errorItems(reply)).toEqual([{ description: CONFLICTS.updateNotProvisioned }]);
      }
    });

    it('answers 404 for an unknown subscriber', async () => {
      // Act
      const reply = await h.call('PUT', '/v1/broadworks/subscribers/unknown', { json: { firstName: 'X' } });

      // Assess
      expect(reply.status).toBe(404);
    });
  });

  describe('Remove', () => {
    it('answers 204, then Get answers 404, List omits it and a second Remove answers 404', async () => {
      // Prepare
      const keep = await h.provision();
      const gone = await h.provision();

      // Act
      const removed = await h.call('DELETE', `/v1/broadworks/subscribers/${gone.id}`);
      const get = await h.call('GET', `/v1/broadworks/subscribers/${gone.id}`);
      const list = await h.call('GET', '/v1/broadworks/subscribers');
      const again = await h.call('DELETE', `/v1/broadworks/subscribers/${gone.id}`);

      // Assess
      expect(removed.status).toBe(204);
      expect(removed.text).toBe('');
      expect(get.status).toBe(404);
      expect((list.body as { items: Array<{ id: string }> }).items.map((s) => s.id)).toEqual([keep.id]);
      expect(again.status).toBe(404);
    });

    it('frees the userId for a new Provision', async () => {
      // Prepare
      const first = await h.provision({ userId: 'reuse@sp.example.com' });
      await h.call('DELETE', `/v1/broadworks/subscribers/${first.id}`);

      // Act
      const second = await h.call('POST', '/v1/broadworks/subscribers', {
        json: provisionBody({ userId: 'reuse@sp.example.com' }),
      });

      // Assess
      expect(second.status).toBe(200);
    });
  });

  describe('duplicate userId', () => {
    it("answers 409 with errorCode 10022 in mode '409'", async () => {
      // Prepare
      await h.provision({ userId: 'dup@sp.example.com' });

      // Act
      const reply = await h.call('POST', '/v1/broadworks/subscribers', {
        json: provisionBody({ userId: 'dup@sp.example.com' }),
      });

      // Assess
      expect(reply.status).toBe(409);
      expect(errorItems(reply)).toEqual([{ errorCode: ERROR_CODES.userIdInUse, description: CONFLICTS.userIdInUse }]);
      expect(h.sim.stats().subscribers.total).toBe(1);
    });

    it("accepts the Provision in mode '10022' and ends in error with errorCode 10022", async () => {
      // Prepare
      h.sim.configure({ duplicateUserIdMode: '10022' });
      const original = await h.provision({ userId: 'dup@sp.example.com' });

      // Act
      const duplicate = await h.provision({ userId: 'dup@sp.example.com' });
      h.clock.advance(PROVISIONING_DELAY);

      // Assess
      expect(duplicate.status).toBe('provisioning');
      expect((await h.get(original.id)).status).toBe('provisioned');
      const failed = await h.get(duplicate.id);
      expect(failed.status).toBe('error');
      expect(failed.errors).toEqual([{ errorCode: ERROR_CODES.userIdInUse, description: CONFLICTS.userIdInUse }]);
    });
  });

  describe('configuration', () => {
    it('applies changed delays to transitions started afterwards, and reset restores the creation options', async () => {
      // Prepare
      h.sim.configure({ provisioningDelayMs: 60_000 });
      const slow = await h.provision();

      // Act
      h.clock.advance(PROVISIONING_DELAY);
      const stillProvisioning = await h.get(slow.id);
      h.clock.advance(60_000 - PROVISIONING_DELAY);
      const done = await h.get(slow.id);
      h.sim.reset();
      const config = await h.call('GET', '/_simulator/config');

      // Assess
      expect(stillProvisioning.status).toBe('provisioning');
      expect(done.status).toBe('provisioned');
      expect(config.body).toEqual({
        provisioningDelayMs: PROVISIONING_DELAY,
        updateDelayMs: UPDATE_DELAY,
        duplicateUserIdMode: '409',
      });
    });

    it('counts subscribers by status in the statistics', async () => {
      // Prepare
      await h.provision();
      await h.provision({ email: undefined });
      h.clock.advance(PROVISIONING_DELAY);
      await h.provision({ userId: 'fail-x@sp.example.com' });

      // Act
      const stats = h.sim.stats();

      // Assess
      expect(stats.subscribers.total).toBe(3);
      expect(stats.subscribers.byStatus).toMatchObject({
        provisioned: 1,
        pending_email_input: 1,
        provisioning: 1,
        error: 0,
      });
    });
  });
});
