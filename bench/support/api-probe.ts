/**
 * The API probe of the bulk benchmark: a subscriber provisioned before the run, and Gets of it through the REAL
 * `get-subscriber` handler (as API Gateway invokes it), timed on the benchmark's clock.
 */
import { buildEvent, lambdaContext } from '../../test/support/apigw-event';
import type { ScaledClock } from './scaled-clock';
import { benchOrder, type WorkflowRig } from './workflow-rig';

/** The probe order, started on its own (setup, before the run): its subscriber is what the API Gets read. */
export async function provisionProbe(rig: WorkflowRig): Promise<string> {
  const probe = benchOrder('probe');
  const { executionArn } = rig.engine.startExecution({
    stateMachineArn: rig.engine.stateMachineArn,
    name: probe.orderId,
    input: JSON.stringify(probe),
  });
  const end = await rig.engine.waitForExecution(executionArn);
  const output = JSON.parse(end.output ?? '{}') as {
    subscriber?: { id?: string };
    result?: { subscriber?: { id?: string } };
  };
  const id = output.subscriber?.id ?? output.result?.subscriber?.id;
  if (id === undefined) throw new Error(`the probe order did not succeed: ${end.status}`);
  return id;
}

/** One API Get through the real handler (as API Gateway invokes it): its status and latency in simulated ms. */
export async function apiGet(clock: ScaledClock, subscriberId: string): Promise<{ status: number; ms: number }> {
  const { handler } = await import('../../functions/api/get-subscriber');
  const started = clock.now();
  const result = (await handler(
    buildEvent('getSubscriber', { pathParameters: { subscriberId } }),
    lambdaContext(),
  )) as {
    statusCode: number;
  };
  return { status: result.statusCode, ms: clock.now() - started };
}
