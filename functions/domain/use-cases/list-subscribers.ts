/** One page of subscribers from Webex, with the query of Webex's next page (if any). Reads are not audited. */
import type { ListQuery } from '../contract/list-query';
import type { SubscriberPage, WebexResult, WebexSubscribersPort } from '../ports/webex';
import { type CallContext, webexCallOptions } from './context';

export async function listSubscribers(
  deps: { webex: WebexSubscribersPort },
  context: CallContext,
  query: ListQuery,
): Promise<WebexResult<SubscriberPage>> {
  const result = await deps.webex.list(query, webexCallOptions(context));
  const nextQuery = result.value.nextQuery;
  // Keep the caller's page size on every page, even if Webex's next link leaves it out.
  if (nextQuery !== undefined && nextQuery.max === undefined && typeof query.max === 'string') {
    return { ...result, value: { ...result.value, nextQuery: { ...nextQuery, max: query.max } } };
  }
  return result;
}
