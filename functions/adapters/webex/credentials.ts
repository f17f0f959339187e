/**
 * Where the Webex client gets its bearer token. Two providers, chosen by the composition root from configuration:
 *
 * - `StoredTokenCredentials` (AWS, this file): reads the partner's tokens from a `PartnerTokenStore` (Secrets Manager) and keeps
 *   the access token in memory for a short TTL, so a warm Lambda does not call Secrets Manager per request. It never
 *   refreshes on its own: only the scheduled refresh function rotates tokens, so concurrent Lambdas cannot race to
 *   rotate the refresh token and lose the newest one. After a 401, `invalidate()` makes the next call re-read the store
 *   (picking up a token the scheduled refresh has just written).
 * - `RefreshingCredentials` (local runs, tests and benches: `refreshing-credentials.ts`): runs the refresh grant itself.
 *   Kept in its own module, which the composition root does not import, so no Lambda bundle carries the grant.
 */
import { ConfigurationError } from '../../domain/errors';
import { type Clock, systemClock } from '../../domain/ports/clock';
import type { PartnerTokenStore, WebexAccess, WebexCredentialsProvider } from '../../domain/ports/token';
import { type Logger, logger as rootLogger } from '../../shared/logger';

export interface StoredTokenCredentialsOptions {
  store: PartnerTokenStore;
  baseUrl: string;
  clock?: Clock;
  /** How long a token read from the store is reused (ms). Default 5 minutes. */
  cacheTtlMs?: number;
  /** Stop reusing a cached token this long before it expires (ms). Default 1 minute. */
  expiryMarginMs?: number;
  logger?: Logger;
}

interface CachedAccess {
  access: WebexAccess;
  until: number;
}

export class StoredTokenCredentials implements WebexCredentialsProvider {
  private readonly store: PartnerTokenStore;
  private readonly baseUrl: string;
  private readonly clock: Clock;
  private readonly cacheTtlMs: number;
  private readonly expiryMarginMs: number;
  private readonly log: Logger;
  private cached: CachedAccess | undefined;
  private loading: { generation: number; promise: Promise<WebexAccess> } | undefined;
  /** Bumped by `invalidate()`: a read that started before it must not refill the cache. */
  private generation = 0;

  constructor(options: StoredTokenCredentialsOptions) {
    this.store = options.store;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.cacheTtlMs = options.cacheTtlMs ?? 5 * 60_000;
    this.expiryMarginMs = options.expiryMarginMs ?? 60_000;
    this.log = (options.logger ?? rootLogger).child({ component: 'webex-credentials', source: 'store' });
  }

  getAccess(): Promise<WebexAccess> {
    if (this.cached && this.clock.now() < this.cached.until) return Promise.resolve(this.cached.access);
    if (this.loading?.generation === this.generation) return this.loading.promise;
    const generation = this.generation;
    const promise = this.load(generation).finally(() => {
      if (this.loading?.promise === promise) this.loading = undefined;
    });
    this.loading = { generation, promise };
    return promise;
  }

  invalidate(): void {
    this.generation += 1;
    this.cached = undefined;
  }

  private async load(generation: number): Promise<WebexAccess> {
    const tokens = await this.store.read();
    if (!tokens.accessToken) {
      throw new ConfigurationError('No partner access token is stored yet: run the partner token refresh first.');
    }
    const access = { baseUrl: this.baseUrl, accessToken: tokens.accessToken };
    const now = this.clock.now();
    const expiresAt = Date.parse(tokens.accessTokenExpiresAt);
    if (Number.isNaN(expiresAt) || expiresAt <= now) {
      // Still worth a try (clocks differ), but never cached: the next call reads the store again.
      this.log.warn('the stored partner access token has expired; is the scheduled refresh running?', {
        expiredAt: Number.isNaN(expiresAt) ? 'unknown' : new Date(expiresAt).toISOString(),
      });
      return access;
    }
    if (generation === this.generation) {
      this.cached = { access, until: Math.min(now + this.cacheTtlMs, expiresAt - this.expiryMarginMs) };
    }
    return access;
  }
}
