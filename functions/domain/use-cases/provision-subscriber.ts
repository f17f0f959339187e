/** Provision a subscriber at Webex; audit the attempt; the audit record carries the request to follow it with the workflow. */
import { describeChanges } from '../audit';
import type { ProvisionRequest } from '../contract/provision-request';
import type { Subscriber } from '../contract/subscriber';
import type { WebexResult } from '../ports/webex';
import { auditedMutation, type CallContext, followRequest, type MutationDependencies } from './context';

export function provisionSubscriber(
  deps: MutationDependencies,
  context: CallContext,
  body: ProvisionRequest,
): Promise<WebexResult<Subscriber>> {
  return auditedMutation(deps, context, {
    action: 'provision',
    changes: describeChanges(body, deps.digester),
    successStatusCode: 200,
    call: (options) => deps.webex.provision(body, options),
    onSuccess: ({ value: subscriber }) => {
      return {
        subscriberId: subscriber.id,
        status: { to: subscriber.status },
        ...followRequest(context, subscriber.id, 'provision'),
      };
    },
  });
}
