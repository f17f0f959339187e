/** Precheck a provisioning at Webex (email only, or the whole payload); audit the attempt with digested values. */
import { describeChanges } from '../audit';
import type { PrecheckRequest } from '../contract/precheck-request';
import type { PrecheckResponse } from '../contract/responses';
import type { WebexResult } from '../ports/webex';
import { auditedMutation, type CallContext, type MutationDependencies } from './context';

export function precheckSubscriber(
  deps: MutationDependencies,
  context: CallContext,
  body: PrecheckRequest,
): Promise<WebexResult<PrecheckResponse>> {
  return auditedMutation(deps, context, {
    action: 'precheck',
    changes: describeChanges(body, deps.digester),
    successStatusCode: 200,
    call: (options) => deps.webex.precheck(body, options),
  });
}
