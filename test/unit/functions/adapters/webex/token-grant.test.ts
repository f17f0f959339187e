import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshAccessToken } from '../../../../../functions/adapters/webex/token-grant';
import { UpstreamError, UpstreamProtocolError, UpstreamUnavailableError } from '../../../../../functions/domain/errors';
import { type ScriptedServer, startScriptedServer } from '../../../../webex-client/scripted-server';

const INPUT = { refreshToken: 'refresh-SECRET-1', clientId: 'client-1', clientSecret: 'client-SECRET-1' };

describe('refreshAccessToken', () => {
  let server: ScriptedServer;

  beforeEach(async () => {
    server = await startScriptedServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it('posts the form-encoded refresh grant and returns the typed answer', async () => {
    // Prepare
    server.script({
      status: 200,
      body: {
        access_token: 'access-NEW',
        expires_in: 1209599,
        refresh_token: 'refresh-SECRET-1',
        refresh_token_expires_in: 7775999,
        token_type: 'Bearer',
      },
    });

    // Act
    const result = await refreshAccessToken(`${server.baseUrl}/`, INPUT);

    // Assess
    expect(result).toEqual({
      access_token: 'access-NEW',
      expires_in: 1209599,
      refresh_token: 'refresh-SECRET-1',
      refresh_token_expires_in: 7775999,
      token_type: 'Bearer',
    });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/access_token');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'refresh_token',
      client_id: 'client-1',
      client_secret: 'client-SECRET-1',
      refresh_token: 'refresh-SECRET-1',
    });
  });

  it('reads expiry seconds sent as strings and a missing token_type as Bearer', async () => {
    // Prepare
    server.script({
      status: 200,
      body: { access_token: 'a', expires_in: '100', refresh_token: 'r', refresh_token_expires_in: '200' },
    });

    // Act
    const result = await refreshAccessToken(server.baseUrl, INPUT);

    // Assess
    expect(result).toMatchObject({ expires_in: 100, refresh_token_expires_in: 200, token_type: 'Bearer' });
  });

  it('turns a refusal into UpstreamError with the status and no secret in the message', async () => {
    // Prepare: an answer that (badly) echoes the secrets back
    server.script({
      status: 400,
      headers: { TrackingID: 'W_TOKEN' },
      body: {
        error: 'invalid_grant',
        error_description: `refresh token refresh-SECRET-1 with client-SECRET-1 is invalid`,
      },
    });

    // Act
    const failure = await refreshAccessToken(server.baseUrl, INPUT).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({ status: 400, webexTrackingId: 'W_TOKEN' });
    const text = `${(failure as Error).message} ${JSON.stringify(failure)} ${String((failure as Error).cause ?? '')}`;
    expect(text).toContain('invalid_grant');
    expect(text).not.toContain('refresh-SECRET-1');
    expect(text).not.toContain('client-SECRET-1');
  });

  it('turns an answer without an access token into UpstreamProtocolError naming the field, not its value', async () => {
    // Prepare
    server.script({
      status: 200,
      body: { expires_in: 10, refresh_token: 'refresh-SECRET-2', refresh_token_expires_in: 20 },
    });

    // Act
    const failure = await refreshAccessToken(server.baseUrl, INPUT).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(UpstreamProtocolError);
    expect((failure as Error).message).toContain('access_token');
    expect((failure as Error).message).not.toContain('refresh-SECRET-2');
  });

  it('turns an unreachable Webex into UpstreamUnavailableError 502 without a cause that could hold the request', async () => {
    // Prepare
    const failingFetch: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };

    // Act
    const failure = await refreshAccessToken(server.baseUrl, INPUT, { fetch: failingFetch }).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(UpstreamUnavailableError);
    expect(failure).toMatchObject({ status: 502 });
    expect((failure as Error).cause).toBeUndefined();
  });

  it('gives up after timeoutMs with UpstreamUnavailableError 504', async () => {
    // Prepare
    server.script({ hang: true });

    // Act
    const failure = await refreshAccessToken(server.baseUrl, INPUT, { timeoutMs: 1 }).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(UpstreamUnavailableError);
    expect(failure).toMatchObject({ status: 504 });
  });
});
