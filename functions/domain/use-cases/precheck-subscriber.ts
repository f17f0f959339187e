/** Precheck a provisioning at Webex (email only, or the whole payload); audit the attempt with digested values. */
import { describeChanges } from '../audit';
import type { PrecheckRequest, PrecheckResponse } from '../contract/schemas';
import type { WebexResult } from '../ports/webex';
import {
  auditBase,
  type CallContext,
  failureFields,
  type MutationDependencies,
  webexCallOptions,
  writeAudit,
} from './context';

export async function precheckSubscriber(
  deps: Omit<MutationDependencies, 'tracker'>,
  context: CallContext,
  body: PrecheckRequest,
): Promise<WebexResult<PrecheckResponse>> {
  const changes = describeChanges(body, deps.digester);
  let result: WebexResult<PrecheckResponse>;
  try {
    result = await deps.webex.precheck(body, webexCallOptions(context));
  } catch (error) {
    await writeAudit(deps, { ...auditBase(deps, context, 'precheck'), changes, ...failureFields(error) });
    throw error;
  }
  await writeAudit(deps, {
    ...auditBase(deps, context, 'precheck'),
    changes,
    outcome: { result: 'success', statusCode: 200 },
    ...(result.webexTrackingId === undefined ? {} : { webexTrackingId: result.webexTrackingId }),
  });
  return result;
}
