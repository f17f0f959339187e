/**
 * Time in the local engine: how long Wait states and retry intervals last (the definition's seconds scaled by
 * `timeScale`: 1 real time, 0.1 ten times faster, 0 no waiting), the `onWait` hook that sees every Wait with the seconds
 * the definition asked for, and the execution's overall timeout.
 */
import type { Logger } from '../../functions/shared/logger';
import type { AslState } from '../../infra/workflow/asl';
import type { RunningExecution, WaitInfo } from './types';

/** The longest delay Node's timers accept. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Timing {
  /** Every state by name, those inside Map and Parallel states included. */
  states: Record<string, AslState>;
  /** Multiplies every wait and retry interval (at least 0). */
  timeScale: number;
  onWait?: ((wait: WaitInfo) => void) | undefined;
  logger: Logger;
}

/** Value of a simple JSONPath (`$`, `$.a.b`) in `doc`. */
function readPath(doc: unknown, path: string): unknown {
  if (path === '$') return doc;
  if (!path.startsWith('$.')) return undefined;
  let current: unknown = doc;
  for (const key of path.slice(2).split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Wait durations, read when a Wait state starts: the seconds its definition asks for, scaled. */
export function waitTimeOverrides(timing: Timing, execution: RunningExecution): Record<string, number> {
  return new Proxy({} as Record<string, number>, {
    get: (_target, stateName) => {
      if (typeof stateName !== 'string') return undefined;
      const state = timing.states[stateName];
      if (state?.Type !== 'Wait') return undefined;
      const raw =
        typeof state.Seconds === 'number'
          ? state.Seconds
          : typeof state.SecondsPath === 'string'
            ? readPath(execution.lastTaskOutput, state.SecondsPath)
            : undefined;
      if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) {
        return timing.timeScale === 1 ? undefined : 0;
      }
      try {
        timing.onWait?.({
          executionArn: execution.record.executionArn,
          stateName,
          seconds: raw,
          input: execution.lastTaskOutput,
        });
      } catch (error) {
        timing.logger.warn('onWait hook failed', { stateName, error });
      }
      return Math.min(MAX_TIMER_MS, raw * 1000 * timing.timeScale);
    },
  });
}

/** Retry intervals: native (with backoff and jitter) in real time, else the same backoff scaled. */
export function retryIntervalOverrides(timing: Timing, execution: RunningExecution): Record<string, number[]> {
  return new Proxy({} as Record<string, number[]>, {
    get: (_target, stateName) => {
      if (typeof stateName !== 'string' || timing.timeScale === 1) return undefined;
      const retriers = timing.states[stateName]?.Retry;
      if (!retriers) return undefined;
      const attempt = Math.max(0, (execution.consecutiveFailures.get(stateName) ?? 1) - 1);
      return retriers.map((retrier) => {
        const interval = (retrier.IntervalSeconds ?? 1) * ((retrier.BackoffRate as number | undefined) ?? 2) ** attempt;
        const capped = Math.min(interval, (retrier.MaxDelaySeconds as number | undefined) ?? interval);
        const jittered = retrier.JitterStrategy === 'FULL' ? Math.random() * capped : capped;
        return Math.min(MAX_TIMER_MS, jittered * 1000 * timing.timeScale);
      });
    },
  });
}

export interface ExecutionTimeout {
  /** The timeout fired (and aborted the execution). */
  readonly timedOut: boolean;
  clear(): void;
}

/**
 * The execution's overall timeout (the definition's `TimeoutSeconds`, scaled), enforced here: a 30-day timer would
 * overflow Node's timers, so a timeout longer than they accept is not armed.
 */
export function armExecutionTimeout(
  timeoutSeconds: number | undefined,
  timeScale: number,
  abort: () => void,
): ExecutionTimeout {
  const timeoutMs = timeoutSeconds === undefined ? 0 : timeoutSeconds * 1000 * timeScale;
  let timedOut = false;
  const timer =
    timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS
      ? setTimeout(() => {
          timedOut = true;
          abort();
        }, timeoutMs)
      : undefined;
  timer?.unref();
  return {
    get timedOut() {
      return timedOut;
    },
    clear: () => {
      if (timer) clearTimeout(timer);
    },
  };
}
