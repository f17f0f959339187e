/**
 * The API's security headers come from `@middy/http-security-headers` (defaults) in the shared pipeline, plus
 * `Cache-Control: no-store` and `X-Frame-Options: DENY` on every response; HTML pages get the HTML-only set with their
 * route's extra Content-Security-Policy directives.
 */
import { describe, expect, it } from 'vitest';
import { createHttpHandler } from '../../functions/http/handler';
import { html, json } from '../../functions/http/responses';
import { DOCS_STYLE_HASH } from '../../functions/openapi/docs-page';
import { createLogger } from '../../functions/shared/logger';
import { buildEvent, lambdaContext } from '../support/apigw-event';

const quiet = createLogger({}, { level: 'silent' });

const EVERY_RESPONSE = {
  'Cache-Control': 'no-store',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains; preload',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'DENY',
  'X-Permitted-Cross-Domain-Policies': 'none',
};

describe('security headers', () => {
  it('are on a JSON answer, without Server or X-Powered-By and without the HTML-only headers', async () => {
    // Prepare
    const handler = createHttpHandler({
      operationId: 'getApiDocs',
      logger: quiet,
      handle: async () => ({ ...json(200, { ok: true }), headers: { Server: 'nginx', 'X-Powered-By': 'Express' } }),
    });

    // Act
    const result = await handler(buildEvent('getApiDocs', { claims: null }), lambdaContext());

    // Assess
    expect(result.headers).toMatchObject(EVERY_RESPONSE);
    expect(result.headers).not.toHaveProperty('Server');
    expect(result.headers).not.toHaveProperty('X-Powered-By');
    expect(result.headers).not.toHaveProperty('Content-Security-Policy');
  });

  it("give the documentation page its Content-Security-Policy with the route's style hash", async () => {
    // Prepare
    const handler = createHttpHandler({
      operationId: 'getApiDocs',
      logger: quiet,
      contentSecurityPolicy: { 'style-src': DOCS_STYLE_HASH },
      handle: async () => html(200, '<p>hi</p>'),
    });

    // Act
    const result = await handler(buildEvent('getApiDocs', { claims: null }), lambdaContext());

    // Assess
    expect(result.headers).toMatchObject({
      ...EVERY_RESPONSE,
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-XSS-Protection': '1; mode=block; report=xss',
    });
    const csp = String(result.headers?.['Content-Security-Policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src ${DOCS_STYLE_HASH}`);
    expect(csp.endsWith('; sandbox; upgrade-insecure-requests')).toBe(true);
    expect(String(result.headers?.['Permissions-Policy'])).toContain('camera=()');
  });

  it('answer an error on the documentation route without the HTML-only headers', async () => {
    // Prepare
    const handler = createHttpHandler({
      operationId: 'getApiDocs',
      logger: quiet,
      contentSecurityPolicy: { 'style-src': DOCS_STYLE_HASH },
      handle: async () => {
        throw new Error('boom');
      },
    });

    // Act
    const result = await handler(buildEvent('getApiDocs', { claims: null }), lambdaContext());

    // Assess
    expect(result.statusCode).toBe(500);
    expect(result.headers).toMatchObject(EVERY_RESPONSE);
    expect(result.headers).not.toHaveProperty('Content-Security-Policy');
  });
});
