/**
 * Adoption: when Webex says the order's userId is taken, the workflow carries on with the existing subscriber only when
 * it is provably the order's own (Provision ran before for this order, and the subscriber carries exactly the order's
 * data); anything else ends with SubscriberConflict naming the holder.
 */
import { describe, expect, it } from 'vitest';
import { auditId } from '../../../../../functions/domain/audit';
import { UpstreamError, UpstreamThrottledError } from '../../../../../functions/domain/errors';
import type { AuditRecord } from '../../../../../functions/domain/ports/audit';
import { adopt, carriesOrder, evaluateOrAdopt, isUserIdInUse } from '../../../../../functions/domain/workflow/adoption';
import { FakeWebex } from '../../../../support/fakes';
import { fakeDeps, optionsOf, order, orderState, page, subscriber, T0 } from './fixtures';

const TAKEN = [{ errorCode: 10022, description: 'The BroadWorks UserID is already associated with an existing user.' }];

function causeOf(state: { failure?: { cause: string } | undefined }) {
  return JSON.parse(state.failure?.cause ?? '{}');
}

describe('carriesOrder', () => {
  it("accepts the order's data as Webex stores it: phone numbers reformatted, the email in another case", () => {
    // Act / Assess
    expect(carriesOrder(order(), subscriber())).toBe(true);
  });

  it('refuses a subscriber that differs in any field the order set', () => {
    // Act / Assess
    expect(carriesOrder(order(), subscriber({ lastName: 'Other' }))).toBe(false);
    expect(carriesOrder(order(), subscriber({ primaryPhoneNumber: '+12405550000' }))).toBe(false);
    expect(carriesOrder(order(), subscriber({ email: 'bob@acme.example' }))).toBe(false);
    expect(carriesOrder(order(), subscriber({ provisioningId: 'tmpl-2' }))).toBe(false);
  });

  it('ignores the email when the order has none (a person enters it later at Webex)', () => {
    // Act / Assess
    expect(carriesOrder(order({ email: undefined }), subscriber({ email: 'anything@acme.example' }))).toBe(true);
  });
});

describe('isUserIdInUse', () => {
  it('is a 409 with errorCode 10022 only', () => {
    // Act / Assess
    expect(isUserIdInUse({ status: 409, errors: TAKEN })).toBe(true);
    expect(isUserIdInUse({ status: 409, errors: [{ errorCode: 1002, description: 'x' }] })).toBe(false);
    expect(isUserIdInUse({ status: 400, errors: TAKEN })).toBe(false);
  });
});

