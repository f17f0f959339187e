/** Ask Webex to resend the consent email of a subscriber in pending_user_migration (204); audit the attempt. */
import type { WebexResult } from '../ports/webex';
import {
  auditBase,
  type CallContext,
  failureFields,
  type MutationDependencies,
  webexCallOptions,
  writeAudit,
} from './context';

export async function resendConsent(
  deps: Omit<MutationDependencies, 'digester' | 'tracker'>,
  context: CallContext,
  subscriberId: string,
): Promise<WebexResult<void>> {
  let result: WebexResult<void>;
  try {
    result = await deps.webex.consentMove(subscriberId, webexCallOptions(context));
  } catch (error) {
    await writeAudit(deps, { ...auditBase(deps, context, 'resendConsent'), subscriberId, ...failureFields(error) });
    throw error;
  }
  await writeAudit(deps, {
    ...auditBase(deps, context, 'resendConsent'),
    subscriberId,
    outcome: { result: 'success', statusCode: 204 },
    ...(result.webexTrackingId === undefined ? {} : { webexTrackingId: result.webexTrackingId }),
  });
  return result;
}
