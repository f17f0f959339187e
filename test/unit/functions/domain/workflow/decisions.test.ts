/**
 * The decisions: from the subscriber's status and the clock, what the workflow does next — succeed, fail, resend the
 * consent email, Wait and check again (how long), or give up at the deadline.
 */
import { describe, expect, it } from 'vitest';
import { STATUS_SWEEP } from '../../../../../functions/domain/contract/rules';
import {
  checkSooner,
  consentResendAfterSeconds,
  consentResendDue,
  deadlinePassed,
  evaluate,
  isDuplicateFailure,
  pollLater,
  throttledOrTimedOut,
  verificationDue,
} from '../../../../../functions/domain/workflow/decisions';
import { WORKFLOW_LIMITS } from '../../../../../functions/domain/workflow/state';
import { fakeDeps, iso, order, orderState, subscriber, T0 } from './fixtures';

const MINUTE = 60_000;

describe('deadlinePassed', () => {
  it('is true from the deadline on', () => {
    // Prepare
    const { deps, clock } = fakeDeps();
    const state = orderState({ deadlineAt: iso(T0 + 1000) });

    // Act / Assess
    expect(deadlinePassed(deps, state)).toBe(false);
    clock.advance(1000);
    expect(deadlinePassed(deps, state)).toBe(true);
  });
});

describe('throttledOrTimedOut', () => {
  it('waits Retry-After while the deadline is ahead, with the extra fields given', async () => {
    // Prepare
    const { deps, audit } = fakeDeps();

    // Act
    const next = await throttledOrTimedOut(
      deps,
      orderState(),
      { retryAfterSeconds: 9, slotAt: T0 + 9000 },
      {
        adopting: { reason: '409', errors: [] },
      },
    );

    // Assess
    expect(next).toMatchObject({ throttled: true, retryAfterSeconds: 9, pacedSlotAt: T0 + 9000 });
    expect(next.adopting).toEqual({ reason: '409', errors: [] });
    expect(audit.records).toEqual([]);
  });

  it('ends with ProvisioningTimedOut once the deadline passed, or the checks ran out', async () => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const late = await throttledOrTimedOut(deps, orderState({ deadlineAt: iso(T0) }), { retryAfterSeconds: 5 });
    const worn = await throttledOrTimedOut(deps, orderState({ checks: WORKFLOW_LIMITS.maxStatusChecks }), {
      retryAfterSeconds: 5,
    });

    // Assess
    expect(late.failure?.error).toBe('ProvisioningTimedOut');
    expect(JSON.parse(late.failure?.cause ?? '').detail).toBe('Webex kept throttling until the deadline.');
    expect(worn.failure?.error).toBe('ProvisioningTimedOut');
    expect(late.throttled).toBe(false);
  });
});

describe('pollLater', () => {
  it('waits the poll policy gap for the status the subscriber has been in', async () => {
    // Prepare
    const { deps } = fakeDeps();
    const phase = { status: 'provisioning' as const, since: iso(T0 - 20 * MINUTE) };

    // Act
    const fresh = await pollLater(deps, orderState({ phase: { status: 'provisioning', since: iso(T0) } }));
    const older = await pollLater(deps, orderState({ phase }));

    // Assess: 15 s at first, then 10 % of the 20 minutes spent in the status
    expect(fresh).toMatchObject({ route: 'poll', waitSeconds: 15 });
    expect(older).toMatchObject({ route: 'poll', waitSeconds: 120 });
  });

  it('never waits past the deadline, and fails at it', async () => {
    // Prepare
    const { deps, clock } = fakeDeps();
    const state = orderState({ deadlineAt: iso(T0 + 4000), phase: { status: 'provisioning', since: iso(T0) } });

    // Act
    const near = await pollLater(deps, state);
    clock.advance(4000);
    const past = await pollLater(deps, state);

    // Assess
    expect(near.waitSeconds).toBe(4);
    expect(past.failure?.error).toBe('ProvisioningTimedOut');
  });

  it('fails once the execution used up its status checks', async () => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const next = await pollLater(deps, orderState({ checks: WORKFLOW_LIMITS.maxStatusChecks }));

    // Assess
    expect(JSON.parse(next.failure?.cause ?? '').detail).toBe('Too many status checks for one execution.');
  });
});

describe('the consent resend', () => {
  const pending = (sinceMs: number, extra = {}) =>
    orderState({
      order: order({}, { resendConsentAfterSeconds: 600 }),
      phase: { status: 'pending_user_migration', since: iso(sinceMs) },
      ...extra,
    });

  it('is planned only in pending_user_migration, when the order asks for it and it was not sent yet', () => {
    // Act / Assess
    expect(consentResendAfterSeconds(pending(T0))).toBe(600);
    expect(consentResendAfterSeconds(pending(T0, { consentResentAt: iso(T0) }))).toBeUndefined();
    expect(
      consentResendAfterSeconds(orderState({ phase: { status: 'pending_user_migration', since: iso(T0) } })),
    ).toBeUndefined();
    expect(
      consentResendAfterSeconds({ ...pending(T0), phase: { status: 'provisioning', since: iso(T0) } }),
    ).toBeUndefined();
  });

  it('is due once the subscriber has waited that long', () => {
    // Prepare
    const { deps } = fakeDeps();

    // Act / Assess
    expect(consentResendDue(deps, pending(T0 - 599_000))).toBe(false);
    expect(consentResendDue(deps, pending(T0 - 600_000))).toBe(true);
  });
});

