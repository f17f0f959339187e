/** Ask Webex to resend the consent email of a subscriber in pending_user_migration (204); audit the attempt. */
import type { WebexResult } from '../ports/webex';
import { auditedMutation, type CallContext, type MutationDependencies } from './context';

export function resendConsent(
  deps: Omit<MutationDependencies, 'digester'>,
  context: CallContext,
  subscriberId: string,
): Promise<WebexResult<void>> {
  return auditedMutation(deps, context, {
    action: 'resendConsent',
    subscriberId,
    successStatusCode: 204,
    call: (options) => deps.webex.consentMove(subscriberId, options),
  });
}
