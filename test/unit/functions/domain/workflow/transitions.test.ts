/**
 * The workflow state's transitions: the previous step's routing fields cleared, a throttled call's Wait, what Webex
 * says about the subscriber taken in (one statusChange record per transition), and the three ends with their finish
 * record and outcome metric.
 */
import { describe, expect, it } from 'vitest';
import {
  fail,
  observe,
  removedWhileTracked,
  settled,
  sinceOf,
  succeed,
  throttled,
} from '../../../../../functions/domain/workflow/transitions';
import { fakeDeps, iso, orderState, subscriber, T0 } from './fixtures';

describe('settled', () => {
  it("drops the previous step's routing fields and is no longer throttled", () => {
    // Prepare
    const state = orderState({
      throttled: true,
      retryAfterSeconds: 5,
      pacedSlotAt: T0 + 5000,
      waitSeconds: 30,
      failure: { error: 'InvalidOrder', cause: '{}' },
      adopting: { reason: '409', errors: [] },
      subscriberId: 'sub-1',
    });

    // Act
    const next = settled(state);

    // Assess
    expect(next).toEqual(orderState({ subscriberId: 'sub-1' }));
  });
});

describe('throttled', () => {
  it('waits Retry-After and keeps the paced slot for the same task', () => {
    // Act
    const next = throttled(orderState({ waitSeconds: 30 }), { retryAfterSeconds: 7, slotAt: T0 + 7000 });

    // Assess
    expect(next).toEqual(orderState({ throttled: true, retryAfterSeconds: 7, pacedSlotAt: T0 + 7000 }));
  });

  it('carries no slot when pacing reserved none', () => {
    // Act
    const next = throttled(orderState(), { retryAfterSeconds: 5 });

    // Assess
    expect('pacedSlotAt' in next).toBe(false);
  });
});

describe('fail', () => {
  it('ends in the Fail state with a machine-readable cause, a finish record and the outcome metric', async () => {
    // Prepare
    const { deps, audit, outcomes } = fakeDeps();
    const state = orderState({ subscriberId: 'sub-1', lastStatus: 'error' });
    const errors = [{ errorCode: 10022, description: 'taken' }];

    // Act
    const next = await fail(deps, state, 'ProvisioningFailed', { errors, detail: 'why' });

    // Assess
    expect(next.route).toBe('failed');
    expect(next.failure?.error).toBe('ProvisioningFailed');
    expect(JSON.parse(next.failure?.cause ?? '')).toEqual({
      error: 'ProvisioningFailed',
      orderId: 'order-1',
      subscriberId: 'sub-1',
      lastStatus: 'error',
      errors,
      detail: 'why',
    });
    expect(audit.records).toHaveLength(1);
    expect(audit.records[0]).toMatchObject({
      step: 'finish',
      orderId: 'order-1',
      actor: 'workflow:order-1',
      subscriberId: 'sub-1',
      outcome: { result: 'failure', errorCodes: [10022] },
      status: { to: 'error' },
      detail: 'ProvisioningFailed',
    });
    expect(outcomes).toEqual([{ kind: 'order', outcome: 'ProvisioningFailed' }]);
  });

  it('keeps at most 20 errors in the cause', async () => {
    // Prepare
    const { deps } = fakeDeps();
    const errors = Array.from({ length: 30 }, (_, i) => ({ errorCode: 1000 + i, description: `e${i}` }));

    // Act
    const next = await fail(deps, orderState(), 'InvalidOrder', { errors });

    // Assess
    expect(JSON.parse(next.failure?.cause ?? '').errors).toHaveLength(20);
  });
});

