/**
 * Fuzzing the workflow's order input with a fixed seed: any JSON, mutated orders and malformed tracking requests
 * started straight at the local Step Functions engine (the real definition and task handlers, the simulator, dynalite).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultHarness, startFaultHarness } from '../reliability/support/fault-harness';
import { workflowInputProperty } from './support/workflow-fuzz';

const SEED = 20250305;

let h: FaultHarness;

beforeAll(async () => {
  h = await startFaultHarness({ seed: SEED });
});
afterAll(async () => {
  await h?.stop();
});

describe('fuzzing the workflow input', () => {
  it('ends every execution; an invalid order with InvalidOrder and its errors, never an internal error', async () => {
    // Prepare
    const ends = new Map<string, number>();

    // Act
    await fc.assert(workflowInputProperty(h, ends), { numRuns: 200, seed: SEED, endOnFailure: true });

    // Assess
    expect([...ends.values()].reduce((a, b) => a + b, 0)).toBe(200);
    expect(ends.get('InvalidOrder')).toBeGreaterThan(100);
    expect([...ends.keys()].filter((end) => end === 'InternalError' || end.startsWith('States.'))).toEqual([]);
  });
});
