/**
 * One sweep records a page's changes several at a time, a bounded number (STATUS_SWEEP.recordConcurrency), and each
 * change once: at bulk scale a sweep writes thousands of changes within its interval.
 */
import { describe, expect, it } from 'vitest';
import { STATUS_SWEEP } from '../../../../../functions/domain/contract/rules';
import type {
  KnownStatus,
  LatestStatus,
  StatusRecordStore,
} from '../../../../../functions/domain/ports/status-records';
import { sweepStatusChanges } from '../../../../../functions/domain/status-sweep/sweep';
import { createManualClock, FakeWebex } from '../../../../support/fakes';

/** A record store whose writes stay in flight until the test lets them finish. */
function slowRecords() {
  const written: LatestStatus[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pending: Array<() => void> = [];
  const records: StatusRecordStore = {
    read: async () => {
      throw new Error('not used by a sweep');
    },
    sweptThrough: async () => undefined,
    known: async () => new Map<string, KnownStatus>(),
    putLatest: async (latest) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => pending.push(resolve));
      inFlight -= 1;
      written.push(latest);
      return true;
    },
    advance: async () => undefined,
    lease: async () => true,
    release: async () => undefined,
  };
  const release = async () => {
    while (pending.length > 0 || inFlight > 0) {
      for (const resolve of pending.splice(0)) resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { records, written, release, maxInFlight: () => maxInFlight };
}

describe('sweepStatusChanges', () => {
  it('records a page of changes a bounded number at a time, each once', async () => {
    // Prepare: 60 subscribers changed since the last sweep
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const webex = new FakeWebex({ clock });
    clock.advance(1_000);
    for (let i = 0; i < 60; i++) webex.set(`SUB-${i}`, 'provisioned');
    clock.advance(1_000);
    const store = slowRecords();

    // Act
    const sweep = sweepStatusChanges({ webex, records: store.records, clock });
    await new Promise((resolve) => setImmediate(resolve));
    const concurrentBeforeRelease = store.maxInFlight();
    await store.release();
    const report = await sweep;

    // Assess
    expect(concurrentBeforeRelease).toBe(STATUS_SWEEP.recordConcurrency);
    expect(store.maxInFlight()).toBe(STATUS_SWEEP.recordConcurrency);
    expect(new Set(store.written.map((w) => w.subscriber.id)).size).toBe(60);
    expect(store.written).toHaveLength(60);
    expect(report.recorded).toBe(60);
  });
});
