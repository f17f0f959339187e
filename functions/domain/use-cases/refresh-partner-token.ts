/**
 * Renew the partner's Webex access token with the refresh grant and store the result.
 *
 * - The access token is refreshed when it expires within `refreshWindowDays` (or has expired, or was never stored);
 *   otherwise nothing is called and the result says `refreshed: false` (it still reports how long the refresh token
 *   has left, for the alarm). Pass `force: true` to refresh regardless.
 * - Webex may answer with a new refresh token: it is stored, with its new expiry, and reported as rotated. Webex's
 *   `refresh_token_expires_in` is its word on the refresh token we hold, so the stored expiry follows it either way.
 * - Storing is retried (a rotated refresh token that is not stored may be the only valid one); when it still fails the
 *   error says so (`refreshTokenRotated`), never with the token.
 *
 * Domain code: the store and the grant are ports; no AWS and no HTTP here.
 */
import type { Clock } from '../ports/clock';
import type { PartnerTokenStore, PartnerTokens, RefreshGrant } from '../ports/token';

export const DAY_MS = 86_400_000;

export interface RefreshPartnerTokenInput {
  store: PartnerTokenStore;
  grant: RefreshGrant;
  clock: Clock;
  /** Refresh when the access token expires within this many days. */
  refreshWindowDays: number;
  /** Refresh even when the access token is not yet within the window. */
  force?: boolean;
  /** Attempts to store the new tokens (default 3), with 1 s, 2 s… between them on the clock. */
  writeAttempts?: number;
}

export interface RefreshPartnerTokenResult {
  refreshed: boolean;
  /** ISO 8601. */
  accessTokenExpiresAt: string;
  /** ISO 8601. */
  refreshTokenExpiresAt: string;
  refreshTokenRotated: boolean;
  /** Whole days the stored refresh token has left (negative once expired). */
  refreshTokenExpiresInDays: number;
}

export type RefreshStage = 'read' | 'grant' | 'write';

/** The refresh failed. Says where, and whether a rotated refresh token may have been lost. */
export class PartnerTokenRefreshError extends Error {
  readonly stage: RefreshStage;
  /** Known once the stored tokens were read. */
  readonly refreshTokenExpiresInDays: number | undefined;
  /** True when Webex rotated the refresh token and the new one could not be stored: re-authorise if it persists. */
  readonly refreshTokenRotated: boolean;

  constructor(
    message: string,
    details: { stage: RefreshStage; refreshTokenExpiresInDays?: number; refreshTokenRotated?: boolean; cause: unknown },
  ) {
    super(message, { cause: details.cause });
    this.name = 'PartnerTokenRefreshError';
    this.stage = details.stage;
    this.refreshTokenExpiresInDays = details.refreshTokenExpiresInDays;
    this.refreshTokenRotated = details.refreshTokenRotated ?? false;
  }
}

function daysLeft(isoDate: string, now: number): number {
  const at = Date.parse(isoDate);
  return Number.isNaN(at) ? 0 : Math.floor((at - now) / DAY_MS);
}

export async function refreshPartnerToken(input: RefreshPartnerTokenInput): Promise<RefreshPartnerTokenResult> {
  const { store, grant, clock } = input;

  let stored: PartnerTokens;
  try {
    stored = await store.read();
  } catch (cause) {
    throw new PartnerTokenRefreshError('Could not read the stored partner tokens.', { stage: 'read', cause });
  }
  const startedAt = clock.now();
  const storedDaysLeft = daysLeft(stored.refreshTokenExpiresAt, startedAt);

  const accessExpiresAt = Date.parse(stored.accessTokenExpiresAt);
  const due =
    input.force === true ||
    !stored.accessToken ||
    Number.isNaN(accessExpiresAt) ||
    accessExpiresAt - startedAt <= input.refreshWindowDays * DAY_MS;
  if (!due) {
    return {
      refreshed: false,
      accessTokenExpiresAt: stored.accessTokenExpiresAt,
      refreshTokenExpiresAt: stored.refreshTokenExpiresAt,
      refreshTokenRotated: false,
      refreshTokenExpiresInDays: storedDaysLeft,
    };
  }

  let granted: Awaited<ReturnType<RefreshGrant>>;
  try {
    granted = await grant({
      refreshToken: stored.refreshToken,
      clientId: stored.clientId,
      clientSecret: stored.clientSecret,
    });
  } catch (cause) {
    throw new PartnerTokenRefreshError('Webex did not renew the partner access token.', {
      stage: 'grant',
      refreshTokenExpiresInDays: storedDaysLeft,
      cause,
    });
  }

  const now = clock.now();
  const rotated = granted.refresh_token !== stored.refreshToken;
  const next: PartnerTokens = {
    ...stored,
    accessToken: granted.access_token,
    accessTokenExpiresAt: new Date(now + granted.expires_in * 1000).toISOString(),
    refreshToken: rotated ? granted.refresh_token : stored.refreshToken,
    refreshTokenExpiresAt: new Date(now + granted.refresh_token_expires_in * 1000).toISOString(),
  };

  const attempts = Math.max(1, input.writeAttempts ?? 3);
  for (let attempt = 1; ; attempt += 1) {
    try {
      await store.write(next);
      break;
    } catch (cause) {
      if (attempt >= attempts) {
        throw new PartnerTokenRefreshError(
          rotated
            ? 'Webex rotated the refresh token but the new tokens could not be stored.'
            : 'The renewed partner access token could not be stored.',
          { stage: 'write', refreshTokenExpiresInDays: storedDaysLeft, refreshTokenRotated: rotated, cause },
        );
      }
      await clock.sleep(1000 * 2 ** (attempt - 1));
    }
  }

  return {
    refreshed: true,
    accessTokenExpiresAt: next.accessTokenExpiresAt,
    refreshTokenExpiresAt: next.refreshTokenExpiresAt,
    refreshTokenRotated: rotated,
    refreshTokenExpiresInDays: daysLeft(next.refreshTokenExpiresAt, now),
  };
}
