/**
 * The provisioning workflow end to end: the rendered definition on the local engine, the task handler modules, the
 * simulator on a manual clock and the audit table on dynalite. Each case asserts the final state, the cause, the
 * upstream calls made and the audit records written (exactly once each).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditId } from '../../functions/domain/audit';
import type { AuditRecord } from '../../functions/domain/ports/audit';
import type { WorkflowState } from '../../functions/domain/workflow/state';
import { EXISTING_WEBEX_DOMAINS, UNTRUSTED_TEMPLATE_ID } from '../../local/webex-simulator';
import {
  anOrder,
  CLOCK_START,
  eventsOfType,
  PROVISIONING_DELAY_MS,
  parsedCause,
  recordKeys,
  startWorkflowHarness,
  statesEntered,
  type WorkflowHarness,
} from './harness';

let h: WorkflowHarness;

beforeAll(async () => {
  h = await startWorkflowHarness();
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => {
  h.reset();
});

const sorted = (keys: string[]) => [...keys].sort();

function expectUniqueIds(records: AuditRecord[]) {
  expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
}

function outputOf(execution: { output?: string | undefined }) {
  return JSON.parse(execution.output ?? 'null') as {
    orderId?: string;
    trackingId?: string;
    subscriber: { id: string; status: string };
  };
}

describe('provisioning workflow: success', () => {
  it('prechecks, provisions and follows the subscriber until provisioned', async () => {
    // Prepare
    const order = anOrder();

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    const output = outputOf(execution);
    expect(output.orderId).toBe(order.orderId);
    expect(output.subscriber).toMatchObject({ userId: order.subscriber.userId, status: 'provisioned' });
    expect(h.calls('precheckSubscriber')).toEqual({ 200: 1 });
    expect(h.calls('provisionSubscriber')).toEqual({ 200: 1 });
    expect(h.calls('getSubscriber')).toEqual({ 200: 4 });
    expect(h.waits.map((w) => [w.stateName, w.seconds])).toEqual([
      ['Wait for status', 15],
      ['Wait for status', 15],
      ['Wait for status', 15],
      ['Wait for status', 15],
    ]);
    // The loop is in the state machine: every poll is a Wait and a Check status task in the history.
    const waitsEntered = execution.events.filter(
      (e) =>
        e.type === 'WaitStateEntered' && (e.stateEnteredEventDetails as { name: string }).name === 'Wait for status',
    );
    expect(waitsEntered).toHaveLength(4);
    expect(statesEntered(execution).filter((name) => name === 'Check status')).toHaveLength(4);
    expect(execution.events.filter((e) => e.type === 'LambdaFunctionScheduled')).toHaveLength(7);
    const records = await h.orderRecords(order.orderId);
    expect(sorted(recordKeys(records))).toEqual(
      sorted([
        'step:validateOrder',
        'step:precheck',
        'step:provision',
        'status:provisioning',
        'status:provisioned',
        'step:finish',
      ]),
    );
    expectUniqueIds(records);
    expect(records.every((r) => r.actor === `workflow:${order.orderId}`)).toBe(true);
    const provision = records.find((r) => r.step === 'provision');
    expect(provision?.subscriberId).toBe(output.subscriber.id);
    expect(provision?.changes?.find((c) => c.field === 'email')?.digest).toMatch(/^hmac-sha256:/);
    const text = JSON.stringify(records);
    expect(text).not.toContain(order.subscriber.email as string);
    expect(text).not.toContain('Lovelace');
    expect(statesEntered(execution).at(-1)).toBe('Provisioned');
  });

  it('writes the history in the AWS shape, ids chained from 1', async () => {
    // Prepare
    const order = anOrder();

    // Act
    const execution = await h.runOrder(order);

    // Assess
    const types = execution.events.map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types.slice(1, 8)).toEqual([
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
    ]);
    execution.events.forEach((event, index) => {
      expect(event.id).toBe(index + 1);
      expect(event.previousEventId).toBe(index);
    });
    const scheduled = eventsOfType(execution, 'LambdaFunctionScheduled')[0];
    expect(scheduled?.lambdaFunctionScheduledEventDetails).toMatchObject({
      resource: 'arn:aws:lambda:us-east-1:000000000000:function:validateOrder',
    });
  });
});

describe('provisioning workflow: failures decided by Webex', () => {
  it('ends in PrecheckFailed with Webex errors when the precheck refuses the order', async () => {
    // Prepare
    const order = anOrder({ subscriber: { provisioningId: 'no-such-template' } });

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('PrecheckFailed');
    const cause = parsedCause(execution);
    expect(cause).toMatchObject({ error: 'PrecheckFailed', orderId: order.orderId });
    expect(cause.errors).toEqual([expect.objectContaining({ errorCode: 1002, fieldName: 'provisioningId' })]);
    expect(h.calls('precheckSubscriber')).toEqual({ 400: 1 });
    expect(h.calls('provisionSubscriber')).toEqual({});
    const records = await h.orderRecords(order.orderId);
    expect(sorted(recordKeys(records))).toEqual(sorted(['step:validateOrder', 'step:precheck', 'step:finish']));
    expect(records.find((r) => r.step === 'precheck')?.outcome).toEqual({
      result: 'failure',
      statusCode: 400,
      errorCodes: [1002],
    });
    expect(records.find((r) => r.step === 'finish')).toMatchObject({ detail: 'PrecheckFailed' });
  });

  it('ends in ProvisioningFailed with the background errors when Webex ends in error', async () => {
    // Prepare
    const order = anOrder({ subscriber: { userId: `fail-${Date.now()}@sp.example.com` } });

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.error).toBe('ProvisioningFailed');
    const cause = parsedCause(execution);
    expect(cause).toMatchObject({ error: 'ProvisioningFailed', orderId: order.orderId, lastStatus: 'error' });
    expect(cause.subscriberId).toEqual(expect.any(String));
    expect(cause.errors).toEqual([expect.objectContaining({ errorCode: 1002 })]);
    expect(h.calls('provisionSubscriber')).toEqual({ 200: 1 });
    expect(h.calls('getSubscriber')).toEqual({ 200: 4 });
    const records = await h.orderRecords(order.orderId);
    expect(sorted(recordKeys(records))).toEqual(
      sorted([
        'step:validateOrder',
        'step:precheck',
        'step:provision',
        'status:provisioning',
        'status:error',
        'step:finish',
      ]),
    );
    expectUniqueIds(records);
    expect(records.find((r) => r.action === 'statusChange' && r.status?.to === 'error')).toMatchObject({
      status: { from: 'provisioning', to: 'error' },
      outcome: { result: 'failure', errorCodes: [1002] },
    });
  });
});

describe('provisioning workflow: pending states', () => {
  const cases = [
    {
      status: 'pending_email_input',
      order: () => anOrder({ subscriber: { email: undefined } }),
      action: { action: 'enterEmail', email: 'entered@customer.example.com' } as const,
      precheckCalls: {},
    },
    {
      status: 'pending_email_validation',
      order: () => anOrder({ subscriber: { provisioningId: UNTRUSTED_TEMPLATE_ID } }),
      action: { action: 'validateEmail' } as const,
      precheckCalls: { 200: 1 },
    },
    {
      status: 'pending_user_migration',
      order: () => anOrder({ subscriber: { email: `moving-${Date.now()}@${EXISTING_WEBEX_DOMAINS[0]}` } }),
      action: { action: 'consent' } as const,
      precheckCalls: { 200: 1 },
    },
  ];

  for (const testCase of cases) {
    it(`polls slowly while ${testCase.status}, audits it once, and finishes when the person acts`, async () => {
      // Prepare
      const order = testCase.order();
      let pendingWaits = 0;
      h.onWait = (_wait, state) => {
        if (state.lastStatus !== testCase.status) return;
        pendingWaits += 1;
        if (pendingWaits === 3) h.sim.personAction(state.subscriberId as string, testCase.action);
      };

      // Act
      const execution = await h.runOrder(order);

      // Assess
      expect(execution.status).toBe('SUCCEEDED');
      expect(pendingWaits).toBe(3);
      const slow = h.waits.filter((w) => (w.input as { lastStatus?: string }).lastStatus === testCase.status);
      expect(slow.every((w) => w.seconds >= 60)).toBe(true);
      expect(h.calls('precheckSubscriber')).toEqual(testCase.precheckCalls);
      expect(h.calls('provisionSubscriber')).toEqual({ 200: 1 });
      const records = await h.orderRecords(order.orderId);
      expectUniqueIds(records);
      const keys = recordKeys(records);
      expect(keys.filter((k) => k === 'step:awaitPerson')).toHaveLength(1);
      expect(keys.filter((k) => k === `status:${testCase.status}`)).toHaveLength(1);
      expect(keys.filter((k) => k === 'status:provisioning')).toHaveLength(2);
      expect(keys.filter((k) => k === 'status:provisioned')).toHaveLength(1);
      expect(keys.filter((k) => k === 'step:finish')).toHaveLength(1);
      expect(records.find((r) => r.step === 'awaitPerson')?.status).toEqual({ to: testCase.status });
    });
  }

  it('resends the consent email once, exactly when resendConsentAfterSeconds have passed', async () => {
    // Prepare
    const order = anOrder({
      subscriber: { email: `resend-${Date.now()}@${EXISTING_WEBEX_DOMAINS[0]}` },
      options: { resendConsentAfterSeconds: 3600 },
    });
    let consented = false;
    h.onWait = (_wait, state) => {
      if (state.consentResentAt && state.lastStatus === 'pending_user_migration' && !consented) {
        consented = true;
        h.sim.personAction(state.subscriberId as string, { action: 'consent' });
      }
    };

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    const subscriberId = outputOf(execution).subscriber.id;
    expect(h.sim.stats().consentResends.bySubscriber[subscriberId]).toBe(1);
    expect(h.calls('resendConsent')).toEqual({ 204: 1 });
    const records = await h.orderRecords(order.orderId);
    expectUniqueIds(records);
    const pending = records.find((r) => r.status?.to === 'pending_user_migration' && r.action === 'statusChange');
    const resend = records.filter((r) => r.step === 'resendConsent');
    expect(resend).toHaveLength(1);
    expect(Date.parse(resend[0]?.at ?? '') - Date.parse(pending?.at ?? '')).toBe(3600 * 1000);
    expect(statesEntered(execution).filter((s) => s === 'Resend consent')).toHaveLength(1);
  });

  it('ends in ProvisioningTimedOut at the deadline, with the last status', async () => {
    // Prepare
    const order = anOrder({ subscriber: { email: undefined }, options: { deadlineSeconds: 600 } });
    const startedAt = h.clock.now();

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.error).toBe('ProvisioningTimedOut');
    expect(parsedCause(execution)).toMatchObject({
      error: 'ProvisioningTimedOut',
      orderId: order.orderId,
      lastStatus: 'pending_email_input',
      subscriberId: expect.any(String),
    });
    expect(h.clock.now() - startedAt).toBe(600 * 1000);
    expect(h.waits.reduce((sum, w) => sum + w.seconds, 0)).toBe(600);
    const gets = h.calls('getSubscriber')[200] ?? 0;
    expect(gets).toBe(h.waits.length);
    const records = await h.orderRecords(order.orderId);
    expect(records.filter((r) => r.step === 'finish')).toEqual([
      expect.objectContaining({ detail: 'ProvisioningTimedOut', status: { to: 'pending_email_input' } }),
    ]);
  });
});

describe('provisioning workflow: adoption and userId conflicts', () => {
  it('fails with SubscriberConflict when another order already holds the userId (no email: no precheck)', async () => {
    // Prepare: order A succeeds with Alice; order C has the same userId and enterprise, other data and no email
    const alice = anOrder({ subscriber: { firstName: 'Alice', lastName: 'One', package: 'basic' } });
    const carol = anOrder({
      subscriber: {
        userId: alice.subscriber.userId,
        firstName: 'Carol',
        lastName: 'Three',
        package: 'premium',
        email: undefined,
      },
    });
    const first = await h.runOrder(alice);

    // Act
    const execution = await h.runOrder(carol);

    // Assess
    expect(first.status).toBe('SUCCEEDED');
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('SubscriberConflict');
    const aliceId = outputOf(first).subscriber.id;
    const cause = parsedCause(execution) as { existingSubscriberId?: string; errors?: unknown[] };
    expect(cause).toMatchObject({ error: 'SubscriberConflict', orderId: carol.orderId, existingSubscriberId: aliceId });
    expect(cause.errors).toContainEqual(expect.objectContaining({ errorCode: 10022 }));
    expect(JSON.stringify(cause)).toContain(aliceId);
    const records = await h.orderRecords(carol.orderId);
    expect(records.some((r) => r.step === 'adopt')).toBe(false);
    expect(records.find((r) => r.step === 'finish')).toMatchObject({
      detail: 'SubscriberConflict',
      outcome: { result: 'failure', errorCodes: [10022] },
    });
  });

  it('fails with SubscriberConflict when the precheck says the userId is taken (order with email)', async () => {
    // Prepare
    const order = anOrder();
    const existing = await h.provisionDirectly({ ...order.subscriber, email: 'first@customer.example.com' });

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.error).toBe('SubscriberConflict');
    expect(parsedCause(execution)).toMatchObject({ existingSubscriberId: existing.id });
    expect(h.calls('provisionSubscriber')).toEqual({ 200: 1 });
  });

  it('adopts what a Provision whose answer was lost created, when Step Functions retries it', async () => {
    // Prepare
    const order = anOrder();
    let provisionCalls = 0;
    h.wrapTask = (name, handler) => async (input, context) => {
      const output = await handler(input, context);
      if (name === 'provision' && ++provisionCalls === 1) {
        const lost = new Error('Lambda answered, the answer was lost');
        lost.name = 'Lambda.ServiceException';
        throw lost;
      }
      return output;
    };

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(h.calls('provisionSubscriber')).toEqual({ 200: 1, 409: 1 });
    const failed = eventsOfType(execution, 'LambdaFunctionFailed');
    expect(failed.map((e) => (e.lambdaFunctionFailedEventDetails as { error: string }).error)).toEqual([
      'Lambda.ServiceException',
    ]);
    const records = await h.orderRecords(order.orderId);
    expectUniqueIds(records);
    const created = records.find((r) => r.step === 'provision')?.subscriberId;
    expect(records.find((r) => r.step === 'adopt')?.subscriberId).toBe(created);
    expect(outputOf(execution).subscriber.id).toBe(created);
  });

  it('fails with SubscriberConflict when the userId belongs to another enterprise', async () => {
    // Prepare
    const order = anOrder({ subscriber: { email: undefined } });
    const other = await h.provisionDirectly({ ...order.subscriber, spEnterpriseId: 'another-enterprise' });

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.error).toBe('SubscriberConflict');
    expect(parsedCause(execution)).toMatchObject({ existingSubscriberId: other.id });
    expect(parsedCause(execution).errors).toContainEqual(expect.objectContaining({ errorCode: 10022 }));
    expect(h.calls('provisionSubscriber')).toEqual({ 200: 1, 409: 1 });
    const records = await h.orderRecords(order.orderId);
    expect(sorted(recordKeys(records))).toEqual(sorted(['step:validateOrder', 'step:precheck', 'step:finish']));
  });

  it('fails with SubscriberConflict when Webex accepts a duplicate of someone else and ends it in error 10022', async () => {
    // Prepare
    h.sim.configure({ duplicateUserIdMode: '10022' });
    const order = anOrder({ subscriber: { email: undefined, firstName: 'Carol' } });
    const existing = await h.provisionDirectly({
      ...order.subscriber,
      firstName: 'Alice',
      email: 'a@customer.example.com',
    });
    h.clock.advance(PROVISIONING_DELAY_MS);

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.error).toBe('SubscriberConflict');
    expect(parsedCause(execution)).toMatchObject({ existingSubscriberId: existing.id });
    expect(h.calls('provisionSubscriber')).toEqual({ 200: 2 });
    const records = await h.orderRecords(order.orderId);
    expect(records.some((r) => r.step === 'adopt')).toBe(false);
    expect(records.filter((r) => r.action === 'statusChange').map((r) => r.status?.to)).toEqual(
      expect.arrayContaining(['error']),
    );
  });

  it("adopts the order's own subscriber when a lost answer's retry made a duplicate that ends in error 10022", async () => {
    // Prepare
    h.sim.configure({ duplicateUserIdMode: '10022' });
    const order = anOrder();
    let provisionCalls = 0;
    h.wrapTask = (name, handler) => async (input, context) => {
      const output = await handler(input, context);
      if (name === 'provision' && ++provisionCalls === 1) {
        const lost = new Error('the answer was lost');
        lost.name = 'Lambda.ServiceException';
        throw lost;
      }
      return output;
    };

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(h.calls('provisionSubscriber')).toEqual({ 200: 2 });
    const records = await h.orderRecords(order.orderId);
    const adopted = records.find((r) => r.step === 'adopt')?.subscriberId;
    expect(adopted).toEqual(expect.any(String));
    expect(execution.status).toBe('SUCCEEDED');
    expect(outputOf(execution).subscriber.id).toBe(adopted);
  });

  it('lets exactly one of several concurrent orders for one userId succeed; the others end in SubscriberConflict', async () => {
    // Prepare: five orders for the same userId, each with its own name and email
    const base = anOrder();
    const orders = [0, 1, 2, 3, 4].map((i) =>
      anOrder({ subscriber: { userId: base.subscriber.userId, firstName: `Person${i}` } }),
    );

    // Act
    const executions = await Promise.all(orders.map((order) => h.runOrder(order)));

    // Assess
    const ends = executions.map((e) => (e.status === 'SUCCEEDED' ? 'SUCCEEDED' : e.error));
    expect(ends.filter((e) => e === 'SUCCEEDED')).toHaveLength(1);
    expect(ends.filter((e) => e === 'SubscriberConflict')).toHaveLength(4);
    const winner = executions.find((e) => e.status === 'SUCCEEDED');
    for (const loser of executions.filter((e) => e.status !== 'SUCCEEDED')) {
      expect(parsedCause(loser)).toMatchObject({ existingSubscriberId: outputOf(winner ?? {}).subscriber.id });
    }
  });
});

describe('provisioning workflow: throttling and outages', () => {
  it('waits exactly Retry-After seconds on a 429, then checks again', async () => {
    // Prepare
    const order = anOrder();
    h.onWait = (wait) => {
      if (wait.stateName === 'Wait for status' && h.waits.length === 1) {
        h.sim.setFaults({
          rateLimit: { requestsPerSecond: 0.05, retryAfterSeconds: 9 },
          operations: ['getSubscriber'],
        });
      }
    };

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    const throttled = h.waits.filter((w) => w.stateName === 'Check status throttled');
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((w) => w.seconds === 9)).toBe(true);
    expect(throttled.every((w) => (w.input as WorkflowState).retryAfterSeconds === 9)).toBe(true);
    expect(h.calls('getSubscriber')[429]).toBe(throttled.length);
    const entered = execution.events.filter(
      (e) =>
        e.type === 'WaitStateEntered' &&
        (e.stateEnteredEventDetails as { name: string }).name === 'Check status throttled',
    );
    expect(entered).toHaveLength(throttled.length);
    const records = await h.orderRecords(order.orderId);
    expectUniqueIds(records);
    expect(records.filter((r) => r.step === 'finish')).toHaveLength(1);
  });

  it('waits exactly Retry-After seconds on a 423 at Provision, then provisions once', async () => {
    // Prepare
    const order = anOrder();
    h.sim.setFaults({ lockedShare: 1, lockedRetryAfterSeconds: 7, operations: ['provisionSubscriber'] });
    h.onWait = (wait) => {
      if (wait.stateName === 'Provision throttled') h.sim.resetFaults();
    };

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(h.waits.filter((w) => w.stateName === 'Provision throttled').map((w) => w.seconds)).toEqual([7]);
    expect(h.calls('provisionSubscriber')).toEqual({ 200: 1, 423: 1 });
    const records = await h.orderRecords(order.orderId);
    expect(records.filter((r) => r.step === 'provision')).toHaveLength(1);
  });

  it('ends in ProvisioningTimedOut when Webex throttles the precheck until the deadline, provisioning nothing', async () => {
    // Prepare
    const order = anOrder({ options: { deadlineSeconds: 600 } });
    h.sim.setFaults({ lockedShare: 1, lockedRetryAfterSeconds: 120, operations: ['precheckSubscriber'] });

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.error).toBe('ProvisioningTimedOut');
    expect(parsedCause(execution)).toMatchObject({ error: 'ProvisioningTimedOut', orderId: order.orderId });
    expect(h.waits.map((w) => w.seconds)).toEqual([120, 120, 120, 120, 120]);
    expect(h.calls('precheckSubscriber')).toEqual({ 423: 6 });
    expect(h.calls('provisionSubscriber')).toEqual({});
    const records = await h.orderRecords(order.orderId);
    expect(records.filter((r) => r.step === 'finish')).toEqual([
      expect.objectContaining({ detail: 'ProvisioningTimedOut' }),
    ]);
  });

  it('retries a 5xx storm with Step Functions Retry, then succeeds', async () => {
    // Prepare
    const order = anOrder();
    h.sim.setFaults({ errorRate: { share: 1, statuses: [503] }, operations: ['provisionSubscriber'] });
    let attempts = 0;
    h.wrapTask = (name, handler) => async (input, context) => {
      if (name === 'provision' && ++attempts === 4) h.sim.resetFaults();
      return handler(input, context);
    };

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(h.calls('provisionSubscriber')).toEqual({ 200: 1, 503: 3 });
    const failed = eventsOfType(execution, 'LambdaFunctionFailed');
    expect(failed.map((e) => (e.lambdaFunctionFailedEventDetails as { error: string }).error)).toEqual([
      'UpstreamUnavailable',
      'UpstreamUnavailable',
      'UpstreamUnavailable',
    ]);
    const details = failed[0]?.lambdaFunctionFailedEventDetails as { cause: string } | undefined;
    const cause = JSON.parse(details?.cause ?? 'null');
    expect(cause).toMatchObject({ errorType: 'UpstreamUnavailable', errorMessage: expect.any(String) });
    const records = await h.orderRecords(order.orderId);
    expect(records.filter((r) => r.step === 'provision')).toHaveLength(1);
  });

  it('ends in UpstreamUnavailable once the retries are exhausted', async () => {
    // Prepare
    const order = anOrder();
    h.sim.setFaults({ errorRate: { share: 1, statuses: [503] }, operations: ['provisionSubscriber'] });

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('UpstreamUnavailable');
    expect(parsedCause(execution)).toEqual({
      error: 'UpstreamUnavailable',
      orderId: order.orderId,
      detail: 'UpstreamUnavailable',
    });
    expect(h.calls('provisionSubscriber')).toEqual({ 503: 11 });
    expect(statesEntered(execution).slice(-3)).toEqual(['Record failure', 'Failure kind', 'UpstreamUnavailable']);
    const records = await h.orderRecords(order.orderId);
    expect(sorted(recordKeys(records))).toEqual(sorted(['step:validateOrder', 'step:precheck', 'step:finish']));
    expect(records.find((r) => r.step === 'finish')).toMatchObject({
      outcome: { result: 'failure' },
      detail: 'UpstreamUnavailable',
    });
  });
});

describe('provisioning workflow: orders that must not run', () => {
  it('fails at once with InvalidOrder and the validation errors, without calling Webex', async () => {
    // Prepare
    const input = { orderId: 'invalid-order-1', subscriber: { firstName: 'Ada', package: 'gold' } };

    // Act
    const execution = await h.runOrder(input);

    // Assess
    expect(execution.error).toBe('InvalidOrder');
    const cause = parsedCause(execution);
    expect(cause.orderId).toBe('invalid-order-1');
    expect(cause.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ errorCode: 1001, fieldName: 'subscriber.userId' }),
        expect.objectContaining({ errorCode: 1002, fieldName: 'subscriber.package' }),
      ]),
    );
    expect(h.sim.stats().requests.total).toBe(0);
    const records = await h.orderRecords('invalid-order-1');
    expect(sorted(recordKeys(records))).toEqual(sorted(['step:validateOrder', 'step:finish']));
    expect(statesEntered(execution)).toEqual([
      'Route input',
      'Validate order',
      'Order valid?',
      'Failure kind',
      'InvalidOrder',
    ]);
  });

  it('fails with InvalidOrder for input that is not an order at all', async () => {
    // Act
    const execution = await h.run('just a string', 'not-an-order-1');

    // Assess
    expect(execution.error).toBe('InvalidOrder');
    expect(parsedCause(execution)).toMatchObject({ error: 'InvalidOrder', orderId: 'not-an-order-1' });
    expect(h.sim.stats().requests.total).toBe(0);
  });

  it('refuses an order started under another name than its orderId', async () => {
    // Prepare
    const order = anOrder();

    // Act
    const execution = await h.runOrder(order, 'some-other-name');

    // Assess
    expect(execution.error).toBe('InvalidOrder');
    expect(parsedCause(execution).errors).toEqual([expect.objectContaining({ errorCode: 1002, fieldName: 'orderId' })]);
  });

  it('runs a duplicate order once: same name and input answers the running execution, later it conflicts', async () => {
    // Prepare
    const order = anOrder();
    const request = {
      stateMachineArn: h.engine.stateMachineArn,
      name: order.orderId,
      input: JSON.stringify(order),
    };

    // Act
    const first = h.engine.startExecution(request);
    const second = h.engine.startExecution(request);
    await h.engine.waitForExecution(first.executionArn);

    // Assess
    expect(second).toEqual(first);
    expect(() => h.engine.startExecution(request)).toThrow(expect.objectContaining({ type: 'ExecutionAlreadyExists' }));
    expect(() => h.engine.startExecution({ ...request, input: JSON.stringify({ ...order, options: {} }) })).toThrow(
      expect.objectContaining({ type: 'ExecutionAlreadyExists' }),
    );
    expect(h.calls('provisionSubscriber')).toEqual({ 200: 1 });
  });
});

/** The audit record an API Provision/Update writes (what the tracking outbox follows), and the tracking it asks for. */
async function apiCallRecorded(subscriberId: string, reason: 'provision' | 'update', trackingId: string) {
  const requestId = `req-${trackingId}`;
  await h.audit.append({
    id: auditId(requestId, reason),
    at: new Date(h.clock.now()).toISOString(),
    actor: 'client-1',
    action: reason,
    subscriberId,
    outcome: { result: 'success', statusCode: 200 },
    trackingId,
  });
  return { subscriberId, reason, trackingId, actor: 'client-1', requestId };
}

