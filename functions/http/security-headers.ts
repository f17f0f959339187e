/**
 * The security headers of the API's responses, as constants: exactly what `@middy/http-security-headers` 6 sets with
 * its defaults (helmet's set), plus `Cache-Control: no-store` and `X-Frame-Options: DENY` on every response. The
 * middleware computed these same strings from its option objects on each response; constants keep the headers and drop
 * 4 KB from every API bundle (cold start). `test/api/security-headers.test.ts` proves the equivalence against the
 * middleware itself (a devDependency), for JSON and HTML responses, with and without extra CSP directives.
 *
 * Two parts: `securityHeaders()` (the pipeline, every response) and `htmlSecurityHeaders()` (the Content-Security-Policy
 * and the other headers the middleware put on `text/html` responses only), which `html()` in `responses.ts` puts on the
 * response it builds, so only the documentation page's bundle carries them. Everything at module level is a literal,
 * so a bundle that never builds an HTML response drops it.
 */

/** Set on every response. */
const EVERY_RESPONSE: Readonly<Record<string, string>> = {
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains; preload',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Permitted-Cross-Domain-Policies': 'none',
};

/** The default Content-Security-Policy directives, in the middleware's order ('' = a directive without a value). */
const CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'none'",
  'base-uri': "'none'",
  sandbox: '',
  'form-action': "'none'",
  'frame-ancestors': "'none'",
  'navigate-to': "'none'",
  'report-to': 'csp',
  'require-trusted-types-for': "'script'",
  'trusted-types': "'none'",
  'upgrade-insecure-requests': '',
};

/** Every feature the middleware's default Permissions-Policy denies, in its order. */
const PERMISSIONS_POLICY =
  'accelerometer=(), ambient-light-sensor=(), autoplay=(), battery=(), camera=(), cross-origin-isolated=(), ' +
  'display-capture=(), document-domain=(), encrypted-media=(), execution-while-not-rendered=(), ' +
  'execution-while-out-of-viewport=(), fullscreen=(), geolocation=(), gyroscope=(), keyboard-map=(), magnetometer=(), ' +
  'microphone=(), midi=(), navigation-override=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), ' +
  'screen-wake-lock=(), sync-xhr=(), usb=(), web-share=(), xr-spatial-tracking=(), clipboard-read=(), ' +
  'clipboard-write=(), gamepad=(), speaker-selection=(), conversion-measurement=(), ' +
  'focus-without-user-activation=(), hid=(), idle-detection=(), interest-cohort=(), serial=(), sync-script=(), ' +
  'trust-token-redemption=(), window-placement=(), vertical-scroll=()';

/** Set on HTML responses only (the documentation page), besides the Content-Security-Policy. */
const HTML_ONLY: Readonly<Record<string, string>> = {
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': PERMISSIONS_POLICY,
  'X-XSS-Protection': '1; mode=block; report=xss',
};

/** The Content-Security-Policy of an HTML response: the defaults, then the route's extra directives. */
export function contentSecurityPolicy(extra: Readonly<Record<string, string>> = {}): string {
  const directives: Record<string, string> = { ...CSP_DIRECTIVES, ...extra };
  let policy = Object.entries(directives)
    .filter(([, value]) => value !== '')
    .map(([directive, value]) => `${directive} ${value}`)
    .join('; ');
  // The valueless directives go last, as the middleware writes them.
  if (directives.sandbox === '') policy += '; sandbox';
  if (directives['upgrade-insecure-requests'] === '') policy += '; upgrade-insecure-requests';
  return policy;
}

type Headers = Record<string, string | number | boolean>;

/** The headers of an HTML response (the documentation page): its Content-Security-Policy and the HTML-only set. */
export function htmlSecurityHeaders(extraCsp?: Readonly<Record<string, string>>): Record<string, string> {
  return { 'Content-Security-Policy': contentSecurityPolicy(extraCsp), ...HTML_ONLY };
}

/** A function that puts the security headers of every response on a response's headers (in place). */
export function securityHeaders(): (headers: Headers) => void {
  return (headers) => {
    Object.assign(headers, EVERY_RESPONSE);
    // Never tell what runs behind the API.
    delete headers.Server;
    delete headers['X-Powered-By'];
    headers['Cache-Control'] = 'no-store';
    headers['X-Frame-Options'] = 'DENY';
  };
}
