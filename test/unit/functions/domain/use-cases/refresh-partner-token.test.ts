import { describe, expect, it } from 'vitest';
import type { PartnerTokenStore, PartnerTokens, RefreshGrant } from '../../../../../functions/domain/ports/token';
import {
  DAY_MS,
  PartnerTokenRefreshError,
  refreshPartnerToken,
} from '../../../../../functions/domain/use-cases/refresh-partner-token';
import { createTestClock } from '../../../../webex-client/test-clock';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

function storedTokens(overrides: Partial<PartnerTokens> = {}): PartnerTokens {
  return {
    accessToken: 'access-OLD',
    accessTokenExpiresAt: new Date(NOW + 2 * DAY_MS).toISOString(),
    refreshToken: 'refresh-OLD',
    refreshTokenExpiresAt: new Date(NOW + 60 * DAY_MS).toISOString(),
    clientId: 'client-1',
    clientSecret: 'secret-1',
    ...overrides,
  };
}

function memoryStore(initial: PartnerTokens, failWrites = 0) {
  let value = initial;
  let failuresLeft = failWrites;
  const writes: PartnerTokens[] = [];
  const store: PartnerTokenStore = {
    read: async () => value,
    write: async (tokens) => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('throttled');
      }
      writes.push(tokens);
      value = tokens;
    },
  };
  return { store, writes, current: () => value };
}

function grantAnswering(refreshToken: string, calls: unknown[] = []): RefreshGrant {
  return async (input) => {
    calls.push(input);
    return {
      access_token: 'access-NEW',
      expires_in: 14 * 86_400,
      refresh_token: refreshToken,
      refresh_token_expires_in: 90 * 86_400,
      token_type: 'Bearer',
    };
  };
}

describe('refreshPartnerToken', () => {
  it('stores the new access token and keeps the refresh token when Webex returns the same one', async () => {
    // Prepare
    const { store, writes } = memoryStore(storedTokens());
    const calls: unknown[] = [];

    // Act
    const result = await refreshPartnerToken({
      store,
      grant: grantAnswering('refresh-OLD', calls),
      clock: createTestClock({ start: NOW }),
      refreshWindowDays: 7,
    });

    // Assess
    expect(calls).toEqual([{ refreshToken: 'refresh-OLD', clientId: 'client-1', clientSecret: 'secret-1' }]);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({
      accessToken: 'access-NEW',
      accessTokenExpiresAt: new Date(NOW + 14 * DAY_MS).toISOString(),
      refreshToken: 'refresh-OLD',
      clientId: 'client-1',
      clientSecret: 'secret-1',
    });
    expect(result).toEqual({
      refreshed: true,
      accessTokenExpiresAt: new Date(NOW + 14 * DAY_MS).toISOString(),
      refreshTokenExpiresAt: new Date(NOW + 90 * DAY_MS).toISOString(),
      refreshTokenRotated: false,
      refreshTokenExpiresInDays: 90,
    });
  });

  it('stores the new refresh token with its expiry when Webex rotates it', async () => {
    // Prepare
    const { store, current } = memoryStore(storedTokens());

    // Act
    const result = await refreshPartnerToken({
      store,
      grant: grantAnswering('refresh-NEW'),
      clock: createTestClock({ start: NOW }),
      refreshWindowDays: 7,
    });

    // Assess
    expect(result.refreshTokenRotated).toBe(true);
    expect(current()).toMatchObject({
      refreshToken: 'refresh-NEW',
      refreshTokenExpiresAt: new Date(NOW + 90 * DAY_MS).toISOString(),
    });
  });

  it('does not call Webex while the access token is outside the refresh window', async () => {
    // Prepare
    const { store, writes } = memoryStore(
      storedTokens({ accessTokenExpiresAt: new Date(NOW + 10 * DAY_MS).toISOString() }),
    );
    const calls: unknown[] = [];

    // Act
    const result = await refreshPartnerToken({
      store,
      grant: grantAnswering('refresh-OLD', calls),
      clock: createTestClock({ start: NOW }),
      refreshWindowDays: 7,
    });

    // Assess
    expect(calls).toHaveLength(0);
    expect(writes).toHaveLength(0);
    expect(result).toMatchObject({ refreshed: false, refreshTokenRotated: false, refreshTokenExpiresInDays: 60 });
  });

  it('refreshes outside the window when forced, and a bootstrap secret without an access token at once', async () => {
    // Prepare
    const far = memoryStore(storedTokens({ accessTokenExpiresAt: new Date(NOW + 10 * DAY_MS).toISOString() }));
    const bootstrap = memoryStore(storedTokens({ accessToken: '', accessTokenExpiresAt: new Date(0).toISOString() }));
    const clock = createTestClock({ start: NOW });

    // Act
    const forced = await refreshPartnerToken({
      store: far.store,
      grant: grantAnswering('refresh-OLD'),
      clock,
      refreshWindowDays: 7,
      force: true,
    });
    const first = await refreshPartnerToken({
      store: bootstrap.store,
      grant: grantAnswering('refresh-OLD'),
      clock,
      refreshWindowDays: 0,
    });

    // Assess
    expect(forced.refreshed).toBe(true);
    expect(first.refreshed).toBe(true);
    expect(bootstrap.current().accessToken).toBe('access-NEW');
  });

  it('retries storing and reports a rotated token it could not store', async () => {
    // Prepare
    const flaky = memoryStore(storedTokens(), 2);
    const broken = memoryStore(storedTokens(), 99);
    const flakyClock = createTestClock({ start: NOW });
    const brokenClock = createTestClock({ start: NOW });

    // Act
    const stored = await refreshPartnerToken({
      store: flaky.store,
      grant: grantAnswering('refresh-NEW'),
      clock: flakyClock,
      refreshWindowDays: 7,
    });
    const failure = await refreshPartnerToken({
      store: broken.store,
      grant: grantAnswering('refresh-NEW'),
      clock: brokenClock,
      refreshWindowDays: 7,
    }).catch((e: unknown) => e);

    // Assess
    expect(stored.refreshed).toBe(true);
    expect(flaky.current().refreshToken).toBe('refresh-NEW');
    expect(flakyClock.waits).toEqual([1000, 2000]);
    expect(brokenClock.waits).toEqual([1000, 2000]);
    expect(broken.writes).toHaveLength(0);
    expect(failure).toBeInstanceOf(PartnerTokenRefreshError);
    expect(failure).toMatchObject({ stage: 'write', refreshTokenRotated: true, refreshTokenExpiresInDays: 60 });
    expect((failure as Error).message).not.toContain('refresh-NEW');
  });

  it('reports a refused grant with the days the stored refresh token has left', async () => {
    // Prepare
    const { store, writes } = memoryStore(
      storedTokens({ refreshTokenExpiresAt: new Date(NOW + 3 * DAY_MS + 1000).toISOString() }),
    );
    const refused: RefreshGrant = async () => {
      throw new Error('invalid_grant');
    };

    // Act
    const failure = await refreshPartnerToken({
      store,
      grant: refused,
      clock: createTestClock({ start: NOW }),
      refreshWindowDays: 7,
    }).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(PartnerTokenRefreshError);
    expect(failure).toMatchObject({ stage: 'grant', refreshTokenExpiresInDays: 3 });
    expect(writes).toHaveLength(0);
  });
});
