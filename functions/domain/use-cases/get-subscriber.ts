/** Read one subscriber from Webex. Reads are not audited. */
import type { Subscriber } from '../contract/subscriber';
import type { WebexResult, WebexSubscribersPort } from '../ports/webex';
import { type CallContext, webexCallOptions } from './context';

export function getSubscriber(
  deps: { webex: WebexSubscribersPort },
  context: CallContext,
  subscriberId: string,
): Promise<WebexResult<Subscriber>> {
  return deps.webex.get(subscriberId, webexCallOptions(context));
}
