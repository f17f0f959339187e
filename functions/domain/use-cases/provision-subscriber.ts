/** Provision a subscriber at Webex; audit the attempt; follow it with the workflow when one is configured. */
import { describeChanges } from '../audit';
import type { ProvisionRequest, Subscriber } from '../contract/schemas';
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

export async function provisionSubscriber(
  deps: MutationDependencies,
  context: CallContext,
  body: ProvisionRequest,
): Promise<WebexResult<Subscriber>> {
  const changes = describeChanges(body, deps.digester);
  let result: WebexResult<Subscriber>;
  try {
    result = await deps.webex.provision(body, webexCallOptions(context));
  } catch (error) {
    await writeAudit(deps, { ...auditBase(deps, context, 'provision'), changes, ...failureFields(error) });
    throw error;
  }
  const subscriber = result.value;
  const trackingDetail = await startTracking(deps, context, subscriber.id, 'provision');
  await writeAudit(deps, {
    ...auditBase(deps, context, 'provision'),
    subscriberId: subscriber.id,
    changes,
    outcome: { result: 'success', statusCode: 200 },
    status: { to: subscriber.status },
    ...(result.webexTrackingId === undefined ? {} : { webexTrackingId: result.webexTrackingId }),
    ...(trackingDetail === undefined ? {} : { detail: trackingDetail }),
  });
  return result;
}
