/** Update a subscriber at Webex (answered with the OLD values and `updating`); audit with the request to follow it with the workflow. */
import { describeChanges } from '../audit';
import type { Subscriber } from '../contract/subscriber';
import type { UpdateRequest } from '../contract/update-request';
import type { WebexResult } from '../ports/webex';
import { auditedMutation, type CallContext, followRequest, type MutationDependencies } from './context';

export function updateSubscriber(
  deps: MutationDependencies,
  context: CallContext,
  subscriberId: string,
  body: UpdateRequest,
): Promise<WebexResult<Subscriber>> {
  return auditedMutation(deps, context, {
    action: 'update',
    subscriberId,
    changes: describeChanges(body, deps.digester),
    successStatusCode: 200,
    call: (options) => deps.webex.update(subscriberId, body, options),
    onSuccess: ({ value: subscriber }) => {
      return { status: { to: subscriber.status }, ...followRequest(context, subscriberId, 'update') };
    },
  });
}
