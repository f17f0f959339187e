import { describe, expect, it } from 'vitest';
import { systemClock } from '../../functions/domain/ports/clock';
import { createManualClock, isControllableClock } from '../../local/webex-simulator/manual-clock';

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
