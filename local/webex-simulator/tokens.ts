/**
 * The partner's OAuth tokens, as Webex's `/v1/access_token` refresh grant hands them out, on the injected clock.
 *
 * One integration (client id and secret) with one initial refresh token and access token. A refresh issues a new access
 * token (older ones stay valid until they expire) and returns the same refresh token unless more than a day passed since
 * that refresh token was issued, in which case it returns a new one (the old one stays valid until its own expiry).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../functions/domain/ports/clock';
import type { SimulatorCredentials } from './types';

export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 14 * 24 * 3600;
export const REFRESH_TOKEN_TTL_SECONDS = 90 * 24 * 3600;
/** A refresh token older than this is replaced on the next refresh. */
export const REFRESH_TOKEN_ROTATION_MS = 24 * 3600 * 1000;

const FORGET_EXPIRED_AFTER_MS = 30 * 24 * 3600 * 1000;

export interface TokenGrant {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
  token_type: 'Bearer';
}

/** An OAuth error: `status` 400 or 401 and the RFC 6749 `error` code. */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401 | 415,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

export type AccessCheck = 'valid' | 'missing' | 'unknown' | 'expired';

const token = (bytes: number) => randomBytes(bytes).toString('base64url');

export class TokenAuthority {
  readonly clientId = `C${randomBytes(16).toString('hex')}`;
  readonly clientSecret = randomBytes(32).toString('hex');
  private readonly accessTokens = new Map<string, number>();
  private readonly refreshTokens = new Map<string, { issuedMs: number; expiresMs: number }>();
  private currentRefreshToken: string;
  private currentAccessToken: string;

  constructor(
    private readonly clock: Clock,
    private readonly accessTokenTtlSeconds: number = DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  ) {
    if (!Number.isFinite(accessTokenTtlSeconds) || accessTokenTtlSeconds <= 0) {
      throw new RangeError('accessTokenTtlSeconds must be a positive number');
    }
    this.currentRefreshToken = this.issueRefreshToken();
    this.currentAccessToken = this.issueAccessToken();
  }

  /** The current credentials; an expired current access or refresh token is replaced first, so they always work. */
  get credentials(): SimulatorCredentials {
    const now = this.clock.now();
    const refresh = this.refreshTokens.get(this.currentRefreshToken);
    if (!refresh || now >= refresh.expiresMs) this.currentRefreshToken = this.issueRefreshToken();
    if (now >= (this.accessTokens.get(this.currentAccessToken) ?? 0)) this.currentAccessToken = this.issueAccessToken();
    return {
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      refreshToken: this.currentRefreshToken,
      accessToken: this.currentAccessToken,
    };
  }

  /** Check the `Authorization` header value of a request. */
  checkAuthorization(header: string | undefined): AccessCheck {
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) return 'missing';
    const expiresMs = this.accessTokens.get(match[1]);
    if (expiresMs === undefined) return 'unknown';
    return this.clock.now() < expiresMs ? 'valid' : 'expired';
  }

  /** The refresh grant. Throws `OAuthError` for a bad grant, client or token. */
  refresh(form: URLSearchParams): TokenGrant {
    const grantType = form.get('grant_type');
    const refreshToken = form.get('refresh_token');
    const clientId = form.get('client_id');
    const clientSecret = form.get('client_secret');
    if (!grantType) throw new OAuthError(400, 'invalid_request', 'grant_type is required.');
    if (grantType !== 'refresh_token') {
      throw new OAuthError(400, 'unsupported_grant_type', 'Only the refresh_token grant is supported.');
    }
    for (const [name, value] of [
      ['refresh_token', refreshToken],
      ['client_id', clientId],
      ['client_secret', clientSecret],
    ] as const) {
      if (!value) throw new OAuthError(400, 'invalid_request', `${name} is required.`);
    }
    if (clientId !== this.clientId || clientSecret !== this.clientSecret) {
      throw new OAuthError(401, 'invalid_client', 'Client authentication failed.');
    }
    const known = refreshToken === null ? undefined : this.refreshTokens.get(refreshToken);
    const now = this.clock.now();
    if (!refreshToken || !known || now >= known.expiresMs) {
      throw new OAuthError(400, 'invalid_grant', 'The refresh token is invalid or expired.');
    }
    let returned = refreshToken;
    if (now - known.issuedMs > REFRESH_TOKEN_ROTATION_MS) {
      returned = this.issueRefreshToken();
      this.currentRefreshToken = returned;
    }
    const access = this.issueAccessToken();
    this.currentAccessToken = access;
    const refreshExpiresMs = this.refreshTokens.get(returned)?.expiresMs ?? now;
    return {
      access_token: access,
      expires_in: this.accessTokenTtlSeconds,
      refresh_token: returned,
      refresh_token_expires_in: Math.max(0, Math.floor((refreshExpiresMs - now) / 1000)),
      token_type: 'Bearer',
    };
  }

  private issueAccessToken(): string {
    const now = this.clock.now();
    // Forget tokens long expired (they then answer "not valid" instead of "expired"), so the map stays small.
    for (const [issued, expiresMs] of this.accessTokens) {
      if (expiresMs + FORGET_EXPIRED_AFTER_MS <= now) this.accessTokens.delete(issued);
    }
    const value = token(48);
    this.accessTokens.set(value, now + this.accessTokenTtlSeconds * 1000);
    return value;
  }

  private issueRefreshToken(): string {
    const value = token(48);
    const now = this.clock.now();
    this.refreshTokens.set(value, { issuedMs: now, expiresMs: now + REFRESH_TOKEN_TTL_SECONDS * 1000 });
    return value;
  }
}
