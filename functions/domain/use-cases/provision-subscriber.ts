/** Provision a subscriber at Webex; audit the attempt; follow it with the workflow when one is configured. */
import { describeChanges } from '../audit';
import type { ProvisionRequest, Subscriber } from '../contract/schemas';
import type { WebexResult } from '../ports/webex';
import { auditedMutation, type CallContext, type MutationDependencies, startTracking } from './context';

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
    onSuccess: async ({ value: subscriber }) => {
      const detail = await startTracking(deps, context, subscriber.id, 'provision');
      return {
        subscriberId: subscriber.id,
        status: { to: subscriber.status },
        ...(detail === undefined ? {} : { detail }),
      };
    },
  });
}
