import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluatePollPolicy,
  POLL_TUNING,
  planNextCheck,
  pollGapSeconds,
} from '../../../../../functions/domain/workflow/poll-policy';

describe('pollGapSeconds', () => {
  it('starts at 15 s and grows to 10% of the time spent while Webex works', () => {
    // Act
    const gaps = [0, 100, 150, 200, 1000, 5000].map((elapsed) => pollGapSeconds('provisioning', elapsed));

    // Assess
    expect(gaps).toEqual([15, 15, 15, 20, 100, 300]);
  });

  it('polls slower while a person has to act: 1 min growing to 1 h', () => {
    // Act
    const gaps = [0, 600, 6000, 36_000, 100_000].map((elapsed) => pollGapSeconds('pending_user_migration', elapsed));

    // Assess
    expect(gaps).toEqual([60, 60, 600, 3600, 3600]);
  });

  it('treats updating like provisioning', () => {
    // Assess
    expect(pollGapSeconds('updating', 400)).toBe(pollGapSeconds('provisioning', 400));
  });
});

describe('planNextCheck', () => {
  it('lands the check on the deadline when the deadline comes first', () => {
    // Act
    const wait = planNextCheck({ status: 'pending_email_input', elapsedSeconds: 6000, secondsToDeadline: 42.2 });

    // Assess
    expect(wait).toBe(43);
  });

  it('lands the check on the consent resend time when it comes first', () => {
    // Act
    const wait = planNextCheck({
      status: 'pending_user_migration',
      elapsedSeconds: 3590,
      secondsToDeadline: 100_000,
      secondsToConsentResend: 10,
    });

    // Assess
    expect(wait).toBe(10);
  });

  it('always waits a whole number of seconds, at least one', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('provisioning', 'updating', 'pending_email_input', 'pending_user_migration' as const),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.double({ min: 0.001, max: 1e7, noNaN: true }),
        (status, elapsedSeconds, secondsToDeadline) => {
          const wait = planNextCheck({ status, elapsedSeconds, secondsToDeadline });
          expect(Number.isInteger(wait)).toBe(true);
          expect(wait).toBeGreaterThanOrEqual(1);
          expect(wait).toBeLessThanOrEqual(Math.max(1, Math.ceil(secondsToDeadline)));
        },
      ),
    );
  });
});

describe('evaluatePollPolicy (the tuning target of issue 7)', () => {
  it('detects a change within max(10% of the provisioning time, 15 s), whatever the time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), (seconds) => {
        const { detectionDelaySeconds } = evaluatePollPolicy(seconds);
        expect(detectionDelaySeconds).toBeGreaterThanOrEqual(0);
        expect(detectionDelaySeconds).toBeLessThanOrEqual(Math.max(0.1 * seconds, 15));
      }),
    );
  });

  it('reports the cost and delay for the measured provisioning times of 10 s, 60 s and 10 min', () => {
    // Act
    const figures = [10, 60, 600].map((seconds) => ({ seconds, ...evaluatePollPolicy(seconds) }));

    // Assess
    expect(figures).toEqual([
      { seconds: 10, statusChecks: 1, webexCalls: 3, detectionDelaySeconds: 5, costRatio: 1 },
      { seconds: 60, statusChecks: 4, webexCalls: 6, detectionDelaySeconds: 0, costRatio: 2 },
      { seconds: 600, statusChecks: 25, webexCalls: 27, detectionDelaySeconds: 11, costRatio: 9 },
    ]);
  });

  it('sees a person act within max(10% of the time waited, 1 min) and never later than 1 h, up to 29 days', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 29 * 24 * 3600 }), (seconds) => {
        const { detectionDelaySeconds } = evaluatePollPolicy(seconds, POLL_TUNING, 'pending_email_input');
        expect(detectionDelaySeconds).toBeLessThanOrEqual(Math.min(3600, Math.max(0.1 * seconds, 60)));
      }),
    );
  });

  it('keeps 29 days of waiting on a person under 1,000 checks (under 10,000 history events at 9 per check)', () => {
    // Act
    const { statusChecks } = evaluatePollPolicy(29 * 24 * 3600, POLL_TUNING, 'pending_email_input');

    // Assess
    expect(statusChecks).toBeLessThan(1000);
  });

  it('follows the tuning it is given', () => {
    // Prepare
    const lazy = { ...POLL_TUNING, active: { minGapSeconds: 15, growth: 1, maxGapSeconds: 600 } };

    // Act
    const figures = evaluatePollPolicy(600, lazy);

    // Assess
    expect(figures.statusChecks).toBeLessThan(evaluatePollPolicy(600).statusChecks);
  });
});
