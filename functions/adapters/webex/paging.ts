/**
 * Paging of Webex's subscriber list: the next page's query from the `Link` header (an unreadable link is an
 * `UpstreamProtocolError`, 502), and every page in turn (a link seen twice is one too: it would loop forever).
 */
import type { ListQuery } from '../../domain/contract/list-query';
import type { Subscriber } from '../../domain/contract/subscriber';
import { UpstreamProtocolError } from '../../domain/errors';
import type { SubscriberPage, WebexCallOptions, WebexResult } from '../../domain/ports/webex';
import type { RawResponse } from './exchange';
import { nextPageQuery } from './headers';

/** The query of the page after `response`, or undefined on the last page. */
export function nextQueryOf(response: RawResponse): Record<string, string> | undefined {
  try {
    return nextPageQuery(response.headers.get('link'), response.url);
  } catch (error) {
    throw new UpstreamProtocolError('Webex answered a paging link that is not a URL.', {
      status: 502,
      webexTrackingId: response.webexTrackingId,
      cause: error,
    });
  }
}

/** Every subscriber of every page, `list` called once per page. */
export async function* allPages(
  list: (query: ListQuery, options: WebexCallOptions) => Promise<WebexResult<SubscriberPage>>,
  query: ListQuery,
  options: WebexCallOptions,
): AsyncIterable<Subscriber> {
  let current: ListQuery = query;
  const seen = new Set<string>();
  for (;;) {
    const page = await list(current, options);
    yield* page.value.items;
    const next = page.value.nextQuery;
    if (!next) return;
    const key = new URLSearchParams(next).toString();
    if (seen.has(key)) {
      throw new UpstreamProtocolError('Webex answered the same paging link twice.', {
        status: 502,
        webexTrackingId: page.webexTrackingId,
      });
    }
    seen.add(key);
    current = next;
  }
}
