import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../functions/domain/errors';
import type { AuditRecord } from '../../functions/domain/ports/audit';
import { systemClock } from '../../functions/domain/ports/clock';
import { isControllableClock } from '../../local/webex-simulator';
import { createManualClock, FakeWebex, InMemoryAuditStore } from './fakes';

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('createManualClock', () => {
  it('starts at the given time and only moves when advanced', () => {
    // Prepare
    const clock = createManualClock(1_000);

    // Act
    const before = clock.now();
    clock.advance(250);

    // Assess
    expect(before).toBe(1_000);
    expect(clock.now()).toBe(1_250);
  });

  it('resolves a sleep only once the clock is advanced past its due time, earliest first', async () => {
    // Prepare
    const clock = createManualClock(0);
    const woke: string[] = [];
    const long = clock.sleep(300).then(() => woke.push('long'));
    const short = clock.sleep(100).then(() => woke.push('short'));

    // Act
    clock.advance(99);
    await flush();
    const afterFirst = [...woke];
    clock.advance(1_000);
    await Promise.all([long, short]);

    // Assess
    expect(afterFirst).toEqual([]);
    expect(woke).toEqual(['short', 'long']);
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('resolves a zero or negative sleep at once', async () => {
    // Prepare
    const clock = createManualClock(0);

    // Act / Assess
    await expect(clock.sleep(0)).resolves.toBeUndefined();
    await expect(clock.sleep(-5)).resolves.toBeUndefined();
  });

  it('rejects a sleep when its signal aborts and forgets the sleeper', async () => {
    // Prepare
    const clock = createManualClock(0);
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);

    // Act
    controller.abort(new Error('stop'));

    // Assess
    await expect(sleeping).rejects.toThrow('stop');
    expect(clock.pendingSleeps()).toBe(0);
    await expect(clock.sleep(5, controller.signal)).rejects.toThrow('stop');
  });

  it('tells when someone sleeps, when the next wake is due, and advances to it', async () => {
    // Prepare
    const clock = createManualClock(10);
    const waiting = clock.whenSleeping(2);
    let ready = false;
    void waiting.then(() => {
      ready = true;
    });

    // Act
    const first = clock.sleep(50);
    await flush();
    const readyAfterOne = ready;
    void clock.sleep(20);
    await waiting;
    const next = clock.nextWakeAt();
    const advanced = clock.advanceToNext();

    // Assess
    expect(readyAfterOne).toBe(false);
    expect(next).toBe(30);
    expect(advanced).toBe(true);
    expect(clock.now()).toBe(30);
    expect(clock.pendingSleeps()).toBe(1);
    clock.advance(100);
    await first;
    expect(clock.advanceToNext()).toBe(false);
  });

  it('never goes backwards and refuses non-finite moves', () => {
    // Prepare
    const clock = createManualClock(100);

    // Act / Assess
    expect(() => clock.set(50)).toThrow(/backwards/);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    clock.set(200);
    expect(clock.now()).toBe(200);
  });

  it('is recognised as controllable, unlike the system clock', () => {
    // Act / Assess
    expect(isControllableClock(createManualClock(0))).toBe(true);
    expect(isControllableClock(systemClock)).toBe(false);
  });
});

const recordAt = (id: string, at: string, orderId = 'order-1'): AuditRecord => ({
  id,
  at,
  actor: 'workflow:order-1',
  action: 'orderStep',
  orderId,
  outcome: { result: 'success' },
});

describe('InMemoryAuditStore', () => {
  it('writes a record once per id, as the conditional put does', async () => {
    // Prepare
    const audit = new InMemoryAuditStore();

    // Act
    const first = await audit.append(recordAt('r1', '2025-01-01T00:00:00.000Z'));
    const again = await audit.append({ ...recordAt('r1', '2025-01-01T00:00:09.000Z'), detail: 'other' });

    // Assess
    expect([first, again]).toEqual([{ written: true }, { written: false }]);
    expect(audit.records).toEqual([recordAt('r1', '2025-01-01T00:00:00.000Z')]);
    expect(audit.appendCalls).toBe(2);
  });

  it('pages an order newest first with a cursor to the older records', async () => {
    // Prepare
    const audit = new InMemoryAuditStore([
      recordAt('a', '2025-01-01T00:00:01.000Z'),
      recordAt('c', '2025-01-01T00:00:03.000Z'),
      recordAt('b', '2025-01-01T00:00:02.000Z'),
      recordAt('x', '2025-01-01T00:00:04.000Z', 'order-2'),
    ]);

    // Act
    const first = await audit.listByOrder('order-1', { max: 2 });
    const second = await audit.listByOrder('order-1', { max: 2, cursor: first.cursor });

    // Assess
    expect(first.items.map((r) => r.id)).toEqual(['c', 'b']);
    expect(second.items.map((r) => r.id)).toEqual(['a']);
    expect(second.cursor).toBeUndefined();
  });

  it('throws on the next appends it is told to fail, then writes again', async () => {
    // Prepare
    const audit = new InMemoryAuditStore();
    audit.failNextAppends(1);

    // Act
    const failure = await audit.append(recordAt('r1', '2025-01-01T00:00:00.000Z')).catch((e: unknown) => e);
    const retried = await audit.append(recordAt('r1', '2025-01-01T00:00:00.000Z'));

    // Assess
    expect((failure as Error).name).toBe('ProvisionedThroughputExceededException');
    expect(retried).toEqual({ written: true });
  });
});

describe('FakeWebex', () => {
  const call = { trackingId: 'TRACK_fakes' };
  const body = {
    provisioningId: 'prov-1',
    userId: 'ada@sp.example.com',
    spEnterpriseId: 'ent-1',
    firstName: 'Ada',
    lastName: 'Lovelace',
    package: 'standard' as const,
  };

  it('provisions once per userId in an enterprise and refuses the second with 409 10022', async () => {
    // Prepare
    const webex = new FakeWebex({ clock: { now: () => Date.UTC(2025, 0, 1) } });

    // Act
    const created = await webex.provision(body, call);
    const second = await webex.provision(body, call).catch((e: unknown) => e);

    // Assess
    expect(created.value).toMatchObject({ userId: 'ada@sp.example.com', status: 'provisioning' });
    expect(second).toBeInstanceOf(UpstreamError);
    expect(second).toMatchObject({ status: 409, errors: [{ errorCode: 10022 }] });
    expect(webex.calls.map((c) => c.op)).toEqual(['provision', 'provision']);
  });

  it('answers 404 for a subscriber it does not hold', async () => {
    // Act
    const failure = await new FakeWebex().get('nobody', call).catch((e: unknown) => e);

    // Assess
    expect(failure).toMatchObject({ name: 'UpstreamError', status: 404 });
  });

  it('lists the changes strictly after lastStatusChange, filtered by status, a page at a time', async () => {
    // Prepare
    const clock = createManualClock(Date.UTC(2025, 0, 1));
    const webex = new FakeWebex({ clock });
    webex.set('SUB-OLD', 'provisioned');
    const since = clock.now();
    clock.advance(1_000);
    for (const id of ['SUB-1', 'SUB-2', 'SUB-3']) webex.set(id, 'provisioning');
    webex.set('SUB-4', 'error');

    // Act
    const first = await webex.list({ lastStatusChange: String(since), status: 'provisioning', max: '2' }, call);
    const next = await webex.list(first.value.nextQuery as Record<string, string>, call);

    // Assess
    expect(first.value.items.map((s) => s.id)).toEqual(['SUB-1', 'SUB-2']);
    expect(next.value.items.map((s) => s.id)).toEqual(['SUB-3']);
    expect(next.value.nextQuery).toBeUndefined();
  });
});
