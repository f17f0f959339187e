/**
 * The local IdP's OIDC endpoints (what the operator console signs in with): discovery, the authorization code with
 * PKCE (S256), and the refusals a real IdP makes — a foreign redirect URI, no PKCE, a wrong verifier, a code used twice.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SCOPES } from '../../functions/catalog/routes';
import { LOCAL_CONSOLE_CLIENT_ID } from '../../local/auth/local-oidc';
import { useTestRuntime } from '../support/local-runtime';

const t = useTestRuntime();

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function authorize(query: Record<string, string>): Promise<Response> {
  const url = new URL(`${t.runtime.issuer}/authorize`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return fetch(url, { redirect: 'manual' });
}

function exchange(form: Record<string, string>): Promise<Response> {
  return fetch(`${t.runtime.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

describe('the local IdP (authorization code + PKCE)', () => {
  it('signs the operator in at once: a code for the console, then a token the API accepts', async () => {
    // Prepare
    const { verifier, challenge } = pkce();
    const redirectUri = `${t.runtime.urls.console}`;
    const discovery = (await (await fetch(`${t.runtime.issuer}/.well-known/openid-configuration`)).json()) as {
      authorization_endpoint: string;
      token_endpoint: string;
      code_challenge_methods_supported: string[];
    };

    // Act
    const answer = await authorize({
      response_type: 'code',
      client_id: LOCAL_CONSOLE_CLIENT_ID,
      redirect_uri: redirectUri,
      scope: `openid ${SCOPES.read}`,
      state: 'xyz',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const location = new URL(answer.headers.get('location') ?? 'http://invalid/');
    const code = location.searchParams.get('code') ?? '';
    const token = await exchange({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: LOCAL_CONSOLE_CLIENT_ID,
      code_verifier: verifier,
    });
    const issued = (await token.json()) as { access_token: string; token_type: string; scope: string };
    const again = await exchange({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: LOCAL_CONSOLE_CLIENT_ID,
      code_verifier: verifier,
    });
    const read = await t.api.get('/v1/orders', { token: issued.access_token });
    const write = await t.api.post('/v1/orders', {}, { token: issued.access_token });

    // Assess
    expect(discovery).toMatchObject({
      authorization_endpoint: `${t.runtime.issuer}/authorize`,
      token_endpoint: `${t.runtime.issuer}/token`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(answer.status).toBe(302);
    expect(location.origin + location.pathname).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(token.status).toBe(200);
    expect(issued).toMatchObject({ token_type: 'Bearer', scope: SCOPES.read });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
    expect(read.status).toBe(200);
    expect(write.status).toBe(403);
  });

  it('refuses a foreign redirect URI, another client and a request without PKCE, without redirecting', async () => {
    // Prepare
    const { challenge } = pkce();
    const valid = {
      response_type: 'code',
      client_id: LOCAL_CONSOLE_CLIENT_ID,
      redirect_uri: t.runtime.urls.console,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    };

    // Act
    const answers = await Promise.all([
      authorize({ ...valid, redirect_uri: 'https://attacker.example.com/console' }),
      authorize({ ...valid, client_id: 'someone-else' }),
      authorize({ ...valid, code_challenge_method: 'plain' }),
    ]);

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.headers.get('location')).toBeNull();
    }
  });

  it('refuses a code with the wrong verifier or redirect URI', async () => {
    // Prepare
    const { verifier, challenge } = pkce();
    const codeFor = async () => {
      const answer = await authorize({
        response_type: 'code',
        client_id: LOCAL_CONSOLE_CLIENT_ID,
        redirect_uri: t.runtime.urls.console,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      return new URL(answer.headers.get('location') ?? 'http://invalid/').searchParams.get('code') ?? '';
    };
    const base = { grant_type: 'authorization_code', client_id: LOCAL_CONSOLE_CLIENT_ID };

    // Act
    const wrongVerifier = await exchange({
      ...base,
      code: await codeFor(),
      redirect_uri: t.runtime.urls.console,
      code_verifier: pkce().verifier,
    });
    const wrongRedirect = await exchange({
      ...base,
      code: await codeFor(),
      redirect_uri: `${t.runtime.urls.console}/elsewhere`,
      code_verifier: verifier,
    });

    // Assess
    expect(wrongVerifier.status).toBe(400);
    expect(await wrongVerifier.json()).toMatchObject({ error: 'invalid_grant' });
    expect(wrongRedirect.status).toBe(400);
  });
});
