/**
 * The shared pacing of Webex calls: the DynamoDB token bucket (on dynalite, a manual clock, no real sleeps) and how the
 * Webex client uses it (Retry-After parks it, handed-back slots, paid slots).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoWebexPacer } from '../../functions/adapters/dynamodb/webex-pacer';
import { WebexHttpClient } from '../../functions/adapters/webex/client';
import { type PacingGrant, pacingPlan, type WebexPacer } from '../../functions/adapters/webex/pacing';
import { WEBEX_PACING } from '../../functions/domain/contract/rules';
import { UpstreamThrottledError } from '../../functions/domain/errors';
import { startTestDynamo, type TestDynamo } from '../support/dynalite';
import { createManualClock, type ManualClock } from '../support/fakes';
import { type ScriptedServer, startScriptedServer } from './scripted-server';
import { fixedCredentials, SUBSCRIBER_ID, silentLogger, webexSubscriber } from './support';
import { createTestClock } from './test-clock';

let dynamo: TestDynamo;
let table = 0;

beforeAll(async () => {
  dynamo = await startTestDynamo('audit-pacing');
});
afterAll(async () => {
  await dynamo.stop();
});

/** A pacer on its own bucket item (a fresh table name per test would cost a CreateTable; a fresh clock is enough). */
function newPacer(rate: number, clock: ManualClock): DynamoWebexPacer {
  table += 1;
  return new DynamoWebexPacer({
    client: dynamo.client,
    tableName: dynamo.stateTableName,
    plan: pacingPlan(rate),
    clock,
  });
}

/** Each test starts a day after the previous one, so the shared bucket item is idle for it. */
function freshClock(): ManualClock {
  return createManualClock(Date.UTC(2026, 0, 1) + table * 86_400_000 + 86_400_000);
}

const slotOf = (grant: PacingGrant, now: number) =>
  grant.kind === 'go' ? now : grant.kind === 'slot' ? grant.at : Number.NaN;

describe('pacingPlan', () => {
  it('reserves a share for priority callers and gives bulk the rest, together exactly the rate', () => {
    // Act
    const at50 = pacingPlan(50);
    const at5 = pacingPlan(5);

    // Assess
    expect(at50.priority.requestsPerSecond).toBeCloseTo(50 * WEBEX_PACING.priorityReserveShare);
    expect(at50.priority.requestsPerSecond + at50.bulk.requestsPerSecond).toBeCloseTo(50);
    expect(at5.priority.requestsPerSecond).toBe(WEBEX_PACING.priorityReserveMinPerSecond);
    expect(at5.bulk.requestsPerSecond).toBe(4);
    expect(() => pacingPlan(0)).toThrow(/positive/);
  });
});

