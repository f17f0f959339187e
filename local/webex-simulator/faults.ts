/**
 * Fault injection: rate limiting (token bucket on the injected clock), error shares, latency, dropped connections and
 * 423 Locked, selected per operation. Every random decision draws from the injected `random`, in a fixed order, so a
 * seeded generator makes a test run deterministic.
 */
import * as z from 'zod';
import { RULES } from '../../functions/domain/contract/rules';
import { parseOrThrow } from '../../functions/domain/contract/validation';
import type { Clock } from '../../functions/domain/ports/clock';
import { FAULT_ERROR_STATUSES, type FaultConfig, type FaultKind, OPERATION_IDS, type OperationId } from './types';

const share = () =>
  z
    .number({ error: 'must be a number from 0 to 1' })
    .min(0, { error: 'must be a number from 0 to 1' })
    .max(1, { error: 'must be a number from 0 to 1' });

export const FaultConfigSchema = z.strictObject(
  {
    rateLimit: z
      .strictObject(
        {
          requestsPerSecond: z
            .number({ error: 'must be a positive number' })
            .positive({ error: 'must be a positive number' })
            .max(1_000_000, { error: 'must be at most 1000000' }),
          retryAfterSeconds: z
            .number({ error: 'must be a whole number of seconds' })
            .int({ error: 'must be a whole number of seconds' })
            .min(0, { error: 'must be at least 0' })
            .max(86_400, { error: 'must be at most 86400' })
            .optional(),
        },
        { error: 'must be an object with requestsPerSecond' },
      )
      .optional(),
    errorRate: z
      .strictObject(
        {
          share: share(),
          statuses: z
            .array(z.union(FAULT_ERROR_STATUSES.map((s) => z.literal(s))), {
              error: `must be a list of ${FAULT_ERROR_STATUSES.join(', ')}`,
            })
            .min(1, { error: 'must name at least one status' })
            .optional(),
        },
        { error: 'must be an object with share' },
      )
      .optional(),
    latencyMs: z
      .number({ error: 'must be a number of milliseconds' })
      .int({ error: 'must be a whole number of milliseconds' })
      .min(0, { error: 'must be at least 0' })
      .max(600_000, { error: 'must be at most 600000' })
      .optional(),
    dropShare: share().optional(),
    lockedShare: share().optional(),
    lockedRetryAfterSeconds: z
      .number({ error: 'must be a whole number of seconds' })
      .int({ error: 'must be a whole number of seconds' })
      .min(0, { error: 'must be at least 0' })
      .max(86_400, { error: 'must be at most 86400' })
      .optional(),
    operations: z
      .array(z.enum(OPERATION_IDS, { error: `must be one of ${OPERATION_IDS.join(', ')}` }), {
        error: 'must be a list of operation ids',
      })
      .optional(),
  },
  { error: 'must be a JSON object' },
);

export type FaultOutcome =
  | { kind: 'drop' }
  | { kind: 'rateLimited'; retryAfterSeconds: number }
  | { kind: 'locked'; retryAfterSeconds: number }
  | { kind: 'error'; status: number };

const emptyCounts = (): Record<FaultKind, number> => ({ rateLimited: 0, error: 0, latency: 0, drop: 0, locked: 0 });

export class FaultInjector {
  private config: FaultConfig = {};
  private bucket = { tokens: 0, atMs: 0 };
  private counts = emptyCounts();

  constructor(
    private readonly clock: Clock,
    private readonly random: () => number,
  ) {}

  /** Replace the fault configuration (validated; throws ValidationError with Webex items) and refill the bucket. */
  set(input: unknown): FaultConfig {
    const parsed = parseOrThrow(FaultConfigSchema, input, 'fault configuration') as FaultConfig;
    this.config = structuredClone(parsed);
    this.bucket = {
      tokens: parsed.rateLimit ? this.capacity(parsed.rateLimit.requestsPerSecond) : 0,
      atMs: this.clock.now(),
    };
    return this.current();
  }

  clear(): void {
    this.config = {};
  }

  /** Forget the configuration and the counters. */
  reset(): void {
    this.config = {};
    this.counts = emptyCounts();
  }

  current(): FaultConfig {
    return structuredClone(this.config);
  }

  counters(): Record<FaultKind, number> {
    return { ...this.counts };
  }

  private applies(operation: OperationId): boolean {
    return !this.config.operations || this.config.operations.includes(operation);
  }

  /** Delay to wait before handling a request of `operation` (0 when no latency fault applies). */
  latencyFor(operation: OperationId): number {
    const latency = this.config.latencyMs ?? 0;
    if (latency <= 0 || !this.applies(operation)) return 0;
    this.counts.latency++;
    return latency;
  }

  /** The fault to answer a request of `operation` with, if any. */
  decide(operation: OperationId): FaultOutcome | undefined {
    if (!this.applies(operation)) return undefined;
    const { dropShare, rateLimit, lockedShare, errorRate } = this.config;
    if (dropShare && this.random() < dropShare) {
      this.counts.drop++;
      return { kind: 'drop' };
    }
    if (rateLimit) {
      const retryAfterSeconds = this.take(rateLimit);
      if (retryAfterSeconds !== undefined) {
        this.counts.rateLimited++;
        return { kind: 'rateLimited', retryAfterSeconds };
      }
    }
    if (lockedShare && this.random() < lockedShare) {
      this.counts.locked++;
      return {
        kind: 'locked',
        retryAfterSeconds: this.config.lockedRetryAfterSeconds ?? RULES.defaultRetryAfterSeconds,
      };
    }
    if (errorRate && errorRate.share > 0 && this.random() < errorRate.share) {
      const statuses = errorRate.statuses ?? [...FAULT_ERROR_STATUSES];
      const index =
        statuses.length === 1 ? 0 : Math.min(statuses.length - 1, Math.floor(this.random() * statuses.length));
      this.counts.error++;
      return { kind: 'error', status: statuses[index] ?? 500 };
    }
    return undefined;
  }

  private capacity(requestsPerSecond: number): number {
    return Math.max(1, requestsPerSecond);
  }

  /** Take one token; returns undefined when allowed, else the whole seconds until a token is available. */
  private take(rateLimit: NonNullable<FaultConfig['rateLimit']>): number | undefined {
    const rate = rateLimit.requestsPerSecond;
    const capacity = this.capacity(rate);
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.bucket.atMs);
    this.bucket = { tokens: Math.min(capacity, this.bucket.tokens + (elapsed * rate) / 1000), atMs: now };
    // A tiny tolerance so refills that add up to a whole token in floating point count as one.
    if (this.bucket.tokens >= 1 - 1e-9) {
      this.bucket.tokens = Math.max(0, this.bucket.tokens - 1);
      return undefined;
    }
    if (rateLimit.retryAfterSeconds !== undefined) return rateLimit.retryAfterSeconds;
    return Math.max(1, Math.ceil((1 - this.bucket.tokens) / rate));
  }
}