describe('provisioning workflow: tracking API-originated work', () => {
  it('ends a tracking as removed (a success, no failure record) when the subscriber was removed', async () => {
    // Prepare: an API Provision, then an API Remove before the first status check
    const order = anOrder();
    const subscriber = await h.provisionDirectly(order.subscriber);
    const tracking = await apiCallRecorded(subscriber.id, 'provision', 'WBXPROV_api-call-removed');
    await h.removeDirectly(subscriber.id);

    // Act
    const execution = await h.run({ tracking }, 'track-provision-removed-1');

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toEqual({
      trackingId: 'WBXPROV_api-call-removed',
      subscriberId: subscriber.id,
      removed: true,
    });
    expect(statesEntered(execution).at(-1)).toBe('Removed');
    const records = await h.subscriberRecords(subscriber.id);
    expect(records.filter((r) => r.outcome.result === 'failure')).toEqual([]);
    expect(records.find((r) => r.step === 'finish')).toMatchObject({
      outcome: { result: 'success' },
      detail: 'removed',
    });
  });

  it('refuses a tracking input that no API call of this service asked for, writing nothing into the trail', async () => {
    // Prepare: a real subscriber, and a forged tracking input naming it
    const order = anOrder();
    const subscriber = await h.provisionDirectly(order.subscriber);
    const genuine = await apiCallRecorded(subscriber.id, 'provision', 'WBXPROV_api-call-genuine');
    const forged = [
      { subscriberId: subscriber.id, reason: 'update', trackingId: 'FORGED', actor: 'x', requestId: 'any' },
      { ...genuine, trackingId: 'FORGED' },
      { ...genuine, reason: 'update' },
    ];

    // Act
    const executions = await Promise.all(forged.map((tracking, i) => h.run({ tracking }, `forged-track-${i}`)));

    // Assess
    expect(executions.map((e) => e.error)).toEqual(['InvalidOrder', 'InvalidOrder', 'InvalidOrder']);
    expect(parsedCause(executions[0] as never).errors).toEqual([expect.objectContaining({ fieldName: 'tracking' })]);
    const records = await h.subscriberRecords(subscriber.id);
    expect(records.map((r) => r.trackingId)).not.toContain('FORGED');
    expect(records.some((r) => r.action === 'orderStep')).toBe(false);
    expect(h.calls('getSubscriber')).toEqual({});
  });

  it('follows a subscriber from the polling stage and audits its transitions', async () => {
    // Prepare
    const order = anOrder();
    const subscriber = await h.provisionDirectly(order.subscriber);
    const tracking = await apiCallRecorded(subscriber.id, 'provision', 'WBXPROV_api-call-1');

    // Act
    const execution = await h.run({ tracking }, 'track-provision-api-call-1');

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(outputOf(execution)).toMatchObject({ trackingId: 'WBXPROV_api-call-1', subscriber: { id: subscriber.id } });
    expect(statesEntered(execution).slice(0, 4)).toEqual([
      'Route input',
      'Start tracking',
      'Tracking valid?',
      'Wait for status',
    ]);
    expect(h.calls('getSubscriber')).toEqual({ 200: 4 });
    const records = await h.subscriberRecords(subscriber.id);
    const workflowRecords = records.filter((r) => r.action !== 'provision');
    expect(sorted(recordKeys(workflowRecords))).toEqual(sorted(['step:track', 'status:provisioned', 'step:finish']));
    expect(records.find((r) => r.action === 'statusChange')).toMatchObject({
      status: { from: 'provisioning', to: 'provisioned' },
      trackingId: 'WBXPROV_api-call-1',
    });
    expect(records.every((r) => r.orderId === undefined)).toBe(true);
  });

  it('refuses a malformed tracking input with InvalidOrder', async () => {
    // Act
    const execution = await h.run({ tracking: { subscriberId: 'bad id!', reason: 'delete' } }, 'track-bad-1');

    // Assess
    expect(execution.error).toBe('InvalidOrder');
    expect(parsedCause(execution).errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ fieldName: 'tracking.reason' })]),
    );
    expect(h.sim.stats().requests.total).toBe(0);
    expect(CLOCK_START).toBeLessThan(h.clock.now() + 1);
  });
});
