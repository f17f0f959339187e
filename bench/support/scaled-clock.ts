/**
 * A clock that runs `speed` times faster than real time (speed 1 = real time): what the simulator, the handlers and
 * the local engine (timeScale = 1 / speed) all share when a benchmark compresses time without changing its meaning —
 * a rate limit of R requests per simulated second, a Retry-After of 1 simulated second and so on.
 */
import type { Clock } from '../../functions/domain/ports/clock';

export interface ScaledClock extends Clock {
  readonly speed: number;
  /** Simulated milliseconds since the clock was created. */
  elapsedMs(): number;
}

export function createScaledClock(speed: number, startMs = Date.now()): ScaledClock {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError('speed must be a positive number');
  const realStart = performance.now();
  const now = () => startMs + (performance.now() - realStart) * speed;
  return {
    speed,
    now,
    elapsedMs: () => now() - startMs,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(
          () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          Math.max(0, ms / speed),
        );
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}
