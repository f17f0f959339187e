import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../functions/shared/logger';
import { createWebexSimulator, type FaultConfig } from '../../local/webex-simulator';
import { createManualClock } from '../support/fakes';
import { errorItems, type Harness, provisionBody, seededRandom, startHarness } from './harness';

describe('Webex simulator fault injection', () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  const started = async (seed = 42) => {
    h = await startHarness({ random: seededRandom(seed) });
    return h;
  };
  const list = (sim: Harness) => sim.call('GET', '/v1/broadworks/subscribers');
  const setFaults = (sim: Harness, faults: unknown) => sim.call('PUT', '/_simulator/faults', { json: faults });

  describe('rate limit', () => {
    it('answers 429 with an integer Retry-After from the bucket once the burst is spent, and refills on the clock', async () => {
      // Prepare
      const sim = await started();
      await setFaults(sim, { rateLimit: { requestsPerSecond: 2 } });

      // Act
      const burst = [await list(sim), await list(sim)];
      const limited = await list(sim);
      sim.clock.advance(499);
      const stillLimited = await list(sim);
      sim.clock.advance(1);
      const refilled = await list(sim);

      // Assess
      expect(burst.map((r) => r.status)).toEqual([200, 200]);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('1');
      expect(stillLimited.status).toBe(429);
      expect(refilled.status).toBe(200);
      expect(sim.sim.stats().faults.rateLimited).toBe(2);
      expect(sim.sim.stats().requests.byOperation.listSubscribers?.byStatus).toEqual({ '200': 3, '429': 2 });
    });

    it('computes Retry-After as the whole seconds until the next token at a slow rate', async () => {
      // Prepare
      const sim = await started();
      await setFaults(sim, { rateLimit: { requestsPerSecond: 0.1 } });
      await list(sim);

      // Act
      const limited = await list(sim);
      sim.clock.advance(2500);
      const later = await list(sim);

      // Assess
      expect(limited.headers.get('retry-after')).toBe('10');
      expect(later.headers.get('retry-after')).toBe('8');
    });

    it('uses retryAfterSeconds when configured', async () => {
      // Prepare
      const sim = await started();
      await setFaults(sim, { rateLimit: { requestsPerSecond: 1, retryAfterSeconds: 7 } });
      await list(sim);

      // Act
      const limited = await list(sim);

      // Assess
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
    });
  });

  describe('error share', () => {
    it('answers every request with the configured status at share 1', async () => {
      // Prepare
      const sim = await started();
      await setFaults(sim, { errorRate: { share: 1, statuses: [503] } });

      // Act
      const listed = await list(sim);
      const provisioned = await sim.call('POST', '/v1/broadworks/subscribers', { json: provisionBody() });

      // Assess
      expect([listed.status, provisioned.status]).toEqual([503, 503]);
      expect(errorItems(listed)).toHaveLength(1);
      expect(sim.sim.stats().subscribers.total).toBe(0);
      expect(sim.sim.stats().faults.error).toBe(2);
    });

    it('fails a share of requests deterministically for a seed, with the documented 5xx statuses', async () => {
      // Prepare
      const runs: number[][] = [];
      for (let run = 0; run < 2; run++) {
        const sim = await started(7);
        sim.sim.setFaults({ errorRate: { share: 0.5 } });

        // Act
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await list(sim)).status);
        runs.push(statuses);
        await sim.stop();
        h = undefined;
      }

      // Assess
      expect(runs[0]).toEqual(runs[1]);
      const failures = (runs[0] ?? []).filter((s) => s !== 200);
      expect(failures.length).toBeGreaterThan(8);
      expect(failures.length).toBeLessThan(32);
      expect(new Set(failures).size).toBeGreaterThan(1);
      for (const status of failures) expect([500, 502, 503, 504]).toContain(status);
    });
  });

  describe('latency', () => {
    it('holds the answer until the injected clock has advanced by latencyMs', async () => {
      // Prepare
      const sim = await started();
      sim.sim.setFaults({ latencyMs: 2000 });
      let answered = false;

      // Act
      const pending = list(sim).then((reply) => {
        answered = true;
        return reply;
      });
      await sim.clock.whenSleeping();
      sim.clock.advance(1999);
      await new Promise((resolve) => setImmediate(resolve));
      const earlyAnswer = answered;
      sim.clock.advance(1);
      const reply = await pending;

      // Assess
      expect(earlyAnswer).toBe(false);
      expect(reply.status).toBe(200);
      expect(sim.sim.stats().faults.latency).toBe(1);
    });
  });

  describe('stopping', () => {
    it('stops promptly while a request waits on injected latency, without logging an error', async () => {
      // Prepare
      const lines: string[] = [];
      const clock = createManualClock(0);
      const sim = createWebexSimulator({
        clock,
        logger: createLogger({}, { level: 'debug', sink: (l) => lines.push(l) }),
      });
      const { url } = await sim.start();
      sim.setFaults({ latencyMs: 60_000 });
      const waiting = fetch(`${url}/v1/broadworks/subscribers`, {
        headers: { Authorization: `Bearer ${sim.credentials.accessToken}` },
      });
      await clock.whenSleeping();

      // Act
      await sim.stop();

      // Assess
      await expect(waiting).rejects.toThrow();
      expect(clock.pendingSleeps()).toBe(0);
      expect(lines.filter((l) => JSON.parse(l).level === 'error')).toEqual([]);
    });
  });

  describe('drops and locks', () => {
    it('destroys the connection without an answer at dropShare 1, counted as dropped', async () => {
      // Prepare
      const sim = await started();
      sim.sim.setFaults({ dropShare: 1 });

      // Act
      const attempt = fetch(`${sim.url}/v1/broadworks/subscribers`, {
        headers: { Authorization: `Bearer ${sim.sim.credentials.accessToken}` },
      });

      // Assess
      await expect(attempt).rejects.toThrow();
      await new Promise((resolve) => setImmediate(resolve));
      expect(sim.sim.stats().faults.drop).toBe(1);
      expect(sim.sim.stats().requests.byOperation.listSubscribers?.byStatus).toEqual({ dropped: 1 });
    });

    it('answers 423 with Retry-After at lockedShare 1', async () => {
      // Prepare
      const sim = await started();
      sim.sim.setFaults({ lockedShare: 1, lockedRetryAfterSeconds: 3 });

      // Act
      const reply = await list(sim);

      // Assess
      expect(reply.status).toBe(423);
      expect(reply.headers.get('retry-after')).toBe('3');
    });
  });

  describe('selection and reset', () => {
    it('applies faults only to the selected operations', async () => {
      // Prepare
      const sim = await started();
      const sub = await sim.provision();
      await setFaults(sim, { errorRate: { share: 1, statuses: [502] }, operations: ['getSubscriber'] });

      // Act
      const get = await sim.call('GET', `/v1/broadworks/subscribers/${sub.id}`);
      const listed = await list(sim);
      const token = await sim.call('POST', '/v1/access_token', {
        raw: 'grant_type=password',
        contentType: 'application/x-www-form-urlencoded',
        token: null,
      });

      // Assess
      expect(get.status).toBe(502);
      expect(listed.status).toBe(200);
      expect(token.status).toBe(400);
    });

    it('can fault the token endpoint too', async () => {
      // Prepare
      const sim = await started();
      sim.sim.setFaults({ errorRate: { share: 1, statuses: [500] }, operations: ['accessToken'] });

      // Act
      const reply = await sim.call('POST', '/v1/access_token', {
        raw: 'grant_type=refresh_token',
        contentType: 'application/x-www-form-urlencoded',
        token: null,
      });

      // Assess
      expect(reply.status).toBe(500);
    });

    it('never faults the control API', async () => {
      // Prepare
      const sim = await started();
      sim.sim.setFaults({ errorRate: { share: 1 }, dropShare: 0 });

      // Act
      const stats = await sim.call('GET', '/_simulator/stats');

      // Assess
      expect(stats.status).toBe(200);
    });

    it('reads back, clears with DELETE /_simulator/faults, and forgets faults on reset', async () => {
      // Prepare
      const sim = await started();
      const faults: FaultConfig = { errorRate: { share: 1, statuses: [500] }, operations: ['listSubscribers'] };
      await setFaults(sim, faults);

      // Act
      const read = await sim.call('GET', '/_simulator/faults');
      const failing = await list(sim);
      const cleared = await sim.call('DELETE', '/_simulator/faults');
      const afterClear = await list(sim);
      sim.sim.setFaults(faults);
      sim.sim.reset();
      const afterReset = await list(sim);
      sim.sim.setFaults(faults);
      sim.sim.resetFaults();
      const afterResetFaults = await list(sim);

      // Assess
      expect(read.body).toEqual(faults);
      expect(failing.status).toBe(500);
      expect(cleared.status).toBe(204);
      expect(afterClear.status).toBe(200);
      expect(afterReset.status).toBe(200);
      expect(afterResetFaults.status).toBe(200);
    });

    it.each([
      [{ errorRate: { share: 2 } }, 'errorRate.share'],
      [{ errorRate: { share: 0.5, statuses: [404] } }, 'errorRate.statuses[0]'],
      [{ rateLimit: { requestsPerSecond: 0 } }, 'rateLimit.requestsPerSecond'],
      [{ latencyMs: -5 }, 'latencyMs'],
      [{ dropShare: 'half' }, 'dropShare'],
      [{ operations: ['nope'] }, 'operations[0]'],
      [{ surprise: true }, ''],
    ])('refuses the invalid fault configuration %j with 400', async (faults, fieldName) => {
      // Prepare
      const sim = await started();

      // Act
      const reply = await setFaults(sim, faults);

      // Assess
      expect(reply.status).toBe(400);
      if (fieldName) expect(errorItems(reply).map((e) => e.fieldName)).toContain(fieldName);
      expect(() => sim.sim.setFaults(faults as FaultConfig)).toThrow(/invalid/);
    });
  });
});
