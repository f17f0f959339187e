import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebexHttpClient } from '../../../../../functions/adapters/webex/client';
import { StoredTokenCredentials } from '../../../../../functions/adapters/webex/credentials';
import { RefreshingCredentials } from '../../../../../functions/adapters/webex/refreshing-credentials';
import { ConfigurationError, UpstreamError } from '../../../../../functions/domain/errors';
import type { PartnerTokenStore, PartnerTokens, RefreshGrant } from '../../../../../functions/domain/ports/token';
import { type ScriptedServer, startScriptedServer } from '../../../../webex-client/scripted-server';
import { SUBSCRIBER_ID, silentLogger, webexSubscriber } from '../../../../webex-client/support';
import { createTestClock } from '../../../../webex-client/test-clock';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const MINUTE = 60_000;

function countingStore(tokens: PartnerTokens[]) {
  let reads = 0;
  const store: PartnerTokenStore & { readonly reads: number } = {
    read: async () => {
      const value = tokens[Math.min(reads, tokens.length - 1)];
      reads += 1;
      if (!value) throw new Error('no tokens');
      return value;
    },
    write: async () => {
      throw new Error('StoredTokenCredentials must never write');
    },
    get reads() {
      return reads;
    },
  };
  return store;
}

function tokens(accessToken: string, expiresInMs: number): PartnerTokens {
  return {
    accessToken,
    accessTokenExpiresAt: new Date(NOW + expiresInMs).toISOString(),
    refreshToken: 'refresh-1',
    refreshTokenExpiresAt: new Date(NOW + 90 * 24 * 60 * MINUTE).toISOString(),
    clientId: 'client-1',
    clientSecret: 'secret-1',
  };
}