describe('adopt', () => {
  it("is a SubscriberConflict on an order's first Provision: the holder cannot be its own", async () => {
    // Prepare
    const webex = new FakeWebex({
      answers: { list: () => page([subscriber({ id: 'sub-9', status: 'provisioned' })]) },
    });
    const { deps, audit } = fakeDeps({ webex });

    // Act
    const next = await adopt(deps, orderState(), { reason: '409', errors: TAKEN });

    // Assess
    expect(webex.calls.map((c) => c.op)).toEqual(['list']);
    expect(next.failure?.error).toBe('SubscriberConflict');
    expect(causeOf(next)).toMatchObject({
      existingSubscriberId: 'sub-9',
      errors: [{ errorCode: 10022, description: expect.stringContaining('sub-9') }, ...TAKEN],
    });
    expect(audit.records.some((r) => r.step === 'adopt')).toBe(false);
  });

  it('adopts the subscriber a repeated Provision of this order created, and follows it', async () => {
    // Prepare
    const own = subscriber({ id: 'sub-7', status: 'provisioned' });
    const webex = new FakeWebex({ answers: { list: () => page([own]) } });
    const { deps, audit } = fakeDeps({ webex });
    const state = orderState({ provisionRepeated: true, lastStatus: 'provisioning' });

    // Act
    const next = await adopt(deps, state, { reason: '409', errors: TAKEN });

    // Assess
    expect(audit.records.find((r) => r.step === 'adopt')).toMatchObject({
      subscriberId: 'sub-7',
      detail: 'adopted the subscriber of an earlier attempt after 409',
      webexTrackingId: 'WEBEX_1',
    });
    expect(next.route).toBe('succeeded');
    expect(next.subscriberId).toBe('sub-7');
  });

  it('is a conflict when the holder carries other data, even after a repeated Provision', async () => {
    // Prepare
    const webex = new FakeWebex({ answers: { list: () => page([subscriber({ id: 'sub-7', firstName: 'Eve' })]) } });
    const { deps } = fakeDeps({ webex });

    // Act
    const next = await adopt(deps, orderState({ provisionRepeated: true }), { reason: '409', errors: TAKEN });

    // Assess
    expect(next.failure?.error).toBe('SubscriberConflict');
    expect(causeOf(next).existingSubscriberId).toBe('sub-7');
  });

  it("knows a retried order's earlier Provision by its marker in the audit trail", async () => {
    // Prepare
    const webex = new FakeWebex({
      answers: { list: () => page([subscriber({ id: 'sub-7', status: 'provisioned' })]) },
    });
    const marker = { id: auditId('order-1', 'provisionAttempt') } as AuditRecord;
    const lookedUp: string[] = [];
    const lookup = {
      get: async (id: string) => {
        lookedUp.push(id);
        return id === marker.id ? marker : undefined;
      },
    };
    const { deps } = fakeDeps({ webex, lookup });

    // Act
    const next = await adopt(deps, orderState({ attempt: 2 }), { reason: '409', errors: TAKEN });

    // Assess
    expect(lookedUp).toEqual([marker.id]);
    expect(next.route).toBe('succeeded');
  });

  it('refuses a retried order without the audit lookup (InvalidWorkflowState)', async () => {
    // Prepare
    const webex = new FakeWebex({ answers: { list: () => page([subscriber()]) } });
    const { deps } = fakeDeps({ webex });

    // Act / Assess
    await expect(adopt(deps, orderState({ attempt: 2 }), { reason: '409', errors: TAKEN })).rejects.toMatchObject({
      name: 'InvalidWorkflowState',
    });
  });

  it('after 10022 leaves the duplicate in error aside and adopts only a live subscriber', async () => {
    // Prepare
    const duplicate = subscriber({ id: 'sub-dup', status: 'error', errors: TAKEN });
    const ownInError = subscriber({ id: 'sub-own', status: 'error' });
    const webex = new FakeWebex({ answers: { list: () => page([duplicate, ownInError]) } });
    const { deps } = fakeDeps({ webex });

    // Act
    const next = await adopt(deps, orderState({ provisionRepeated: true }), {
      reason: '10022',
      exclude: 'sub-dup',
      errors: TAKEN,
    });

    // Assess
    expect(next.failure?.error).toBe('SubscriberConflict');
    expect(causeOf(next).existingSubscriberId).toBe('sub-own');
  });

  it("after a 409 follows the order's own subscriber in error, to report its background errors", async () => {
    // Prepare
    const ownInError = subscriber({ id: 'sub-own', status: 'error', errors: [{ errorCode: 7000, description: 'x' }] });
    const webex = new FakeWebex({ answers: { list: () => page([ownInError]) } });
    const { deps } = fakeDeps({ webex });

    // Act
    const next = await adopt(deps, orderState({ provisionRepeated: true }), { reason: '409', errors: TAKEN });

    // Assess
    expect(next.subscriberId).toBe('sub-own');
    expect(next.failure?.error).toBe('ProvisioningFailed');
    expect(causeOf(next).errors).toEqual([{ errorCode: 7000, description: 'x' }]);
  });

  it('retries the lookup itself after a throttled one, on the slot pacing reserved for it', async () => {
    // Prepare
    const throttle = new UpstreamThrottledError('paced', { status: 429, retryAfterSeconds: 3, slotAt: T0 + 3000 });
    const webex = new FakeWebex({ answers: { list: () => Promise.reject(throttle) } });
    const { deps } = fakeDeps({ webex });
    const state = orderState({ pacedSlotAt: T0 - 1000 });

    // Act
    const next = await adopt(deps, state, { reason: '409', errors: TAKEN });
    await adopt(deps, next, { reason: '409', errors: TAKEN }).catch(() => undefined);

    // Assess: a slot paid by the call before is not the lookup's; the one reserved for the lookup is
    expect(next).toMatchObject({ throttled: true, retryAfterSeconds: 3, pacedSlotAt: T0 + 3000 });
    expect(next.adopting).toEqual({ reason: '409', errors: TAKEN });
    expect(optionsOf(webex.calls[0])?.paidSlotAt).toBeUndefined();
    expect(optionsOf(webex.calls[1])?.paidSlotAt).toBe(T0 + 3000);
  });

  it('fails the order when Webex refuses the lookup', async () => {
    // Prepare
    const webex = new FakeWebex({ answers: { list: () => Promise.reject(new UpstreamError('no', { status: 403 })) } });
    const { deps } = fakeDeps({ webex });

    // Act
    const next = await adopt(deps, orderState(), { reason: '409', errors: TAKEN });

    // Assess
    expect(next.failure?.error).toBe('ProvisioningFailed');
    expect(causeOf(next)).toMatchObject({
      errors: TAKEN,
      detail: 'The existing subscriber could not be looked up (status 403).',
    });
  });
});

describe('evaluateOrAdopt', () => {
  it("adopts the order's own subscriber when Webex failed the new one as a duplicate", async () => {
    // Prepare
    const duplicate = subscriber({ id: 'sub-dup', status: 'error', errors: TAKEN });
    const own = subscriber({ id: 'sub-own', status: 'provisioned' });
    const webex = new FakeWebex({ answers: { list: () => page([duplicate, own]) } });
    const { deps, audit } = fakeDeps({ webex });

    // Act
    const next = await evaluateOrAdopt(deps, orderState({ provisionRepeated: true }), duplicate);

    // Assess
    expect(audit.records.find((r) => r.step === 'adopt')?.detail).toBe(
      'adopted the subscriber of an earlier attempt after 10022; duplicate sub-dup left in error',
    );
    expect(next).toMatchObject({ route: 'succeeded', subscriberId: 'sub-own' });
  });

  it('never adopts for a tracking: the duplicate fails it', async () => {
    // Prepare
    const { deps } = fakeDeps();
    const tracking = orderState({ kind: 'tracking', ref: 'track-1', order: undefined });

    // Act
    const next = await evaluateOrAdopt(deps, tracking, subscriber({ status: 'error', errors: TAKEN }));

    // Assess
    expect(next.failure?.error).toBe('ProvisioningFailed');
  });

  it('decides any other status as evaluate does', async () => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const next = await evaluateOrAdopt(deps, orderState(), subscriber({ status: 'provisioning' }));

    // Assess
    expect(next).toMatchObject({ route: 'poll', waitSeconds: 15 });
  });
});
