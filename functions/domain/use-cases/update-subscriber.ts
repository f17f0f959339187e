/** Update a subscriber at Webex (answered with the OLD values and `updating`); audit; follow it with the workflow. */
import { describeChanges } from '../audit';
import type { Subscriber, UpdateRequest } from '../contract/schemas';
import type { WebexResult } from '../ports/webex';
import {
  auditBase,
  type CallContext,
  failureFields,
  type MutationDependencies,
  startTracking,
  webexCallOptions,
  writeAudit,
} from './context';

export async function updateSubscriber(
  deps: MutationDependencies,
  context: CallContext,
  subscriberId: string,
  body: UpdateRequest,
): Promise<WebexResult<Subscriber>> {
  const changes = describeChanges(body, deps.digester);
  let result: WebexResult<Subscriber>;
  try {
    result = await deps.webex.update(subscriberId, body, webexCallOptions(context));
  } catch (error) {
    await writeAudit(deps, { ...auditBase(deps, context, 'update'), subscriberId, changes, ...failureFields(error) });
    throw error;
  }
  const trackingDetail = await startTracking(deps, context, subscriberId, 'update');
  await writeAudit(deps, {
    ...auditBase(deps, context, 'update'),
    subscriberId,
    changes,
    outcome: { result: 'success', statusCode: 200 },
    status: { to: result.value.status },
    ...(result.webexTrackingId === undefined ? {} : { webexTrackingId: result.webexTrackingId }),
    ...(trackingDetail === undefined ? {} : { detail: trackingDetail }),
  });
  return result;
}
