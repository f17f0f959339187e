import httpSecurityHeaders from '@middy/http-security-headers';
import { describe, expect, it } from 'vitest';
import { createHttpHandler } from '../../functions/http/handler';
import { html, json, noContent } from '../../functions/http/responses';
import { securityHeaders } from '../../functions/http/security-headers';
import type { ApiResult } from '../../functions/http/types';
import { DOCS_STYLE_HASH } from '../../functions/openapi/docs-page';
import { createLogger } from '../../functions/shared/logger';
import { buildEvent, lambdaContext } from '../support/apigw-event';

type Headers = Record<string, string | number | boolean>;

const PAGE = '<p>hi</p>';
/** An HTML response as a handler wrote it before `html()` added any security header: what the middleware was given. */
const BARE_PAGE: ApiResult = { statusCode: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: PAGE };

/**
 * What the API answered with `@middy/http-security-headers` (6.x, default options) and our extra two headers: the
 * middleware's output with the empty and undefined values dropped, as the pipeline's last step drops them.
 */
async function withMiddy(response: ApiResult, extraCsp?: Record<string, string>): Promise<Headers> {
  const request = { response: structuredClone(response) };
  const middleware = httpSecurityHeaders(extraCsp ? { contentSecurityPolicy: extraCsp } : {});
  await (middleware.after as (r: typeof request) => Promise<void>)(request);
  const headers: Headers = { ...request.response.headers, 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' };
  return Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined && v !== ''));
}

/** The same response as our code builds it (`html()` for pages), then the pipeline's security headers. */
function withConstants(response: ApiResult): Headers {
  const headers = { ...response.headers };
  securityHeaders()(headers);
  return headers;
}

describe('security headers as constants', () => {
  it.each([
    ['a JSON response', json(200, { ok: true }), json(200, { ok: true }), undefined],
    ['a 204 response', noContent(), noContent(), undefined],
    ['an error response', json(404, { message: 'no' }), json(404, { message: 'no' }), undefined],
    ['an HTML response', BARE_PAGE, html(200, PAGE), undefined],
    [
      'an HTML response with an extra CSP directive',
      BARE_PAGE,
      html(200, PAGE, { 'style-src': DOCS_STYLE_HASH }),
      { 'style-src': DOCS_STYLE_HASH },
    ],
    [
      'an HTML response that overrides a default directive',
      BARE_PAGE,
      html(200, PAGE, { sandbox: 'allow-forms' }),
      { sandbox: 'allow-forms' },
    ],
  ])('sets exactly the headers @middy/http-security-headers set on %s', async (_name, bare, ours, extraCsp) => {
    // Act
    const expected = await withMiddy(bare, extraCsp);
    const actual = withConstants(ours);

    // Assess
    expect(actual).toEqual(expected);
  });

  it('removes Server and X-Powered-By', () => {
    // Prepare
    const headers: Headers = { Server: 'nginx', 'X-Powered-By': 'Express', 'Content-Type': 'application/json' };

    // Act
    securityHeaders()(headers);

    // Assess
    expect(headers).not.toHaveProperty('Server');
    expect(headers).not.toHaveProperty('X-Powered-By');
  });

  it('answers the documentation page with the same headers as before, through the whole pipeline', async () => {
    // Prepare
    const handler = createHttpHandler({
      operationId: 'getApiDocs',
      logger: createLogger({}, { level: 'silent' }),
      handle: async () => html(200, PAGE, { 'style-src': DOCS_STYLE_HASH }),
    });

    // Act
    const result = await handler(buildEvent('getApiDocs', { claims: null }), lambdaContext());

    // Assess
    const { TrackingID: _trackingId, ...headers } = result.headers;
    expect(headers).toEqual(await withMiddy(BARE_PAGE, { 'style-src': DOCS_STYLE_HASH }));
  });

  it('answers an error on the documentation route without the HTML-only headers, as before', async () => {
    // Prepare
    const handler = createHttpHandler({
      operationId: 'getApiDocs',
      logger: createLogger({}, { level: 'silent' }),
      handle: async () => {
        throw new Error('boom');
      },
    });

    // Act
    const result = await handler(buildEvent('getApiDocs', { claims: null }), lambdaContext());

    // Assess
    const { TrackingID: _trackingId, ...headers } = result.headers;
    expect(result.statusCode).toBe(500);
    expect(headers).toEqual(await withMiddy(json(500, {})));
  });
});
