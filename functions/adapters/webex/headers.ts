/**
 * Reading the HTTP headers Webex uses for flow control and paging: `Retry-After` (RFC 9110 §10.2.3) and `Link`
 * (RFC 8288, formerly RFC 5988).
 */

/**
 * Seconds to wait according to a `Retry-After` value: either whole seconds (`120`) or an HTTP-date. A date is measured
 * against the response's own `Date` header when there is one (so clock skew between Webex and us does not matter),
 * else against `nowMs`. A date in the past means 0. Returns `undefined` when the value is absent or unreadable.
 */
export function parseRetryAfterSeconds(
  value: string | null | undefined,
  nowMs: number,
  responseDate?: string | null,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed);
  // Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with the weekday; refuse anything else rather than
  // let a lenient date parser guess.
  if (!/^[A-Za-z]{3,9},?\s+\S/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  const reference = responseDate ? Date.parse(responseDate) : Number.NaN;
  const base = Number.isNaN(reference) ? nowMs : reference;
  return Math.max(0, Math.ceil((at - base) / 1000));
}

export interface LinkValue {
  url: string;
  rels: string[];
}

/**
 * All links of a `Link` header value: `<url>; rel="next", <url2>; rel="prev"` (the header may also be sent several
 * times; `Headers.get` joins those with `, `, which this reads the same way). URLs are returned as written.
 */
export function parseLinkHeader(value: string | null | undefined): LinkValue[] {
  if (!value) return [];
  const links: LinkValue[] = [];
  // A URL sits between < and >; its parameters run until the next <.
  for (const match of value.matchAll(/<([^>]*)>([^<]*)/g)) {
    const url = (match[1] ?? '').trim();
    const params = match[2] ?? '';
    const rels: string[] = [];
    for (const param of params.split(';')) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      const name = param.slice(0, eq).trim().toLowerCase();
      if (name !== 'rel') continue;
      const raw = param
        .slice(eq + 1)
        .trim()
        .replace(/,\s*$/, '')
        .replace(/^"(.*)"$/, '$1');
      rels.push(...raw.toLowerCase().split(/\s+/).filter(Boolean));
    }
    if (url) links.push({ url, rels });
  }
  return links;
}

/**
 * The query parameters of the `rel="next"` link, resolved against the URL of the request that returned it, or
 * `undefined` when there is no next link (the last page). Throws `TypeError` when the next link is not a URL.
 */
export function nextPageQuery(
  linkHeader: string | null | undefined,
  requestUrl: string,
): Record<string, string> | undefined {
  const next = parseLinkHeader(linkHeader).find((link) => link.rels.includes('next'));
  if (!next) return undefined;
  // Throws a TypeError on a URL that does not parse: the caller must not mistake a broken link for the last page.
  const url = new URL(next.url, requestUrl);
  return Object.fromEntries(url.searchParams.entries());
}
