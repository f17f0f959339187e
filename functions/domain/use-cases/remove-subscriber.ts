/** Remove a subscriber at Webex (204); audit the attempt. */
import type { WebexResult } from '../ports/webex';
import { auditedMutation, type CallContext, type MutationDependencies } from './context';

export function removeSubscriber(
  deps: Omit<MutationDependencies, 'digester'>,
  context: CallContext,
  subscriberId: string,
): Promise<WebexResult<void>> {
  return auditedMutation(deps, context, {
    action: 'remove',
    subscriberId,
    successStatusCode: 204,
    call: (options) => deps.webex.remove(subscriberId, options),
  });
}
