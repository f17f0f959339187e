import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROUTES, type RouteDefinition, SCOPES, type ScopeName } from '../../functions/catalog/routes';
import { createLocalIdp } from '../../local/auth/local-idp';
import { type GatewayHarness, startGatewayHarness } from './gateway-harness';

interface ErrorBody {
  message: string;
  errors: Array<{ description: string }>;
  trackingId: string;
}

const SCOPED_ROUTES = ROUTES.filter((r): r is RouteDefinition & { scope: ScopeName } => r.scope !== null);
const OTHER_SCOPE: Record<ScopeName, ScopeName> = { read: 'write', write: 'read' };

function concretePath(route: RouteDefinition): string {
  return route.path.replace(/\{[^}]+\}/g, 'Y2lzY29zcGFyazovL3Vz');
}

async function call(harness: GatewayHarness, route: RouteDefinition, authorization?: string) {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (route.method === 'POST' || route.method === 'PUT') headers['content-type'] = 'application/json';
  const response = await fetch(`${harness.url}${concretePath(route)}`, {
    method: route.method,
    headers,
    body: route.method === 'POST' || route.method === 'PUT' ? '{}' : undefined,
  });
  const text = await response.text();
  return { response, body: (text ? JSON.parse(text) : undefined) as ErrorBody | undefined };
}

function expectWebexError(response: Response, body: ErrorBody | undefined, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(body?.message).toEqual(expect.any(String));
  expect(body?.errors?.[0]?.description).toEqual(expect.any(String));
  expect(body?.trackingId).toMatch(/^WBXPROV_[0-9a-f-]{36}$/);
  expect(response.headers.get('trackingid')).toBe(body?.trackingId);
}