describe('DynamoWebexPacer', () => {
  it('gives concurrent bulk callers distinct slots at the bulk rate, a short burst first', async () => {
    // Prepare
    const clock = freshClock();
    const pacer = newPacer(50, clock);
    const { bulk } = pacingPlan(50);
    const now = clock.now();

    // Act: 100 callers at the same instant, from many "Lambdas" at once
    const grants = await Promise.all(Array.from({ length: 100 }, () => pacer.acquire('bulk', 900_000)));

    // Assess: every one has a slot, no two share one, and no window holds more than its burst plus its rate allows
    const slots = grants.map((g) => slotOf(g, now)).sort((a, b) => a - b);
    expect(slots.every((s) => Number.isFinite(s))).toBe(true);
    // At most one caller borrowed the idle reserve; the rest queue on the bulk lane
    const gaps = slots.slice(1).map((s, i) => s - (slots[i] as number));
    const queued = slots.filter((s) => s > now);
    expect(queued.length).toBeGreaterThan(70);
    for (const gap of gaps.filter((_, i) => (slots[i] as number) > now)) {
      expect(gap).toBeGreaterThanOrEqual(Math.floor(bulk.intervalMs)); // slots are whole ms, rounded up
    }
    const last = slots[slots.length - 1] as number;
    // 100 requests at 45/s after a burst of a quarter of a second (and one borrowed reserve token): about 88 / 45 s
    expect(last - now).toBeGreaterThan(1_700);
    expect(last - now).toBeLessThan(2_200);
  }, 60_000);

  it('keeps the reserve for priority callers while bulk is saturated', async () => {
    // Prepare: bulk has queued half a minute of work (4 requests/s of the 5)
    const clock = freshClock();
    const pacer = newPacer(5, clock);
    const now = clock.now();
    await Promise.all(Array.from({ length: 4 * 30 }, () => pacer.acquire('bulk', 900_000)));

    // Act: a priority caller (an API request) arrives, then a few more within a second
    const first = await pacer.acquire('priority', WEBEX_PACING.priorityMaxWaitMs);
    const more = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1_000);
      more.push(await pacer.acquire('priority', WEBEX_PACING.priorityMaxWaitMs));
    }
    const laterBulk = await pacer.acquire('bulk', 900_000);

    // Assess: priority goes at once or within its reserve's interval; bulk still queues behind its half minute
    expect(first.kind).toBe('go');
    for (const grant of more) {
      expect(grant.kind).toBe('go');
    }
    expect(laterBulk.kind).toBe('slot');
    expect(slotOf(laterBulk, clock.now()) - now).toBeGreaterThan(29_000);
  }, 60_000);

  it('lets bulk borrow the reserve only when no priority caller used it lately', async () => {
    // Prepare
    const clock = freshClock();
    const pacer = newPacer(5, clock);
    // bulk saturated (a queue of 10 s)
    for (let i = 0; i < 40; i++) await pacer.acquire('bulk', 900_000);

    // Act: a priority caller uses the reserve; bulk asks right after, and again once the reserve has been idle
    await pacer.acquire('priority', WEBEX_PACING.priorityMaxWaitMs);
    clock.advance(1_000);
    const whileUsed = await pacer.acquire('bulk', 900_000);
    clock.advance(5_000);
    const whenIdle = await pacer.acquire('bulk', 900_000);

    // Assess
    expect(whileUsed.kind).toBe('slot');
    expect(whenIdle.kind).toBe('go');
  });

  it('denies a priority caller whose slot is farther than it may wait, with when to come back', async () => {
    // Prepare: reserve of 1/s used up by a burst of priority calls, bulk saturated
    const clock = freshClock();
    const pacer = newPacer(5, clock);
    for (let i = 0; i < 40; i++) await pacer.acquire('bulk', 900_000);
    const grants: PacingGrant[] = [];

    // Act
    for (let i = 0; i < 5; i++) grants.push(await pacer.acquire('priority', 2_000));

    // Assess: one now, two within 2 s, then denied
    expect(grants.map((g) => g.kind)).toEqual(['go', 'slot', 'slot', 'denied', 'denied']);
    const denied = grants[3] as Extract<PacingGrant, { kind: 'denied' }>;
    expect(denied.retryAt).toBeGreaterThan(clock.now());
  });

  it('parks both lanes after a 429 until Retry-After has passed', async () => {
    // Prepare
    const clock = freshClock();
    const pacer = newPacer(50, clock);
    const until = clock.now() + 7_000;

    // Act
    await pacer.park(until);
    const bulk = await pacer.acquire('bulk', 900_000);
    const priority = await pacer.acquire('priority', 60_000);

    // Assess
    expect(slotOf(bulk, clock.now())).toBeGreaterThanOrEqual(until);
    expect(slotOf(priority, clock.now())).toBeGreaterThanOrEqual(until);
  });
});

/** Records what the client asks of it; answers from a script. */
function scriptedPacer(answers: PacingGrant[]): WebexPacer & { acquired: string[]; parked: number[] } {
  const acquired: string[] = [];
  const parked: number[] = [];
  return {
    acquired,
    parked,
    async acquire(lane) {
      acquired.push(lane);
      return answers.shift() ?? { kind: 'go' };
    },
    async park(untilMs) {
      parked.push(untilMs);
    },
  };
}

