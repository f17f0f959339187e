/**
 * A controllable clock for tests and demos: time only moves when `advance` (or `set`) is called, and `sleep` resolves
 * when the clock is moved past the sleeper's due time. Generic: it implements the domain `Clock` port and knows nothing
 * about the simulator.
 */
import type { Clock } from '../../functions/domain/ports/clock';

export interface ManualClock extends Clock {
  /** Move time forward by `ms` (>= 0) and wake every sleeper that is now due, earliest first. */
  advance(ms: number): void;
  /** Jump to `epochMs` (never backwards) and wake every sleeper that is now due. */
  set(epochMs: number): void;
  /** How many `sleep` calls are still waiting. */
  pendingSleeps(): number;
  /** Epoch ms at which the next sleeper is due, or undefined when nobody sleeps. */
  nextWakeAt(): number | undefined;
  /**
   * Resolves once at least `count` sleepers are waiting (default 1). Lets a test wait until the code under test went to
   * sleep before it advances the clock, without polling on real time.
   */
  whenSleeping(count?: number): Promise<void>;
  /** Advance to the next sleeper's due time, if any; returns whether someone was woken. */
  advanceToNext(): boolean;
}

interface Sleeper {
  due: number;
  seq: number;
  resolve: () => void;
}

interface Watcher {
  count: number;
  resolve: () => void;
}

export function createManualClock(startMs: number = Date.UTC(2025, 0, 1)): ManualClock {
  if (!Number.isFinite(startMs)) throw new TypeError('startMs must be a finite number of epoch milliseconds');
  let now = startMs;
  let seq = 0;
  let sleepers: Sleeper[] = [];
  let watchers: Watcher[] = [];

  const notifyWatchers = () => {
    const ready = watchers.filter((w) => sleepers.length >= w.count);
    if (ready.length === 0) return;
    watchers = watchers.filter((w) => sleepers.length < w.count);
    for (const w of ready) w.resolve();
  };

  const wakeDue = () => {
    const due = sleepers.filter((s) => s.due <= now).sort((a, b) => a.due - b.due || a.seq - b.seq);
    if (due.length === 0) return;
    sleepers = sleepers.filter((s) => s.due > now);
    for (const s of due) s.resolve();
  };

  const moveTo = (target: number) => {
    if (!Number.isFinite(target)) throw new TypeError('time must be a finite number');
    if (target < now) throw new RangeError('a manual clock never goes backwards');
    now = target;
    wakeDue();
  };

  return {
    now: () => now,
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const wait = Number.isFinite(ms) && ms > 0 ? ms : 0;
      if (wait === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const sleeper: Sleeper = {
          due: now + wait,
          seq: seq++,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          sleepers = sleepers.filter((s) => s !== sleeper);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        sleepers.push(sleeper);
        notifyWatchers();
      });
    },
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance(ms) needs a finite ms >= 0');
      moveTo(now + ms);
    },
    set(epochMs: number) {
      moveTo(epochMs);
    },
    pendingSleeps: () => sleepers.length,
    nextWakeAt: () => (sleepers.length === 0 ? undefined : Math.min(...sleepers.map((s) => s.due))),
    whenSleeping(count = 1): Promise<void> {
      if (sleepers.length >= count) return Promise.resolve();
      return new Promise<void>((resolve) => {
        watchers.push({ count, resolve });
      });
    },
    advanceToNext(): boolean {
      const next = sleepers.length === 0 ? undefined : Math.min(...sleepers.map((s) => s.due));
      if (next === undefined) return false;
      moveTo(Math.max(now, next));
      return true;
    },
  };
}

/** Is `clock` controllable (a ManualClock or anything else with `advance(ms)`)? */
export function isControllableClock(clock: Clock): clock is Clock & { advance(ms: number): void } {
  return typeof (clock as { advance?: unknown }).advance === 'function';
}