describe('local gateway: JWT authorizer', () => {
  let harness: GatewayHarness;
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    harness = await startGatewayHarness();
  });
  afterAll(() => harness.stop());
  beforeEach(() => {
    harness.calls.length = 0;
    harness.respond = () => ({ statusCode: 204 });
  });

  describe.each(SCOPED_ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', (_, route) => {
    it('answers 401 with WWW-Authenticate: Bearer when the token is missing', async () => {
      // Act
      const { response, body } = await call(harness, route);

      // Assess
      expectWebexError(response, body, 401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(harness.calls).toHaveLength(0);
    });

    it('answers 401 for a malformed token', async () => {
      // Act
      const { response, body } = await call(harness, route, 'Bearer not.a-jwt');

      // Assess
      expectWebexError(response, body, 401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(body?.errors[0]?.description).toMatch(/not a well-formed JWT/);
      expect(harness.calls).toHaveLength(0);
    });

    it('answers 401 for an expired token', async () => {
      // Prepare
      const token = await harness.idp.mint([route.scope], { iat: nowSeconds() - 7200, exp: nowSeconds() - 60 });

      // Act
      const { response, body } = await call(harness, route, `Bearer ${token}`);

      // Assess
      expectWebexError(response, body, 401);
      expect(body?.errors[0]?.description).toMatch(/expired/);
      expect(harness.calls).toHaveLength(0);
    });

    it('answers 401 for a token signed with another key', async () => {
      // Prepare
      const impostor = await createLocalIdp({
        issuer: harness.idp.issuer,
        audience: harness.idp.audience,
        keyFile: false,
      });
      const token = await impostor.mint([route.scope]);

      // Act
      const { response, body } = await call(harness, route, `Bearer ${token}`);

      // Assess
      expectWebexError(response, body, 401);
      expect(body?.errors[0]?.description).toMatch(/signature/);
      expect(harness.calls).toHaveLength(0);
    });

    it('answers 401 for a token meant for another audience', async () => {
      // Prepare
      const token = await harness.idp.mint([route.scope], { aud: 'some-other-api' });

      // Act
      const { response, body } = await call(harness, route, `Bearer ${token}`);

      // Assess
      expectWebexError(response, body, 401);
      expect(body?.errors[0]?.description).toMatch(/audience/);
      expect(harness.calls).toHaveLength(0);
    });

    it('answers 401 for a token from another issuer', async () => {
      // Prepare
      const token = await harness.idp.mint([route.scope], { iss: 'https://idp.example.com/' });

      // Act
      const { response, body } = await call(harness, route, `Bearer ${token}`);

      // Assess
      expectWebexError(response, body, 401);
      expect(body?.errors[0]?.description).toMatch(/issuer/);
      expect(harness.calls).toHaveLength(0);
    });

    it(`answers 403 with insufficient_scope for a token without ${route.scope} scope`, async () => {
      // Prepare
      const token = await harness.idp.mint([OTHER_SCOPE[route.scope]]);

      // Act
      const { response, body } = await call(harness, route, `Bearer ${token}`);

      // Assess
      expectWebexError(response, body, 403);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer error="insufficient_scope", scope="${SCOPES[route.scope]}"`,
      );
      expect(body?.errors[0]?.description).toContain(SCOPES[route.scope]);
      expect(harness.calls).toHaveLength(0);
    });

    it('calls the handler for a valid token with the scope', async () => {
      // Prepare
      const token = await harness.idp.mint([route.scope]);

      // Act
      const { response } = await call(harness, route, `Bearer ${token}`);

      // Assess
      expect(response.status).toBe(204);
      expect(harness.calls.map((c) => c.route.operationId)).toEqual([route.operationId]);
    });
  });

  describe('claims checked as API Gateway does', () => {
    const route = SCOPED_ROUTES.find((r) => r.operationId === 'listSubscribers') as RouteDefinition;

    it('rejects a token that is not valid yet (nbf in the future)', async () => {
      // Prepare
      const token = await harness.idp.mint(['read'], { nbf: nowSeconds() + 600 });

      // Act
      const { response, body } = await call(harness, route, `Bearer ${token}`);

      // Assess
      expectWebexError(response, body, 401);
      expect(body?.errors[0]?.description).toMatch(/not valid yet/);
    });

    it('rejects a token without exp', async () => {
      // Prepare
      const token = await harness.idp.mint(['read'], { exp: undefined });

      // Act
      const { response, body } = await call(harness, route, `Bearer ${token}`);

      // Assess
      expectWebexError(response, body, 401);
    });

    it('rejects an unsigned token (alg none)', async () => {
      // Prepare
      const token = new UnsecuredJWT({ scope: SCOPES.read, aud: harness.idp.audience })
        .setIssuer(harness.idp.issuer)
        .setExpirationTime('1h')
        .encode();

      // Act
      const { response, body } = await call(harness, route, `Bearer ${token}`);

      // Assess
      expectWebexError(response, body, 401);
      expect(harness.calls).toHaveLength(0);
    });

    it('rejects a token signed with a shared secret (HS256) even if it names the right issuer', async () => {
      // Prepare
      const token = await new SignJWT({ scope: SCOPES.read })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(harness.idp.issuer)
        .setAudience(harness.idp.audience)
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!'));

      // Act
      const { response, body } = await call(harness, route, `Bearer ${token}`);

      // Assess
      expectWebexError(response, body, 401);
    });

    it('accepts client_id as the audience when aud is absent, and scopes from an scp array', async () => {
      // Prepare
      const token = await harness.idp.mint([], {
        aud: undefined,
        scope: undefined,
        client_id: harness.idp.audience,
        scp: [SCOPES.read],
      });

      // Act
      const { response } = await call(harness, route, `Bearer ${token}`);

      // Assess
      expect(response.status).toBe(204);
      expect(harness.calls).toHaveLength(1);
    });

    it('rejects a token whose client_id is not the audience when aud is absent', async () => {
      // Prepare
      const token = await harness.idp.mint(['read'], { aud: undefined });

      // Act
      const { response, body } = await call(harness, route, `Bearer ${token}`);

      // Assess
      expectWebexError(response, body, 401);
    });

    it('echoes a sane caller TrackingID on an authorization failure', async () => {
      // Act
      const response = await fetch(`${harness.url}/v1/broadworks/subscribers`, {
        headers: { trackingid: 'CALLER_1234:abc' },
      });

      // Assess
      const body = (await response.json()) as ErrorBody;
      expect(response.status).toBe(401);
      expect(body.trackingId).toBe('CALLER_1234:abc');
      expect(response.headers.get('trackingid')).toBe('CALLER_1234:abc');
    });
  });
});