describe('WebexHttpClient with a pacer', () => {
  let server: ScriptedServer;

  beforeEach(async () => {
    server = await startScriptedServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('obeys Retry-After exactly and parks the shared bucket for everyone', async () => {
    // Prepare
    const clock = createTestClock();
    const pacer = scriptedPacer([]);
    const client = new WebexHttpClient({
      credentials: fixedCredentials(server.baseUrl),
      clock,
      logger: silentLogger,
      pacer,
      defaultDeadlineMs: 60_000,
    });
    const start = clock.now();
    server.script(
      { status: 429, body: { message: 'slow down' }, headers: { 'Retry-After': '7' } },
      { status: 200, body: webexSubscriber() },
    );

    // Act
    await client.get(SUBSCRIBER_ID, { trackingId: 't-1' });

    // Assess
    expect(clock.waits).toEqual([7_000]);
    expect(pacer.parked).toEqual([start + 7_000]);
    expect(pacer.acquired).toEqual(['priority', 'priority']);
  });

  it('hands a far slot back to a workflow task, which then calls on it without another token', async () => {
    // Prepare
    const clock = createTestClock();
    const slotAt = clock.now() + 12_300;
    const pacer = scriptedPacer([{ kind: 'slot', at: slotAt }]);
    const client = new WebexHttpClient({
      credentials: fixedCredentials(server.baseUrl),
      clock,
      logger: silentLogger,
      pacer,
    });
    server.script({ status: 200, body: webexSubscriber() });

    // Act: the task is throttled, the state machine waits the seconds it was given, the task comes back on its ticket
    const first = await client.get(SUBSCRIBER_ID, { trackingId: 't-2', onThrottle: 'throw' }).catch((e) => e);
    clock.advance((first as UpstreamThrottledError).retryAfterSeconds * 1000);
    await client.get(SUBSCRIBER_ID, { trackingId: 't-2', onThrottle: 'throw', paidSlotAt: slotAt });

    // Assess: no Webex call the first time; the whole seconds before the slot handed back, the last 300 ms slept in
    // the task, so the call reaches Webex at its slot; one token taken in all
    expect(first).toBeInstanceOf(UpstreamThrottledError);
    expect((first as UpstreamThrottledError).slotAt).toBe(slotAt);
    expect((first as UpstreamThrottledError).retryAfterSeconds).toBe(12);
    expect(clock.waits).toEqual([300]);
    expect(clock.now()).toBe(slotAt);
    expect(pacer.acquired).toEqual(['bulk']);
    expect(server.requests).toHaveLength(1);
  });

  it("counts a task's wait from the grant, so a slow acquire does not make it late", async () => {
    // Prepare: the pacer takes 700 ms to answer with a slot 2.5 s after the call began
    const clock = createTestClock();
    const slotAt = clock.now() + 2_500;
    const slowPacer: WebexPacer = {
      async acquire() {
        clock.advance(700);
        return { kind: 'slot', at: slotAt };
      },
      async park() {},
    };
    const client = new WebexHttpClient({
      credentials: fixedCredentials(server.baseUrl),
      clock,
      logger: silentLogger,
      pacer: slowPacer,
    });
    server.script({ status: 200, body: webexSubscriber() });

    // Act
    const first = await client.get(SUBSCRIBER_ID, { trackingId: 't-5', onThrottle: 'throw' }).catch((e) => e);
    clock.advance((first as UpstreamThrottledError).retryAfterSeconds * 1000);
    await client.get(SUBSCRIBER_ID, { trackingId: 't-5', onThrottle: 'throw', paidSlotAt: slotAt });

    // Assess: 1.8 s from the grant: one whole second handed back, 800 ms slept, the call at its slot
    expect((first as UpstreamThrottledError).retryAfterSeconds).toBe(1);
    expect(clock.waits).toEqual([800]);
    expect(clock.now()).toBe(slotAt);
  });

  it('lets an API caller wait briefly for its slot, and answers 429 when the wait would be too long', async () => {
    // Prepare
    const clock = createTestClock();
    const pacer = scriptedPacer([
      { kind: 'slot', at: clock.now() + 400 },
      { kind: 'denied', retryAt: clock.now() + 4_200 },
    ]);
    const client = new WebexHttpClient({
      credentials: fixedCredentials(server.baseUrl),
      clock,
      logger: silentLogger,
      pacer,
    });
    server.script({ status: 200, body: webexSubscriber() });

    // Act
    await client.get(SUBSCRIBER_ID, { trackingId: 't-3' });
    const refused = await client.get(SUBSCRIBER_ID, { trackingId: 't-4' }).catch((e) => e);

    // Assess
    expect(clock.waits).toEqual([400]);
    expect(refused).toBeInstanceOf(UpstreamThrottledError);
    expect((refused as UpstreamThrottledError).status).toBe(429);
    expect((refused as UpstreamThrottledError).retryAfterSeconds).toBe(4);
    expect(server.requests).toHaveLength(1);
  });
});
