/**
 * The simulated Webex paths (under `/v1`, exactly as Webex spells them) and their operation ids.
 */
import type { OperationId } from './types';

export type RouteMatch =
  | { kind: 'operation'; operation: OperationId; subscriberId?: string }
  | { kind: 'methodNotAllowed'; allow: string[] }
  | { kind: 'notFound' };

function decodeSegment(segment: string): string | undefined {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded.length > 0 ? decoded : undefined;
  } catch {
    return undefined;
  }
}

function byMethod(method: string, table: Partial<Record<string, OperationId>>, subscriberId?: string): RouteMatch {
  const operation = table[method];
  if (operation)
    return subscriberId === undefined
      ? { kind: 'operation', operation }
      : { kind: 'operation', operation, subscriberId };
  return { kind: 'methodNotAllowed', allow: Object.keys(table) };
}

/** Match a request path (without query) and method to a Webex operation. */
export function matchRoute(method: string, path: string): RouteMatch {
  if (path === '/v1/access_token') return byMethod(method, { POST: 'accessToken' });
  if (path === '/v1/broadworks/subscribers') {
    return byMethod(method, { GET: 'listSubscribers', POST: 'provisionSubscriber' });
  }
  const segments = path.split('/');
  // ['', 'v1', 'broadworks', 'subscribers', '{id}']
  if (segments.length === 5 && segments[1] === 'v1' && segments[2] === 'broadworks' && segments[3] === 'subscribers') {
    const raw = segments[4] ?? '';
    const subscriberId = decodeSegment(raw);
    if (subscriberId === undefined) return { kind: 'notFound' };
    const item = { GET: 'getSubscriber', PUT: 'updateSubscriber', DELETE: 'removeSubscriber' } as const;
    // `validate` is the Precheck path for POST; other methods read it as a subscriber id (which does not exist).
    if (raw === 'validate') return byMethod(method, { ...item, POST: 'precheckSubscriber' }, subscriberId);
    return byMethod(method, item, subscriberId);
  }
  // ['', 'v1', 'subscribers', '{id}', 'emails', 'consentMove']
  if (
    segments.length === 6 &&
    segments[1] === 'v1' &&
    segments[2] === 'subscribers' &&
    segments[4] === 'emails' &&
    segments[5] === 'consentMove'
  ) {
    const subscriberId = decodeSegment(segments[3] ?? '');
    if (subscriberId === undefined) return { kind: 'notFound' };
    return byMethod(method, { POST: 'resendConsent' }, subscriberId);
  }
  return { kind: 'notFound' };
}
