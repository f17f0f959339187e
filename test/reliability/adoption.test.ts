/**
 * Adoption after a lost Provision answer (its retry is answered 409), as the soak's storm mix exercised it:
 * - when Webex throttles the lookup (List), the retry must retry the lookup — not the Provision: under a steady rate
 *   limit a repeated Provision takes the only request the limit allows, the lookup is throttled again, and the order
 *   never ends;
 * - when the subscriber the lost call created has meanwhile ended in `error`, it is still the order's subscriber: the
 *   order fails with its background errors and its transition to `error` is audited, not blamed on someone else.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FaultHarness, startFaultHarness } from './support/fault-harness';
import { orderOf } from './support/scenario';

let h: FaultHarness;

beforeAll(async () => {
  h = await startFaultHarness({ seed: 1 });
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => {
  h.reset(1);
});

/** Stop the execution once a task has been invoked `limit` times: a livelock fails the test instead of hanging it. */
function stopAfter(limit: number) {
  let invocations = 0;
  const { engine } = h;
  const arn = (name: string) => engine.executionArnOf(name);
  return {
    count: () => invocations,
    watch(name: string) {
      const timer = setInterval(() => {
        invocations = engine.getExecutionHistory({ executionArn: arn(name), maxResults: 1000 }).events.length;
        if (invocations > limit) engine.stopExecution({ executionArn: arn(name), error: 'Livelock' });
      }, 5);
      return () => clearInterval(timer);
    },
  };
}

describe('provisioning workflow: adoption after a lost Provision answer', () => {
  it('retries the throttled lookup, not the Provision, and adopts the existing subscriber', async () => {
    // Prepare: Provision's answer is lost (its retry is answered 409), and Webex allows one request per second
    const order = orderOf('direct', 'throttled-adoption-1');
    h.crashes.set(order.orderId, { task: 'provision', point: 'after' });
    h.sim.setFaults({ rateLimit: { requestsPerSecond: 1 }, operations: ['provisionSubscriber', 'listSubscribers'] });
    const guard = stopAfter(400);
    const unwatch = guard.watch(order.orderId);

    // Act
    const execution = await h.run(order.input, order.orderId).finally(unwatch);

    // Assess
    expect(execution.error).toBeUndefined();
    expect(execution.status).toBe('SUCCEEDED');
    const calls = h.sim.stats().requests.byOperation;
    expect(calls.provisionSubscriber?.byStatus[200]).toBe(1);
    expect(calls.provisionSubscriber?.byStatus[409]).toBe(1);
    expect(calls.listSubscribers?.byStatus[429]).toBeGreaterThan(0);
    expect(calls.listSubscribers?.byStatus[200]).toBe(1);
    const records = await h.orderRecords(order.orderId);
    const created = records.find((r) => r.step === 'provision')?.subscriberId;
    expect(created).toEqual(expect.any(String));
    expect(records.filter((r) => r.step === 'adopt').map((r) => r.subscriberId)).toEqual([created]);
  });

  it("fails with the background errors of the order's own subscriber when it ended in error meanwhile", async () => {
    // Prepare: the answer is lost, and the retry comes after Webex has finished (and failed) the background work
    const order = orderOf('backgroundError', 'adopt-error-1');
    h.crashes.set(order.orderId, { task: 'provision', point: 'after', onCrash: () => h.clock.advance(120_000) });

    // Act
    const execution = await h.run(order.input, order.orderId);

    // Assess
    expect(execution.error).toBe('ProvisioningFailed');
    const cause = JSON.parse(execution.cause ?? '{}') as { errors?: Array<{ errorCode?: number }>; detail?: string };
    expect(cause.errors).toEqual([expect.objectContaining({ errorCode: 1002 })]);
    expect(cause.detail).toBeUndefined();
    const records = await h.orderRecords(order.orderId);
    const created = records.find((r) => r.step === 'provision')?.subscriberId;
    expect(records.filter((r) => r.step === 'adopt').map((r) => r.subscriberId)).toEqual([created]);
    expect(records.filter((r) => r.action === 'statusChange' && r.status?.to === 'error')).toEqual([
      expect.objectContaining({ subscriberId: created, outcome: { result: 'failure', errorCodes: [1002] } }),
    ]);
  });
});
