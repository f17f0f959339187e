/**
 * The local gateway's JWT authorizer, as API Gateway's HTTP API applies it: the bearer token of a request, checked by
 * the token verifier against the route's scope (401 with a challenge, 403 for a missing scope, 503 while no verifier is
 * set), and the local identity provider's public documents (OpenID discovery, JWKS) served below its issuer path.
 */
import { type RouteDefinition, SCOPES } from '../../functions/catalog/routes';
import { type LocalIdp, TOKEN_ALGORITHM, TokenRejectedError, type TokenVerifier } from '../auth/local-idp';
import { GATEWAY_MESSAGES, type Refusal } from './errors';
import type { AuthorizerResult } from './event';

/** The token of `Authorization: Bearer <token>`; API Gateway also accepts the bare token. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  if (match?.[1]) return match[1];
  const bare = header.trim();
  return bare === '' || /\s/.test(bare) ? undefined : bare;
}

/**
 * The authorizer's verdict on a request to a route with `scope`: what the handler's event carries (undefined for a
 * route without a scope), or the refusal to answer with.
 */
export async function authorize(
  authorizer: TokenVerifier | undefined,
  scope: RouteDefinition['scope'],
  authorization: string | undefined,
): Promise<{ kind: 'authorized'; result: AuthorizerResult | undefined } | { kind: 'refused'; refusal: Refusal }> {
  if (scope === null) return { kind: 'authorized', result: undefined };
  const refused = (refusal: Refusal) => ({ kind: 'refused' as const, refusal });
  if (!authorizer)
    return refused({ status: 503, message: GATEWAY_MESSAGES.starting, description: GATEWAY_MESSAGES.starting });
  const required = SCOPES[scope];
  const token = bearerToken(authorization);
  try {
    const verified = await authorizer.verify(token ?? '');
    if (!verified.scopes.includes(required)) {
      return refused({
        status: 403,
        message: GATEWAY_MESSAGES.forbidden,
        description: `This operation requires the scope ${required}.`,
        headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${required}"` },
      });
    }
    return {
      kind: 'authorized',
      result: { claims: verified.claims, scopes: verified.scopes.filter((s) => s === required) },
    };
  } catch (error) {
    const reason = error instanceof TokenRejectedError ? error : new TokenRejectedError('malformed');
    const challenge =
      reason.reason === 'missing'
        ? 'Bearer'
        : `Bearer error="invalid_token", error_description="${reason.message.replaceAll('"', "'")}"`;
    return refused({
      status: 401,
      message: GATEWAY_MESSAGES.unauthorized,
      description: reason.message,
      headers: { 'www-authenticate': challenge },
    });
  }
}

/**
 * The local identity provider's public documents, below its issuer URL on this gateway: the OpenID discovery document
 * (the OpenAPI document's `openIdConnectUrl`) and its JWKS, so a client or tool can find how tokens are verified.
 * Undefined when `rawPath` is neither, or the authorizer is not the local identity provider.
 */
export function identityProviderDocument(authorizer: TokenVerifier | undefined, rawPath: string): object | undefined {
  if (!authorizer || !('issuer' in authorizer) || !('publicJwk' in authorizer)) return undefined;
  const idp = authorizer as LocalIdp;
  const issuerPath = new URL(idp.issuer).pathname.replace(/\/+$/, '');
  if (rawPath === `${issuerPath}/jwks.json`) return { keys: [idp.publicJwk] };
  if (rawPath !== `${issuerPath}/.well-known/openid-configuration`) return undefined;
  return {
    issuer: idp.issuer,
    jwks_uri: `${idp.issuer}/jwks.json`,
    response_types_supported: ['token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [TOKEN_ALGORITHM],
    scopes_supported: Object.values(SCOPES),
    claims_supported: ['iss', 'aud', 'sub', 'client_id', 'scope', 'iat', 'nbf', 'exp', 'jti'],
    service_documentation: 'Sandbox tokens of the local runtime: npm run -s token -- write (or: read).',
  };
}
