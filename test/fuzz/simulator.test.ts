/**
 * Fuzzing the simulator's control API and token endpoint with a fixed seed (its Subscribers API is fuzzed by
 * `test/simulator/robustness.test.ts`).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../functions/shared/logger';
import { createWebexSimulator, type WebexSimulator } from '../../local/webex-simulator';
import { createManualClock } from '../support/fakes';
import { simulatorProperty } from './support/simulator-fuzz';

const SEED = 20250306;

let sim: WebexSimulator;
let url: string;

beforeAll(async () => {
  sim = createWebexSimulator({
    clock: createManualClock(Date.UTC(2025, 2, 6)),
    logger: createLogger({}, { level: 'silent' }),
  });
  ({ url } = await sim.start({ port: 0, host: '127.0.0.1' }));
});
afterAll(async () => {
  await sim?.stop();
});

describe('fuzzing the simulator control API and token endpoint', () => {
  it('never answers 5xx, and every refusal carries the trackingId', async () => {
    // Prepare
    const statuses = new Map<number, number>();

    // Act
    await fc.assert(
      simulatorProperty(url, () => sim.reset(), statuses),
      { numRuns: 300, seed: SEED, endOnFailure: true },
    );

    // Assess
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect((await fetch(`${url}/_simulator/health`)).status).toBe(200);
  });
});
