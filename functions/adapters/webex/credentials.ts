/**
 * Where the Webex client gets its bearer token. Two providers, chosen by the composition root from configuration:
 *
 * - `StoredTokenCredentials` (AWS): reads the partner's tokens from a `PartnerTokenStore` (Secrets Manager) and keeps
 *   the access token in memory for a short TTL, so a warm Lambda does not call Secrets Manager per request. It never
 *   refreshes on its own: only the scheduled refresh function rotates tokens, so concurrent Lambdas cannot race to
 *   rotate the refresh token and lose the newest one. After a 401, `invalidate()` makes the next call re-read the store
 *   (picking up a token the scheduled refresh has just written).
 * - `RefreshingCredentials` (local runs and anywhere without AWS): holds a refresh token and the client id/secret from
 *   configuration and runs the refresh grant itself, on first use and again shortly before the access token expires.
 *   A rotated refresh token is kept in memory only.
 */
import { ConfigurationError } from '../../domain/errors';
import { type Clock, systemClock } from '../../domain/ports/clock';
import type {
  PartnerTokenStore,
  RefreshGrant,
  RefreshGrantInput,
  WebexAccess,
  WebexCredentialsProvider,
} from '../../domain/ports/token';
import { type Logger, logger as rootLogger } from '../../shared/logger';
import { refreshAccessToken } from './token-grant';

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

export interface RefreshingCredentialsOptions extends RefreshGrantInput {
  baseUrl: string;
  clock?: Clock;
  /** Refresh this long before the access token expires (ms), or at half its lifetime if that is sooner. Default 5 min. */
  refreshMarginMs?: number;
  /** The grant to run; default Webex's refresh grant over `fetch` against `baseUrl`. */
  grant?: RefreshGrant;
  fetch?: typeof fetch;
  /** Timeout of one grant call (ms). Default 10 000. */
  timeoutMs?: number;
  logger?: Logger;
}

export class RefreshingCredentials implements WebexCredentialsProvider {
  private readonly baseUrl: string;
  private readonly clientId: string;
  private readonly clientSecret: string;
  private refreshToken: string;
  private readonly clock: Clock;
  private readonly refreshMarginMs: number;
  private readonly grant: RefreshGrant;
  private readonly log: Logger;
  private current: { accessToken: string; refreshAt: number } | undefined;
  private refreshing: { generation: number; promise: Promise<WebexAccess> } | undefined;
  private generation = 0;

  constructor(options: RefreshingCredentialsOptions) {
    if (!options.refreshToken || !options.clientId || !options.clientSecret) {
      throw new ConfigurationError('RefreshingCredentials needs a refresh token, a client id and a client secret.');
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.refreshToken = options.refreshToken;
    this.clock = options.clock ?? systemClock;
    this.refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
    this.grant =
      options.grant ??
      ((input) =>
        refreshAccessToken(this.baseUrl, input, {
          ...(options.fetch ? { fetch: options.fetch } : {}),
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        }));
    this.log = (options.logger ?? rootLogger).child({ component: 'webex-credentials', source: 'refresh-grant' });
  }

  getAccess(): Promise<WebexAccess> {
    if (this.current && this.clock.now() < this.current.refreshAt) {
      return Promise.resolve({ baseUrl: this.baseUrl, accessToken: this.current.accessToken });
    }
    if (this.refreshing?.generation === this.generation) return this.refreshing.promise;
    const generation = this.generation;
    const promise = this.refresh(generation).finally(() => {
      if (this.refreshing?.promise === promise) this.refreshing = undefined;
    });
    this.refreshing = { generation, promise };
    return promise;
  }

  invalidate(): void {
    this.generation += 1;
    this.current = undefined;
  }

  private async refresh(generation: number): Promise<WebexAccess> {
    const result = await this.grant({
      refreshToken: this.refreshToken,
      clientId: this.clientId,
      clientSecret: this.clientSecret,
    });
    const now = this.clock.now();
    const lifetimeMs = result.expires_in * 1000;
    const rotated = result.refresh_token !== this.refreshToken;
    if (rotated) this.refreshToken = result.refresh_token;
    if (generation === this.generation) {
      this.current = {
        accessToken: result.access_token,
        refreshAt: now + lifetimeMs - Math.min(this.refreshMarginMs, lifetimeMs / 2),
      };
    }
    this.log.info('obtained a Webex access token with the refresh grant', {
      expiresAt: new Date(now + lifetimeMs).toISOString(),
      rotated,
    });
    return { baseUrl: this.baseUrl, accessToken: result.access_token };
  }
}