describe('succeed', () => {
  it('ends with the subscriber as the result, a finish record and the outcome metric', async () => {
    // Prepare
    const { deps, audit, outcomes } = fakeDeps();
    const provisioned = subscriber({ status: 'provisioned' });

    // Act
    const next = await succeed(deps, orderState({ waitSeconds: 30 }), provisioned);

    // Assess
    expect(next.route).toBe('succeeded');
    expect(next.result).toEqual({ orderId: 'order-1', subscriber: provisioned });
    expect(next.waitSeconds).toBeUndefined();
    expect(audit.records[0]).toMatchObject({ step: 'finish', outcome: { result: 'success' }, detail: 'provisioned' });
    expect(outcomes).toEqual([{ kind: 'order', outcome: 'Succeeded' }]);
  });
});

describe('removedWhileTracked', () => {
  it('ends a tracking as removed: a successful finish record with 404', async () => {
    // Prepare
    const { deps, audit, outcomes } = fakeDeps();
    const state = orderState({ kind: 'tracking', ref: 'track-1', order: undefined, subscriberId: 'sub-1' });

    // Act
    const next = await removedWhileTracked(deps, state, 'sub-1');

    // Assess
    expect(next.route).toBe('removed');
    expect(next.removed).toEqual({ subscriberId: 'sub-1', removed: true });
    expect(audit.records[0]).toMatchObject({ detail: 'removed', outcome: { result: 'success', statusCode: 404 } });
    expect(outcomes).toEqual([{ kind: 'tracking', outcome: 'Removed' }]);
  });
});

describe('sinceOf', () => {
  it("is Webex's lastStatusChange, never later than now, and now when Webex's is unreadable", () => {
    // Act / Assess
    expect(sinceOf(subscriber({ lastStatusChange: iso(T0 - 1000) }), T0)).toBe(iso(T0 - 1000));
    expect(sinceOf(subscriber({ lastStatusChange: iso(T0 + 60_000) }), T0)).toBe(iso(T0));
    expect(sinceOf(subscriber({ lastStatusChange: 'garbage' }), T0)).toBe(iso(T0));
  });
});

describe('observe', () => {
  it('audit.records a status transition once, from the last status seen, at the time Webex gives', async () => {
    // Prepare
    const { deps, audit } = fakeDeps();
    const state = orderState({ subscriberId: 'sub-1', lastStatus: 'provisioning' });
    const seen = subscriber({ status: 'pending_user_migration', lastStatusChange: iso(T0 - 5000) });

    // Act
    const next = await observe(deps, state, seen);
    const again = await observe(deps, next, seen);

    // Assess
    expect(audit.records).toHaveLength(1);
    expect(audit.records[0]).toMatchObject({
      action: 'statusChange',
      at: iso(T0 - 5000),
      subscriberId: 'sub-1',
      status: { from: 'provisioning', to: 'pending_user_migration' },
      outcome: { result: 'success' },
    });
    expect(next).toMatchObject({
      subscriberId: 'sub-1',
      lastStatus: 'pending_user_migration',
      lastStatusChange: iso(T0 - 5000),
      phase: { status: 'pending_user_migration', since: iso(T0 - 5000) },
    });
    expect(again).toEqual(next);
  });

  it('keeps the phase while the status stays, and audit.records a failure with its error codes', async () => {
    // Prepare
    const { deps, audit } = fakeDeps();
    const phase = { status: 'error' as const, since: iso(T0 - 90_000) };
    const state = orderState({ subscriberId: 'sub-1', lastStatus: 'provisioning', phase });
    const failed = subscriber({ status: 'error', errors: [{ errorCode: 7000, description: 'failed' }] });

    // Act
    const next = await observe(deps, state, failed);

    // Assess
    expect(next.phase).toEqual(phase);
    expect(audit.records[0]?.outcome).toEqual({ result: 'failure', errorCodes: [7000] });
  });

  it('sees another subscriber as new: no "from" status', async () => {
    // Prepare
    const { deps, audit } = fakeDeps();
    const state = orderState({ subscriberId: 'sub-1', lastStatus: 'provisioning' });

    // Act
    await observe(deps, state, subscriber({ id: 'sub-2', status: 'provisioning' }));

    // Assess
    expect(audit.records[0]?.status).toEqual({ to: 'provisioning' });
  });
});
