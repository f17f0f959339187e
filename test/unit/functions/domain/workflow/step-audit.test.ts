/**
 * The workflow's audit writer: deterministic record ids (per order, per retried attempt), the order's context filled
 * in, and an `AuditUnavailable` task error when the trail cannot be written.
 */
import { describe, expect, it } from 'vitest';
import { audit, errorCodesOf, markProvisionAttempt, stepId } from '../../../../../functions/domain/workflow/step-audit';
import { fakeDeps, iso, orderState, T0 } from './fixtures';

describe('stepId', () => {
  it('is the same for the same step of the same attempt, and differs per attempt', () => {
    // Act / Assess
    expect(stepId(orderState(), 'provision')).toBe(stepId(orderState(), 'provision'));
    expect(stepId(orderState(), 'provision')).not.toBe(stepId(orderState(), 'precheck'));
    expect(stepId(orderState({ attempt: 2 }), 'provision')).not.toBe(stepId(orderState(), 'provision'));
  });
});

describe('errorCodesOf', () => {
  it('lists each error code once, and nothing when there is none', () => {
    // Act / Assess
    expect(errorCodesOf([{ errorCode: 1 }, { errorCode: 1 }, {}, { errorCode: 2 }])).toEqual([1, 2]);
    expect(errorCodesOf([{}])).toBeUndefined();
  });
});

describe('audit', () => {
  it("fills in the time, the workflow actor, the order, its attempt and the tracking's trackingId", async () => {
    // Prepare
    const { deps, audit: store } = fakeDeps();

    // Act
    await audit(deps, orderState({ attempt: 3 }), {
      id: 'r-1',
      action: 'orderStep',
      step: 'precheck',
      outcome: { result: 'success' },
    });

    // Assess
    expect(store.records).toEqual([
      {
        id: 'r-1',
        at: iso(T0),
        actor: 'workflow:order-1',
        orderId: 'order-1',
        attempt: 3,
        action: 'orderStep',
        step: 'precheck',
        outcome: { result: 'success' },
      },
    ]);
  });

  it('is an AuditUnavailable task error when the trail cannot be written', async () => {
    // Prepare
    const { deps, audit: store } = fakeDeps();
    store.failNextAppends(1);

    // Act / Assess
    await expect(
      audit(deps, orderState(), { id: 'r-1', action: 'orderStep', outcome: { result: 'success' } }),
    ).rejects.toMatchObject({ name: 'AuditUnavailable' });
  });
});

describe('markProvisionAttempt', () => {
  it("tells the order's first Provision from a repeated one, across attempts", async () => {
    // Prepare
    const { deps, audit: store } = fakeDeps();

    // Act
    const first = await markProvisionAttempt(deps, orderState(), 'order-1');
    const repeated = await markProvisionAttempt(deps, orderState({ attempt: 2 }), 'order-1');

    // Assess
    expect([first, repeated]).toEqual([true, false]);
    expect(store.records).toHaveLength(1);
    expect(store.records[0]?.orderId).toBeUndefined();
  });
});
