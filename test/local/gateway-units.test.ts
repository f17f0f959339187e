import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/catalog/routes';
import {
  collectHeaders,
  formatRequestTime,
  isTextContentType,
  parseQuery,
  stringifyClaims,
} from '../../local/gateway/event';
import { mapHandlerResult } from '../../local/gateway/response';
import { compileRoutes, matchRoute } from '../../local/gateway/router';
import { bearerToken } from '../../local/gateway/server';

describe('matchRoute', () => {
  const compiled = compileRoutes(ROUTES);

  it('matches every route of the table by its own method and path', () => {
    for (const route of ROUTES) {
      // Prepare
      const path = route.path.replace(/\{[^}]+\}/g, 'abc');

      // Act
      const match = matchRoute(compiled, route.method, path);

      // Assess
      expect(match).toMatchObject({ kind: 'matched', routeKey: `${route.method} ${route.path}` });
    }
  });

  it('extracts path parameters, decoded', () => {
    // Act
    const match = matchRoute(compiled, 'POST', '/v1/subscribers/a%2Bb%3D/emails/consentMove');

    // Assess
    expect(match).toEqual({
      kind: 'matched',
      route: expect.objectContaining({ operationId: 'resendConsent' }),
      routeKey: 'POST /v1/subscribers/{subscriberId}/emails/consentMove',
      pathParameters: { subscriberId: 'a+b=' },
    });
  });

  it('does not match an empty parameter segment or a trailing slash', () => {
    // Act
    const empty = matchRoute(compiled, 'GET', '/v1/broadworks/subscribers/');
    const trailing = matchRoute(compiled, 'GET', '/v1/broadworks/subscribers/abc/');

    // Assess
    expect(empty).toEqual({ kind: 'not-found' });
    expect(trailing).toEqual({ kind: 'not-found' });
  });

  it('reports the methods of a known path as method-not-allowed', () => {
    // Act
    const match = matchRoute(compiled, 'DELETE', '/v1/orders');

    // Assess
    expect(match).toEqual({ kind: 'method-not-allowed', allow: expect.arrayContaining(['GET', 'POST']) });
  });

  it('refuses a route table with a duplicate route key', () => {
    // Prepare
    const first = ROUTES[0] as (typeof ROUTES)[number];

    // Act + Assess
    expect(() => compileRoutes([first, { ...first, operationId: 'other' }])).toThrow(/Duplicate route/);
  });
});

describe('payload 2.0 helpers', () => {
  it('lower-cases header names and joins repeated headers with a comma', () => {
    // Act
    const headers = collectHeaders(['Accept', 'a', 'X-Dup', '1', 'x-dup', '2', 'Host', 'h']);

    // Assess
    expect(headers).toEqual({ accept: 'a', 'x-dup': '1,2', host: 'h' });
  });

  it('decodes query parameters and joins repeated ones with a comma', () => {
    // Act + Assess
    expect(parseQuery('a=1&b=x%40y.z&a=2&c=')).toEqual({ a: '1,2', b: 'x@y.z', c: '' });
    expect(parseQuery('')).toBeUndefined();
  });

  it('passes JSON, text and form bodies as text and everything else as binary', () => {
    // Act + Assess
    expect(isTextContentType('application/json; charset=utf-8')).toBe(true);
    expect(isTextContentType('application/problem+json')).toBe(true);
    expect(isTextContentType('text/plain')).toBe(true);
    expect(isTextContentType('application/octet-stream')).toBe(false);
    expect(isTextContentType('image/png')).toBe(false);
    expect(isTextContentType(undefined)).toBe(false);
  });

  it('formats the request time as API Gateway does', () => {
    // Act + Assess
    expect(formatRequestTime(Date.UTC(2020, 2, 12, 19, 3, 58))).toBe('12/Mar/2020:19:03:58 +0000');
  });

  it('turns every claim into a string', () => {
    // Act
    const claims = stringifyClaims({ exp: 1700000000, admin: true, groups: ['a', 'b'], obj: { k: 1 }, sub: 's' });

    // Assess
    expect(claims).toEqual({ exp: '1700000000', admin: 'true', groups: '[a b]', obj: '{"k":1}', sub: 's' });
  });

  it('reads the token from the Authorization header with or without the Bearer prefix', () => {
    // Act + Assess
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc')).toBe('abc');
    expect(bearerToken('abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('mapHandlerResult', () => {
  it('keeps an empty body for a structured result without one', () => {
    // Act
    const mapped = mapHandlerResult({ statusCode: 204 });

    // Assess
    expect(mapped).toEqual({
      kind: 'response',
      response: { statusCode: 204, headers: {}, cookies: [], body: Buffer.alloc(0) },
    });
  });

  it('serializes arrays and numbers as JSON bodies of a 200', () => {
    // Act
    const array = mapHandlerResult([1, 2]);
    const number = mapHandlerResult(5);

    // Assess
    expect(array).toMatchObject({ kind: 'response', response: { statusCode: 200 } });
    expect(array.kind === 'response' && array.response.body.toString()).toBe('[1,2]');
    expect(number.kind === 'response' && number.response.body.toString()).toBe('5');
  });

  it('reports a body flagged base64 that is not base64', () => {
    // Act
    const mapped = mapHandlerResult({ statusCode: 200, body: 'not base64!', isBase64Encoded: true });

    // Assess
    expect(mapped).toEqual({ kind: 'invalid', reason: 'body is not valid base64' });
  });

  it('reports a result that cannot be serialized', () => {
    // Prepare
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    // Act
    const mapped = mapHandlerResult(cyclic);

    // Assess
    expect(mapped.kind).toBe('invalid');
  });
});
