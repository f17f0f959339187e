/**
 * Public types of the Webex simulator: options, fault configuration, statistics and person actions.
 */
import type { SubscriberStatus } from '../../functions/domain/contract/fields';
import type { Clock } from '../../functions/domain/ports/clock';
import type { Logger } from '../../functions/shared/logger';

export type DuplicateUserIdMode = '409' | '10022';

export interface SimulatorOptions {
  /** Time source; default the system clock. A clock with `advance(ms)` enables `POST /_simulator/clock/advance`. */
  clock?: Clock;
  /** provisioning -> next status; default 5000. */
  provisioningDelayMs?: number;
  /** updating -> provisioned; default 3000. */
  updateDelayMs?: number;
  /** Duplicate userId: synchronous 409 (default) or accepted then `error` with 10022. */
  duplicateUserIdMode?: DuplicateUserIdMode;
  /** Lifetime of issued access tokens; default 14 days. */
  accessTokenTtlSeconds?: number;
  /** Seeded randomness for fault injection; default Math.random. */
  random?: () => number;
  logger?: Logger;
  /**
   * A JSON file that keeps the subscribers across restarts: read at `start` (when it exists), written when they
   * change (checked every second) and at `stop`. Default none (in memory).
   */
  stateFile?: string;
}

export type SimulatorConfig = Required<
  Pick<SimulatorOptions, 'provisioningDelayMs' | 'updateDelayMs' | 'duplicateUserIdMode'>
>;

/** Operation ids used by fault selection and statistics. */
export const OPERATION_IDS = [
  'listSubscribers',
  'provisionSubscriber',
  'getSubscriber',
  'updateSubscriber',
  'removeSubscriber',
  'precheckSubscriber',
  'resendConsent',
  'accessToken',
] as const;
export type OperationId = (typeof OPERATION_IDS)[number];

export const FAULT_ERROR_STATUSES = [500, 502, 503, 504] as const;
export type FaultErrorStatus = (typeof FAULT_ERROR_STATUSES)[number];

export interface FaultConfig {
  /** Token bucket on the injected clock: `requestsPerSecond` per second, bursts up to that many. Excess → 429. */
  rateLimit?: { requestsPerSecond: number; retryAfterSeconds?: number };
  /** A `share` (0..1) of requests answer one of `statuses` (default 500, 502, 503, 504) with a Webex error body. */
  errorRate?: { share: number; statuses?: FaultErrorStatus[] };
  /** Every selected request waits this long on the injected clock before it is handled. */
  latencyMs?: number;
  /** A share (0..1) of requests get no answer: the socket is destroyed. */
  dropShare?: number;
  /** A share (0..1) of requests answer 423 Locked with `Retry-After: lockedRetryAfterSeconds` (default 5). */
  lockedShare?: number;
  lockedRetryAfterSeconds?: number;
  /** Operations the faults apply to; default all. */
  operations?: OperationId[];
}

export type FaultKind = 'rateLimited' | 'error' | 'latency' | 'drop' | 'locked';

export interface SimulatorStats {
  requests: {
    total: number;
    /** Per operation id: total and by HTTP status code (`dropped` for dropped connections). */
    byOperation: Partial<Record<OperationId, { total: number; byStatus: Record<string, number> }>>;
    /** Requests that matched no operation (404/405 on /v1, control API excluded), by status code. */
    unrouted: Record<string, number>;
  };
  faults: Record<FaultKind, number>;
  subscribers: { total: number; byStatus: Record<SubscriberStatus, number> };
  consentResends: { total: number; bySubscriber: Record<string, number> };
}

export type PersonAction =
  | { action: 'enterEmail'; email: string }
  | { action: 'validateEmail' }
  | { action: 'consent' };

export interface SimulatorCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  accessToken: string;
}
