/**
 * Security headers: `@middy/http-security-headers` with its defaults (helmet's set; the Content-Security-Policy and the
 * other HTML-only headers on `text/html` responses), with the operation's extra CSP directives over the defaults.
 */
import httpSecurityHeaders from '@middy/http-security-headers';
import type { HttpMiddleware } from './request-state';

/** `contentSecurityPolicy`: the route's extra directives; `false` drops a default one. */
export function securityHeadersMiddleware(
  contentSecurityPolicy: Readonly<Record<string, string | false>> | undefined,
): HttpMiddleware {
  return httpSecurityHeaders(
    // `false` drops a default directive: the middleware skips falsy values (its types only say string).
    contentSecurityPolicy ? { contentSecurityPolicy: { ...contentSecurityPolicy } as Record<string, string> } : {},
  );
}
