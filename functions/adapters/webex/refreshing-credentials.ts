/**
 * `RefreshingCredentials` (local runs, tests and benches): holds a refresh token and the client id/secret from
 * configuration (`WEBEX_REFRESH_TOKEN`, `WEBEX_CLIENT_ID`, `WEBEX_CLIENT_SECRET`) and runs the refresh grant itself, on
 * first use and again shortly before the access token expires. A rotated refresh token is kept in memory only.
 *
 * Not for Lambda: there the partner token is read from Secrets Manager (`StoredTokenCredentials`) and only the scheduled
 * refresh rotates it, since concurrent functions each rotating the refresh token would lose the newest one. So the
 * composition root does not import this module (no Lambda bundle carries the grant); the local runtime, the tests and
 * the benches hand it in with `REFRESH_GRANT_COMPOSITION` (`composition/refresh-grant.ts`), and without it a
 * refresh-grant configuration is refused.
 */
import { ConfigurationError } from '../../domain/errors';
import { type Clock, systemClock } from '../../domain/ports/clock';
import type { RefreshGrant, RefreshGrantInput, WebexAccess, WebexCredentialsProvider } from '../../domain/ports/token';
import { type Logger, logger as rootLogger } from '../../shared/logger';
import { refreshAccessToken } from './token-grant';

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
