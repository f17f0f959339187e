/**
 * The operator console's page: one HTML shell for `/console`, `/console/orders/{orderId}` and
 * `/console/subscribers/{subscriberId}` (the script renders the view for the path), carrying the sign-in settings as
 * data attributes — no inline script or style, so the Content-Security-Policy allows only this origin's files and
 * connections to the identity provider.
 */
import { SCOPES } from '../catalog/route-scopes';

export interface ConsoleSettings {
  /** The OIDC issuer (the JWT authorizer's). */
  issuer: string;
  /** The console's OAuth client id. */
  clientId: string;
}

/** Scopes the console asks for: it reads orders and subscribers, and retries failed orders. */
export const CONSOLE_SCOPES = [SCOPES.read, SCOPES.write] as const;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderConsolePage(settings: ConsoleSettings): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Provisioning console</title><link rel="stylesheet" href="/console/assets/console.css"></head>
<body data-issuer="${escapeAttribute(settings.issuer)}" data-client-id="${escapeAttribute(settings.clientId)}" data-scopes="${escapeAttribute(CONSOLE_SCOPES.join(' '))}">
<header><a href="/console">Provisioning console</a>
<form id="search" role="search"><input name="q" aria-label="Search by orderId, userId or subscriberId" placeholder="orderId, userId or subscriberId"><button type="submit">Search</button></form>
<span id="who"></span></header>
<main id="app" aria-live="polite"><p>Loading…</p><noscript>The console needs JavaScript.</noscript></main>
<script src="/console/assets/console.js"></script>
</body></html>
`;
}

/**
 * The page's CSP directives on top of the service's defaults: scripts, styles and connections from this origin, and
 * connections to the identity provider (discovery and the token endpoint). The default `sandbox` would block scripts
 * and storage, so the page keeps only what it needs of it. `false` removes a default: `navigate-to` (never implemented;
 * Chromium logs it as unrecognized) and `upgrade-insecure-requests` (the API is https in AWS; the local runtime serves
 * plain http on 127.0.0.1, where there is nothing to upgrade).
 */
export function consoleCsp(issuer: string | undefined): Record<string, string | false> {
  let idp = '';
  try {
    if (issuer) idp = ` ${new URL(issuer).origin}`;
  } catch {
    idp = '';
  }
  return {
    'script-src': "'self'",
    'style-src': "'self'",
    'img-src': "'self' data:",
    'connect-src': `'self'${idp}`,
    sandbox: 'allow-scripts allow-same-origin allow-forms',
    'navigate-to': false,
    'upgrade-insecure-requests': false,
  };
}
