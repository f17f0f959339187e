/**
 * A fake clock for the Webex client tests. Two kinds of sleep are told apart by whether the caller can cancel them:
 * - a wait (no AbortSignal: a Retry-After or backoff pause) is recorded and, with `autoAdvanceWaits`, moves the clock
 *   forward by exactly its length and resolves at once, so a test sees every wait without choreographing it;
 * - a timer (with an AbortSignal: a per-attempt timeout) stays pending until the test calls `advance`, or is dropped
 *   when the caller cancels it.
 */
import type { Clock } from '../../functions/domain/ports/clock';

export interface TestClock extends Clock {
  /** Lengths (ms) of every wait, in order. */
  readonly waits: number[];
  /** Lengths (ms) of every timer started, in order. */
  readonly timers: number[];
  /** Move time forward, firing every timer (and pending wait) that is due. */
  advance(ms: number): void;
  /** Timers currently pending. */
  pendingTimers(): number;
}

interface Pending {
  due: number;
  resolve: () => void;
}

export function createTestClock(options: { start?: number; autoAdvanceWaits?: boolean } = {}): TestClock {
  let now = options.start ?? Date.UTC(2025, 5, 1, 12, 0, 0);
  const autoAdvanceWaits = options.autoAdvanceWaits ?? true;
  const waits: number[] = [];
  const timers: number[] = [];
  let pending: Pending[] = [];

  const fireDue = () => {
    const due = pending.filter((p) => p.due <= now).sort((a, b) => a.due - b.due);
    pending = pending.filter((p) => p.due > now);
    for (const p of due) p.resolve();
  };

  return {
    waits,
    timers,
    now: () => now,
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (!signal) {
        waits.push(ms);
        if (autoAdvanceWaits) {
          now += Math.max(0, ms);
          fireDue();
          return Promise.resolve();
        }
        return new Promise<void>((resolve) => pending.push({ due: now + ms, resolve }));
      }
      timers.push(ms);
      return new Promise<void>((resolve, reject) => {
        const entry: Pending = {
          due: now + ms,
          resolve: () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          pending = pending.filter((p) => p !== entry);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        pending.push(entry);
      });
    },
    advance(ms: number) {
      now += ms;
      fireDue();
    },
    pendingTimers: () => pending.length,
  };
}
