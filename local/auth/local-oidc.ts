/**
 * The local IdP's OpenID Connect endpoints, for the operator console: authorization code + PKCE (S256), as a real
 * identity provider does it, except that `authorize` signs the operator in at once, without a password (this is the
 * sandbox: whoever reaches 127.0.0.1 may operate it). Mounted by the gateway under the issuer's path (`/local-idp`):
 *
 * - `GET  /.well-known/openid-configuration` — discovery (the console reads its endpoints here, as in AWS);
 * - `GET  /jwks.json` — the public signing key;
 * - `GET  /authorize` — checks the client, the redirect URI (this runtime's `/console…` only) and the PKCE challenge,
 *   then redirects back with a one-time code (valid 60 s);
 * - `POST /token` — `grant_type=authorization_code`: checks the code, client, redirect URI and `code_verifier`, and
 *   answers a signed access token holding the requested Webex scopes.
 *
 * Errors on `authorize` are answered here (400, text) and never redirected: the redirect URI is not trusted until
 * checked. Token errors are RFC 6749 JSON (`invalid_request`, `invalid_grant`, …).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SCOPES } from '../../functions/catalog/routes';
import type { MountedHandler } from '../gateway/server';
import { type LocalIdp, TOKEN_LIFETIME_SECONDS } from './local-idp';

/** The console's OAuth client id (CDK context `consoleClientId` in AWS). */
export const LOCAL_CONSOLE_CLIENT_ID = 'webex-bw-console';
export const LOCAL_OPERATOR_SUBJECT = 'local-operator';
const CODE_LIFETIME_MS = 60_000;
const MAX_FORM_BYTES = 16 * 1024;
const PKCE_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scopes: string[];
  expiresAt: number;
}

type Answer = Awaited<ReturnType<MountedHandler>>;

const text = (statusCode: number, body: string): Answer => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  body,
});
const json = (statusCode: number, body: unknown): Answer => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' },
  body: JSON.stringify(body),
});
const oauthError = (error: string, description: string, statusCode = 400) =>
  json(statusCode, { error, error_description: description });

function base64url(buffer: Buffer): string {
  return buffer.toString('base64url');
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export interface LocalOidcOptions {
  idp: LocalIdp;
  /** The issuer URL (`http://127.0.0.1:<port>/local-idp`); its path is where the endpoints are mounted. */
  issuer: string;
  clientId?: string;
  now?: () => number;
}

export function createLocalOidc(options: LocalOidcOptions): { prefix: string; handler: MountedHandler } {
  const issuer = new URL(options.issuer);
  const origin = issuer.origin;
  const prefix = issuer.pathname.replace(/\/+$/, '');
  const clientId = options.clientId ?? LOCAL_CONSOLE_CLIENT_ID;
  const now = options.now ?? Date.now;
  const codes = new Map<string, PendingCode>();
  const allowedScopes = new Set<string>(Object.values(SCOPES));

  const redirectAllowed = (value: string): boolean => {
    try {
      const url = new URL(value);
      return url.origin === origin && (url.pathname === '/console' || url.pathname.startsWith('/console/'));
    } catch {
      return false;
    }
  };

  const authorize = (query: URLSearchParams): Answer => {
    const redirectUri = query.get('redirect_uri') ?? '';
    if (query.get('client_id') !== clientId) return text(400, `Unknown client_id: this IdP knows ${clientId}.`);
    if (!redirectAllowed(redirectUri)) return text(400, `redirect_uri must be this runtime's ${origin}/console page.`);
    if (query.get('response_type') !== 'code') return text(400, 'response_type must be code.');
    const challenge = query.get('code_challenge') ?? '';
    if (query.get('code_challenge_method') !== 'S256' || !PKCE_PATTERN.test(challenge)) {
      return text(400, 'PKCE is required: code_challenge (S256) and code_challenge_method=S256.');
    }
    const scopes = (query.get('scope') ?? '').split(/\s+/).filter((scope) => allowedScopes.has(scope));
    for (const [code, pending] of codes) if (pending.expiresAt < now()) codes.delete(code);
    const code = base64url(randomBytes(32));
    codes.set(code, { clientId, redirectUri, challenge, scopes, expiresAt: now() + CODE_LIFETIME_MS });
    const location = new URL(redirectUri);
    location.searchParams.set('code', code);
    const state = query.get('state');
    if (state !== null) location.searchParams.set('state', state);
    return { statusCode: 302, headers: { location: location.href, 'cache-control': 'no-store' }, body: '' };
  };

  const token = async (req: IncomingMessage): Promise<Answer> => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      return oauthError('invalid_request', 'The body must be application/x-www-form-urlencoded.');
    }
    const form = await readForm(req);
    if (!form) return oauthError('invalid_request', 'The body is too large.');
    if (form.get('grant_type') !== 'authorization_code') {
      return oauthError('unsupported_grant_type', 'Only authorization_code is supported.');
    }
    const code = form.get('code') ?? '';
    const pending = codes.get(code);
    codes.delete(code);
    if (!pending || pending.expiresAt < now())
      return oauthError('invalid_grant', 'The code is unknown, used or expired.');
    if (form.get('client_id') !== pending.clientId)
      return oauthError('invalid_client', 'client_id does not match.', 401);
    if (form.get('redirect_uri') !== pending.redirectUri) {
      return oauthError('invalid_grant', 'redirect_uri does not match the authorization request.');
    }
    const verifier = form.get('code_verifier') ?? '';
    if (
      !PKCE_PATTERN.test(verifier) ||
      base64url(createHash('sha256').update(verifier).digest()) !== pending.challenge
    ) {
      return oauthError('invalid_grant', 'code_verifier does not match the code_challenge.');
    }
    const accessToken = await options.idp.mint(pending.scopes, {
      sub: LOCAL_OPERATOR_SUBJECT,
      client_id: pending.clientId,
    });
    return json(200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      scope: pending.scopes.join(' '),
    });
  };

  const handler: MountedHandler = async ({ method, path, query, req }) => {
    const route = path.slice(prefix.length);
    if (route === '/.well-known/openid-configuration' && method === 'GET') {
      return json(200, {
        issuer: options.issuer,
        authorization_endpoint: `${options.issuer}/authorize`,
        token_endpoint: `${options.issuer}/token`,
        jwks_uri: `${options.issuer}/jwks.json`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
        scopes_supported: [...allowedScopes],
        id_token_signing_alg_values_supported: ['ES256'],
        subject_types_supported: ['public'],
        claims_supported: ['iss', 'aud', 'sub', 'client_id', 'scope', 'iat', 'nbf', 'exp', 'jti'],
        service_documentation:
          'The operator console signs in here (authorization code + PKCE); sandbox tokens: npm run -s token -- write.',
      });
    }
    if (route === '/jwks.json' && method === 'GET') return json(200, { keys: [options.idp.publicJwk] });
    if (route === '/authorize' && method === 'GET') return authorize(query);
    if (route === '/token' && method === 'POST') return token(req);
    return text(404, `No local IdP endpoint ${method} ${path}.`);
  };
  return { prefix, handler };
}