describe('isDuplicateFailure', () => {
  it('is an error status with background error 10022 only', () => {
    // Act / Assess
    expect(isDuplicateFailure(subscriber({ status: 'error', errors: [{ errorCode: 10022, description: 'x' }] }))).toBe(
      true,
    );
    expect(isDuplicateFailure(subscriber({ status: 'error', errors: [{ errorCode: 7000, description: 'x' }] }))).toBe(
      false,
    );
    expect(
      isDuplicateFailure(subscriber({ status: 'provisioning', errors: [{ errorCode: 10022, description: 'x' }] })),
    ).toBe(false);
  });
});

describe('evaluate', () => {
  it('succeeds on provisioned', async () => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const next = await evaluate(deps, orderState(), subscriber({ status: 'provisioned' }));

    // Assess
    expect(next.route).toBe('succeeded');
    expect(next.result?.subscriber.id).toBe('sub-1');
  });

  it('fails on error with the background errors, a duplicate (10022) included', async () => {
    // Prepare
    const { deps } = fakeDeps();
    const errors = [{ errorCode: 10022, description: 'taken' }];

    // Act
    const next = await evaluate(deps, orderState(), subscriber({ status: 'error', errors }));

    // Assess
    expect(next.failure?.error).toBe('ProvisioningFailed');
    expect(JSON.parse(next.failure?.cause ?? '').errors).toEqual(errors);
  });

  it('audit.records awaiting a person once when a pending status starts, and polls', async () => {
    // Prepare
    const { deps, audit } = fakeDeps();
    const pending = subscriber({ status: 'pending_user_migration', lastStatusChange: iso(T0) });

    // Act
    const first = await evaluate(deps, orderState({ subscriberId: 'sub-1', lastStatus: 'provisioning' }), pending);
    const second = await evaluate(deps, first, pending);

    // Assess
    expect(audit.records.filter((r) => r.step === 'awaitPerson')).toHaveLength(1);
    expect(first).toMatchObject({ route: 'poll', waitSeconds: 60 });
    expect(second.route).toBe('poll');
  });

  it('resends the consent email when due, unless the deadline passed', async () => {
    // Prepare
    const { deps, clock } = fakeDeps();
    const since = T0 - 600_000;
    const state = orderState({
      order: order({}, { resendConsentAfterSeconds: 600 }),
      subscriberId: 'sub-1',
      lastStatus: 'pending_user_migration',
      lastStatusChange: iso(since),
      phase: { status: 'pending_user_migration', since: iso(since) },
    });
    const pending = subscriber({ status: 'pending_user_migration', lastStatusChange: iso(since) });

    // Act
    const due = await evaluate(deps, state, pending);
    clock.advance(3_600_000);
    const late = await evaluate(deps, state, pending);

    // Assess
    expect(due.route).toBe('resendConsent');
    expect(late.failure?.error).toBe('ProvisioningTimedOut');
  });
});

describe('verificationDue', () => {
  it('asks Webex itself once the last answer is verifyAfterSeconds old, then at gaps as long as the age then', () => {
    // Prepare
    const { deps, clock } = fakeDeps();
    const verifyMs = STATUS_SWEEP.verifyAfterSeconds * 1000;
    const state = orderState({ startedAt: iso(T0) });
    const verifiedLate = orderState({ startedAt: iso(T0 - 2 * verifyMs), verifiedAt: iso(T0) });

    // Act / Assess
    clock.advance(verifyMs - 1);
    expect(verificationDue(deps, state)).toBe(false);
    clock.advance(1);
    expect(verificationDue(deps, state)).toBe(true);
    // Verified when the execution was 2 gaps old: the next Get is 2 gaps later.
    expect(verificationDue(deps, verifiedLate)).toBe(false);
    clock.advance(verifyMs);
    expect(verificationDue(deps, verifiedLate)).toBe(true);
  });
});

describe('checkSooner', () => {
  it('shortens the Wait by the age of what the check read, to at least 1 s', () => {
    // Prepare
    const polling = orderState({ route: 'poll', waitSeconds: 30 });

    // Act / Assess
    expect(checkSooner(polling, 10).waitSeconds).toBe(20);
    expect(checkSooner(polling, 40).waitSeconds).toBe(1);
    expect(checkSooner(polling, 0)).toBe(polling);
  });

  it('leaves any other route as it is', () => {
    // Prepare
    const done = orderState({ route: 'succeeded' });

    // Act / Assess
    expect(checkSooner(done, 10)).toBe(done);
  });
});
