/** Building success responses, and the `Link` paging header pointing at THIS service. */
import type { ApiEvent, ApiResult } from './types';

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

/** 204: no body, no content type. */
export function noContent(): ApiResult {
  return { statusCode: 204, headers: {} };
}

/**
 * An HTML page. The pipeline's security headers middleware gives it the headers only HTML responses get
 * (Content-Security-Policy, cross-origin policies, Permissions-Policy…), with the route's own CSP directives
 * (`contentSecurityPolicy` of its operation).
 */
export function html(statusCode: number, body: string): ApiResult {
  return { statusCode, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body };
}

const HOST_PATTERN = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;

/**
 * This service's base URL as the caller reached it: `https://${requestContext.domainName}`, or `http://` when the
 * gateway says so in `x-forwarded-proto` (the local runtime). `undefined` when the domain is not a plain host name.
 */
export function publicBaseUrl(event: ApiEvent): string | undefined {
  const host = event.requestContext?.domainName;
  if (typeof host !== 'string' || !HOST_PATTERN.test(host)) return undefined;
  const proto = event.headers?.['x-forwarded-proto']?.split(',')[0]?.trim().toLowerCase();
  return `${proto === 'http' ? 'http' : 'https'}://${host}`;
}

/** The RFC 5988 `Link` header value for the next page of this very path with `query`, if the base URL is known. */
export function nextLink(event: ApiEvent, query: Record<string, string>): string | undefined {
  const base = publicBaseUrl(event);
  if (base === undefined) return undefined;
  const path = event.rawPath?.startsWith('/') ? event.rawPath : (event.requestContext?.http?.path ?? '/');
  const search = new URLSearchParams(query).toString();
  const safePath = path.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@%/]/g, (c) => encodeURIComponent(c));
  return `<${base}${safePath}${search ? `?${search}` : ''}>; rel="next"`;
}
