/**
 * The status sweeper and `Check status` reading its records: each change recorded once (overlapping sweeps, repeated
 * sweeps), the first sweep's `status` filter, the lease, and a check that uses a fresh record without calling Webex and
 * falls back to one Get when the record is stale. The records live on dynalite (the real adapter); Webex is an
 * in-memory List that applies the `lastStatusChange` / `status` filters and pages by 100. Manual clocks only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStatusRecords } from '../../functions/adapters/dynamodb/status-records';
import type { SubscriberStatus } from '../../functions/domain/contract/fields';
import type { ListQuery } from '../../functions/domain/contract/list-query';
import { STATUS_SWEEP } from '../../functions/domain/contract/rules';
import type { FieldDigester } from '../../functions/domain/ports/audit';
import { runSweepLoop, sweepStatusChanges } from '../../functions/domain/status-sweep/sweep';
import type { WorkflowState } from '../../functions/domain/workflow/state';
import { checkStatusStep } from '../../functions/domain/workflow/steps';
import { startTestDynamo, type TestDynamo } from '../support/dynalite';
import { createManualClock, FakeWebex, InMemoryAuditStore } from '../support/fakes';

const digester: FieldDigester = { digest: (value) => `hmac-sha256:${value.length.toString(16).padStart(16, '0')}` };
const iso = (ms: number) => new Date(ms).toISOString();

let dynamo: TestDynamo;
let day = 0;

beforeAll(async () => {
  dynamo = await startTestDynamo('audit-sweep');
});
afterAll(async () => {
  await dynamo.stop();
});

/** Each test runs in its own table (the sweep cursor is one item) and its own day. */
async function setup() {
  day += 1;
  const clock = createManualClock(Date.UTC(2026, 2, 1) + day * 86_400_000);
  const tableName = `state-sweep-${day}`;
  const { CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
  const { webexStateTableCreateInput } = await import('../../functions/adapters/dynamodb/webex-state-table');
  await dynamo.client.send(new CreateTableCommand(webexStateTableCreateInput(tableName)));
  const records = new DynamoStatusRecords({ client: dynamo.client, tableName, clock });
  const audit = new InMemoryAuditStore();
  const webex = new FakeWebex({ clock });
  return {
    clock,
    records,
    audit,
    webex,
    set: (id: string, status: SubscriberStatus) => webex.set(id, status),
    listQueries: () => webex.calls.filter((c) => c.op === 'list').map((c) => c.args[0] as ListQuery),
    gets: () => webex.calls.filter((c) => c.op === 'get').length,
    deps: { webex, records, audit, clock },
  };
}

const statusRecordsOf = (audit: InMemoryAuditStore, id: string) =>
  audit.records.filter((r) => r.subscriberId === id && r.action === 'statusChange');

describe('the status sweeper', () => {
  it('records each status change once (the latest status), across overlapping and repeated sweeps', async () => {
    // Prepare: two subscribers start provisioning
    const t = await setup();
    t.set('SUB-A', 'provisioning');
    t.set('SUB-B', 'provisioning');

    // Act: sweep, SUB-A finishes, sweep twice (the second overlaps the first), SUB-B finishes, sweep
    const first = await sweepStatusChanges(t.deps);
    t.clock.advance(3_000);
    t.set('SUB-A', 'provisioned');
    t.clock.advance(1_000);
    const second = await sweepStatusChanges(t.deps);
    t.clock.advance(2_000);
    const third = await sweepStatusChanges(t.deps);
    t.clock.advance(10_000);
    t.set('SUB-B', 'error');
    t.clock.advance(1_000);
    const fourth = await sweepStatusChanges(t.deps);

    // Assess
    expect([first.recorded, second.recorded, third.recorded, fourth.recorded]).toEqual([2, 1, 0, 1]);
    const recorded = await t.records.read('SUB-A');
    expect(recorded.latest?.subscriber.status).toBe('provisioned');
    expect(recorded.sweptThroughMs).toBe(t.clock.now());
    expect((await t.records.read('SUB-B')).latest?.subscriber.status).toBe('error');
    // The audit trail's statusChange records are the following execution's (it knows the order): none from the sweeper
    expect(t.audit.records.length).toBe(0);
  });

  it('lists by lastStatusChange from the previous sweep minus the overlap, 100 a page, every page', async () => {
    // Prepare: 250 subscribers change status between two sweeps
    const t = await setup();
    await sweepStatusChanges(t.deps);
    const sweptAt = t.clock.now();
    t.clock.advance(5_000);
    for (let i = 0; i < 250; i++) t.set(`SUB-${i}`, 'provisioning');
    t.webex.calls.length = 0;

    // Act
    const report = await sweepStatusChanges(t.deps);

    // Assess
    expect(report).toMatchObject({ pages: 3, listed: 250, recorded: 250, complete: true });
    expect(t.listQueries()[0]).toEqual({
      lastStatusChange: String(sweptAt - STATUS_SWEEP.overlapSeconds * 1000),
      max: '100',
    });
  });

  it('starts with the subscribers in a non-final status and the recent changes', async () => {
    // Prepare: one subscriber stuck pending for two days, one provisioned two days ago
    const t = await setup();
    t.set('SUB-PENDING', 'pending_user_migration');
    t.set('SUB-OLD', 'provisioned');
    t.clock.advance(2 * 86_400_000);

    // Act
    await sweepStatusChanges(t.deps);

    // Assess
    expect(t.listQueries().map((q) => q.status ?? `lastStatusChange>${q.lastStatusChange}`)).toEqual([
      'provisioning,updating,pending_email_input,pending_email_validation,pending_user_migration',
      `lastStatusChange>${t.clock.now() - STATUS_SWEEP.initialLookbackSeconds * 1000}`,
    ]);
    expect((await t.records.read('SUB-PENDING')).latest?.subscriber.status).toBe('pending_user_migration');
    expect((await t.records.read('SUB-OLD')).latest).toBeUndefined();
  });

  it('sweeps at its interval under a lease that a second sweeper cannot take', async () => {
    // Prepare
    const t = await setup();
    const abort = new AbortController();
    const sweeps: number[] = [];

    // Act: one loop runs; a second one starts while it holds the lease
    const loop = runSweepLoop(t.deps, {
      owner: 'one',
      signal: abort.signal,
      onSweep: () => sweeps.push(t.clock.now()),
    });
    while (sweeps.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const second = await runSweepLoop(t.deps, { owner: 'two', runForMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      const before = sweeps.length;
      t.clock.advance(STATUS_SWEEP.intervalSeconds * 1000);
      while (sweeps.length === before) await new Promise((resolve) => setImmediate(resolve));
    }
    abort.abort();
    await loop;

    // Assess
    expect(second.sweeps).toBe(0);
    expect(sweeps.slice(1).map((at, i) => at - (sweeps[i] as number))).toEqual([10_000, 10_000, 10_000]);
    expect(await t.records.lease('three', t.clock.now() + 1000)).toBe(true);
  });
});

describe('Check status with the sweeper', () => {
  function waitingState(now: number, overrides: Partial<WorkflowState> = {}): WorkflowState {
    const since = iso(now - 20_000);
    return {
      kind: 'tracking',
      ref: 'track-sweep-1',
      startedAt: since,
      deadlineAt: iso(now + 86_400_000),
      subscriberId: 'SUB-C',
      lastStatus: 'provisioning',
      lastStatusChange: since,
      phase: { status: 'provisioning', since },
      checks: 1,
      route: 'poll',
      throttled: false,
      ...overrides,
    };
  }

  it('reads a fresh record without calling Webex, and checks sooner by the record’s age', async () => {
    // Prepare: provisioning recorded, then provisioned recorded by a sweep 4 s ago
    const t = await setup();
    t.set('SUB-C', 'provisioning');
    const state = waitingState(t.clock.now(), { lastStatusChange: iso(t.clock.now()) });
    await sweepStatusChanges(t.deps);
    t.clock.advance(6_000);
    const stillProvisioning = await checkStatusStep(
      { webex: t.webex, audit: t.audit, digester, clock: t.clock, statusRecords: t.records },
      state,
    );
    t.set('SUB-C', 'provisioned');
    t.clock.advance(1_000);
    await sweepStatusChanges(t.deps);
    t.clock.advance(4_000);

    // Act
    const done = await checkStatusStep(
      { webex: t.webex, audit: t.audit, digester, clock: t.clock, statusRecords: t.records },
      stillProvisioning,
    );

    // Assess: no Get at all; the first check planned its next one 6 s sooner than the poll policy's 15 s
    expect(t.gets()).toBe(0);
    expect(stillProvisioning.route).toBe('poll');
    expect(stillProvisioning.waitSeconds).toBe(15 - 6);
    expect(done.route).toBe('succeeded');
    expect(done.result?.subscriber.personId).toBe('person-SUB-C');
    // the change the sweeper recorded is audited once, by the execution that read it (in the order's trail for an order)
    expect(statusRecordsOf(t.audit, 'SUB-C').map((r) => [r.status, r.actor])).toEqual([
      [{ from: 'provisioning', to: 'provisioned' }, 'workflow:track-sweep-1'],
    ]);
  });

  it('falls back to one Get when the last sweep is too old, or behind what the workflow knows', async () => {
    // Prepare
    const t = await setup();
    t.set('SUB-C', 'provisioning');
    await sweepStatusChanges(t.deps);
    const deps = { webex: t.webex, audit: t.audit, digester, clock: t.clock, statusRecords: t.records };

    // Act: no sweep for longer than a record may be old
    t.clock.advance((STATUS_SWEEP.maxRecordAgeSeconds + 1) * 1000);
    const afterOldSweep = await checkStatusStep(deps, waitingState(t.clock.now()));
    const getsAfterOldSweep = t.gets();
    // a fresh sweep, but the workflow knows a later change (its own Provision's answer) than the record
    await sweepStatusChanges(t.deps);
    const ahead = waitingState(t.clock.now(), { lastStatusChange: iso(t.clock.now() + 500) });
    await checkStatusStep(deps, ahead);

    // Assess
    expect(getsAfterOldSweep).toBe(1);
    expect(afterOldSweep.waitSeconds).toBe(15);
    expect(t.gets()).toBe(2);
  });

  it('asks Webex itself now and then, so a removed subscriber ends its tracking though the sweeper never lists it', async () => {
    // Prepare: the sweeper keeps recording the subscriber as provisioning; it is removed at Webex meanwhile
    const t = await setup();
    t.set('SUB-C', 'provisioning');
    await sweepStatusChanges(t.deps);
    const deps = { webex: t.webex, audit: t.audit, digester, clock: t.clock, statusRecords: t.records };
    const started = waitingState(t.clock.now(), { lastStatusChange: iso(t.clock.now()) });
    t.clock.advance(5_000);
    const early = await checkStatusStep(deps, started);
    const getsEarly = t.gets();
    t.webex.delete('SUB-C');
    t.clock.advance(STATUS_SWEEP.verifyAfterSeconds * 1000);
    await sweepStatusChanges(t.deps);

    // Act
    const late = await checkStatusStep(deps, early);

    // Assess: the record served the early check; the late one asked Webex, which no longer knows the subscriber
    expect(getsEarly).toBe(0);
    expect(early.route).toBe('poll');
    expect(t.gets()).toBe(1);
    expect(late.route).toBe('removed');
    expect(late.removed).toEqual({ subscriberId: 'SUB-C', removed: true });
  });

  it('spaces its own Gets ever wider: none in the first ten minutes, then gaps as long as the execution was old', async () => {
    // Prepare: a subscriber that stays provisioning, swept every check
    const t = await setup();
    t.set('SUB-C', 'provisioning');
    const deps = { webex: t.webex, audit: t.audit, digester, clock: t.clock, statusRecords: t.records };
    let state = waitingState(t.clock.now(), { lastStatusChange: iso(t.clock.now()) });
    const startedAt = Date.parse(state.startedAt);
    const getsAt: number[] = [];

    // Act: two hours of checks, one a minute
    for (let minute = 1; minute <= 120; minute += 1) {
      t.clock.advance(60_000);
      await sweepStatusChanges(t.deps);
      const before = t.gets();
      state = await checkStatusStep(deps, state);
      if (t.gets() > before) getsAt.push(Math.round((t.clock.now() - startedAt) / 60_000));
    }

    // Assess: the first at 10 minutes, then each after a gap as long as the execution was old at the one before, on
    // the first check (a minute apart) that reaches it: 10 (10 min 20 s) → 21 (20 min 40 s) → 43 → 87
    expect(getsAt).toEqual([10, 21, 43, 87]);
    expect(state.route).toBe('poll');
  });
});