describe('StoredTokenCredentials', () => {
  it('reads the store once and reuses the token for the cache TTL', async () => {
    // Prepare
    const clock = createTestClock({ start: NOW });
    const store = countingStore([tokens('access-1', 14 * 24 * 60 * MINUTE), tokens('access-2', 14 * 24 * 60 * MINUTE)]);
    const credentials = new StoredTokenCredentials({
      store,
      baseUrl: 'https://webexapis.com/v1/',
      clock,
      logger: silentLogger,
    });

    // Act
    const first = await credentials.getAccess();
    clock.advance(4 * MINUTE);
    const cached = await credentials.getAccess();
    clock.advance(2 * MINUTE);
    const reread = await credentials.getAccess();

    // Assess
    expect(first).toEqual({ baseUrl: 'https://webexapis.com/v1', accessToken: 'access-1' });
    expect(cached.accessToken).toBe('access-1');
    expect(reread.accessToken).toBe('access-2');
    expect(store.reads).toBe(2);
  });

  it('does not cache past the expiry of the token, less the margin', async () => {
    // Prepare
    const clock = createTestClock({ start: NOW });
    const store = countingStore([tokens('access-1', 3 * MINUTE), tokens('access-2', 60 * MINUTE)]);
    const credentials = new StoredTokenCredentials({ store, baseUrl: 'https://x/v1', clock, logger: silentLogger });

    // Act
    await credentials.getAccess();
    clock.advance(2 * MINUTE);
    const second = await credentials.getAccess();

    // Assess: cached until 3 min - 1 min margin
    expect(second.accessToken).toBe('access-2');
    expect(store.reads).toBe(2);
  });

  it('shares one store read between concurrent calls, and re-reads after invalidate()', async () => {
    // Prepare
    const clock = createTestClock({ start: NOW });
    const store = countingStore([tokens('access-1', 60 * MINUTE), tokens('access-2', 60 * MINUTE)]);
    const credentials = new StoredTokenCredentials({ store, baseUrl: 'https://x/v1', clock, logger: silentLogger });

    // Act
    const concurrent = await Promise.all([credentials.getAccess(), credentials.getAccess(), credentials.getAccess()]);
    credentials.invalidate();
    const after = await credentials.getAccess();

    // Assess
    expect(concurrent.map((a) => a.accessToken)).toEqual(['access-1', 'access-1', 'access-1']);
    expect(after.accessToken).toBe('access-2');
    expect(store.reads).toBe(2);
  });

  it('hands out an expired token without caching it, and refuses an empty one', async () => {
    // Prepare
    const clock = createTestClock({ start: NOW });
    const expired = countingStore([tokens('access-old', -MINUTE)]);
    const empty = countingStore([tokens('', 60 * MINUTE)]);
    const fromExpired = new StoredTokenCredentials({
      store: expired,
      baseUrl: 'https://x/v1',
      clock,
      logger: silentLogger,
    });
    const fromEmpty = new StoredTokenCredentials({
      store: empty,
      baseUrl: 'https://x/v1',
      clock,
      logger: silentLogger,
    });

    // Act
    await fromExpired.getAccess();
    const again = await fromExpired.getAccess();
    const failure = fromEmpty.getAccess();

    // Assess
    expect(again.accessToken).toBe('access-old');
    expect(expired.reads).toBe(2);
    await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('RefreshingCredentials', () => {
  function countingGrant(answers: Array<{ access: string; refresh: string; expiresIn: number }>) {
    const calls: string[] = [];
    const grant: RefreshGrant = async (input) => {
      const answer = answers[Math.min(calls.length, answers.length - 1)];
      calls.push(input.refreshToken);
      if (!answer) throw new Error('no answer');
      return {
        access_token: answer.access,
        expires_in: answer.expiresIn,
        refresh_token: answer.refresh,
        refresh_token_expires_in: 7_776_000,
        token_type: 'Bearer',
      };
    };
    return { grant, calls };
  }

  it('obtains a token on first use and again shortly before it expires, using a rotated refresh token', async () => {
    // Prepare
    const clock = createTestClock({ start: NOW });
    const { grant, calls } = countingGrant([
      { access: 'access-1', refresh: 'refresh-2', expiresIn: 3600 },
      { access: 'access-2', refresh: 'refresh-2', expiresIn: 3600 },
    ]);
    const credentials = new RefreshingCredentials({
      baseUrl: 'http://127.0.0.1:3001/v1',
      refreshToken: 'refresh-1',
      clientId: 'client-1',
      clientSecret: 'secret-1',
      clock,
      grant,
      logger: silentLogger,
    });

    // Act
    const first = await credentials.getAccess();
    clock.advance(54 * MINUTE);
    const stillFirst = await credentials.getAccess();
    clock.advance(2 * MINUTE);
    const second = await credentials.getAccess();

    // Assess: refreshed 5 minutes before the hour is up
    expect(first).toEqual({ baseUrl: 'http://127.0.0.1:3001/v1', accessToken: 'access-1' });
    expect(stillFirst.accessToken).toBe('access-1');
    expect(second.accessToken).toBe('access-2');
    expect(calls).toEqual(['refresh-1', 'refresh-2']);
  });

  it('refreshes at half the lifetime of a short-lived token, shares one grant between concurrent calls', async () => {
    // Prepare
    const clock = createTestClock({ start: NOW });
    const { grant, calls } = countingGrant([{ access: 'short', refresh: 'r', expiresIn: 60 }]);
    const credentials = new RefreshingCredentials({
      baseUrl: 'https://x/v1',
      refreshToken: 'r',
      clientId: 'c',
      clientSecret: 's',
      clock,
      grant,
      logger: silentLogger,
    });

    // Act
    await Promise.all([credentials.getAccess(), credentials.getAccess()]);
    clock.advance(29_000);
    await credentials.getAccess();
    const callsBeforeHalf = calls.length;
    clock.advance(1_000);
    await credentials.getAccess();

    // Assess
    expect(callsBeforeHalf).toBe(1);
    expect(calls).toHaveLength(2);
  });

  it('runs the grant again after invalidate()', async () => {
    // Prepare
    const { grant, calls } = countingGrant([
      { access: 'a1', refresh: 'r', expiresIn: 3600 },
      { access: 'a2', refresh: 'r', expiresIn: 3600 },
    ]);
    const credentials = new RefreshingCredentials({
      baseUrl: 'https://x/v1',
      refreshToken: 'r',
      clientId: 'c',
      clientSecret: 's',
      clock: createTestClock({ start: NOW }),
      grant,
      logger: silentLogger,
    });

    // Act
    await credentials.getAccess();
    credentials.invalidate();
    const after = await credentials.getAccess();

    // Assess
    expect(after.accessToken).toBe('a2');
    expect(calls).toHaveLength(2);
  });

  it('refuses to start without a refresh token, client id and client secret', () => {
    // Act
    const build = () =>
      new RefreshingCredentials({ baseUrl: 'https://x/v1', refreshToken: '', clientId: 'c', clientSecret: 's' });

    // Assess
    expect(build).toThrow(ConfigurationError);
  });

  it('lets a failed grant surface and tries again on the next call', async () => {
    // Prepare
    let fail = true;
    const grant: RefreshGrant = async () => {
      if (fail) throw new UpstreamError('Webex refused the token refresh with status 400.', { status: 400 });
      return {
        access_token: 'ok',
        expires_in: 3600,
        refresh_token: 'r',
        refresh_token_expires_in: 10,
        token_type: 'Bearer',
      };
    };
    const credentials = new RefreshingCredentials({
      baseUrl: 'https://x/v1',
      refreshToken: 'r',
      clientId: 'c',
      clientSecret: 's',
      clock: createTestClock({ start: NOW }),
      grant,
      logger: silentLogger,
    });

    // Act
    const failure = await credentials.getAccess().catch((e: unknown) => e);
    fail = false;
    const later = await credentials.getAccess();

    // Assess
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(later.accessToken).toBe('ok');
  });
});

describe('RefreshingCredentials with WebexHttpClient', () => {
  let server: ScriptedServer;

  beforeEach(async () => {
    server = await startScriptedServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it('runs the refresh grant against the same base URL, and again after a 401', async () => {
    // Prepare
    const grantAnswer = (access: string) => ({
      status: 200,
      body: {
        access_token: access,
        expires_in: 3600,
        refresh_token: 'refresh-1',
        refresh_token_expires_in: 7_776_000,
        token_type: 'Bearer',
      },
    });
    server.script(grantAnswer('access-1'), { status: 401 }, grantAnswer('access-2'), {
      status: 200,
      body: webexSubscriber(),
    });
    const clock = createTestClock({ start: NOW });
    const credentials = new RefreshingCredentials({
      baseUrl: server.baseUrl,
      refreshToken: 'refresh-1',
      clientId: 'client-1',
      clientSecret: 'secret-1',
      clock,
      logger: silentLogger,
    });
    const client = new WebexHttpClient({ credentials, clock, logger: silentLogger });

    // Act
    const result = await client.get(SUBSCRIBER_ID, { trackingId: 't' });

    // Assess
    expect(result.value.id).toBe(SUBSCRIBER_ID);
    expect(server.requests.map((r) => `${r.method} ${r.url} ${r.headers.authorization ?? '-'}`)).toEqual([
      'POST /v1/access_token -',
      `GET /v1/broadworks/subscribers/${SUBSCRIBER_ID} Bearer access-1`,
      'POST /v1/access_token -',
      `GET /v1/broadworks/subscribers/${SUBSCRIBER_ID} Bearer access-2`,
    ]);
  });
});
