/**
 * The caller, from what API Gateway's JWT authorizer put into `requestContext.authorizer.jwt`. API Gateway already
 * checked the token and the route's scope; the function checks the scope again (defence in depth: a route wired without
 * its authorizer must not become public).
 */

import { SCOPES, type ScopeName } from '../catalog/route-scopes';
import { ForbiddenError, UnauthorizedError } from '../domain/errors';

export interface Caller {
  /** The token's `client_id` (machine callers), else `sub`. Recorded as the audit actor. */
  actor: string;
  subject: string | undefined;
  clientId: string | undefined;
  scopes: readonly string[];
}

type Claims = Record<string, string | number | boolean | string[] | undefined>;

export interface AuthorizerContext {
  authorizer?: { jwt?: { claims?: Claims | null; scopes?: string[] | null } | null } | null;
}

function claimText(value: Claims[string]): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Scopes from the authorizer's `scopes`, else the `scope` (space-separated) or `scp` claim. */
export function callerScopes(jwt: { claims?: Claims | null; scopes?: string[] | null }): string[] {
  const found = new Set<string>(Array.isArray(jwt.scopes) ? jwt.scopes : []);
  for (const name of ['scope', 'scp'] as const) {
    const raw = jwt.claims?.[name];
    const values = Array.isArray(raw)
      ? raw
      : typeof raw === 'string'
        ? raw.replace(/^\[(.*)\]$/, '$1').split(/[\s,]+/)
        : [];
    for (const value of values) if (value) found.add(value);
  }
  return [...found];
}

/** Read and check the caller for a route that needs `scope`. */
export function resolveCaller(requestContext: AuthorizerContext, scope: ScopeName): Caller {
  const jwt = requestContext.authorizer?.jwt;
  if (!jwt?.claims) {
    throw new UnauthorizedError('The request has no valid bearer token.', [
      { description: 'Authentication credentials were missing or incorrect.' },
    ]);
  }
  const clientId = claimText(jwt.claims.client_id);
  const subject = claimText(jwt.claims.sub);
  const actor = clientId ?? subject;
  if (actor === undefined) {
    throw new UnauthorizedError('The bearer token names no caller.', [
      { description: 'The token has neither a client_id nor a sub claim.' },
    ]);
  }
  const scopes = callerScopes(jwt);
  if (!scopes.includes(SCOPES[scope])) {
    throw new ForbiddenError('The token does not grant access to this operation.', [
      { description: `The scope ${SCOPES[scope]} is required.` },
    ]);
  }
  return { actor, subject, clientId, scopes };
}
