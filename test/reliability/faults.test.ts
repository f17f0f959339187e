/**
 * The provisioning workflow under Webex faults and task crashes (the small, deterministic version of `npm run soak`):
 * the real workflow, task handlers, simulator and audit table, a manual clock and zero waits, seeded fault decisions.
 * Every order must end as the same kind of order ends without faults, leave one subscriber at Webex, and find every
 * audit record of its fault-free run written exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultHarness, startFaultHarness } from './support/fault-harness';
import {
  BATCH_MIX,
  type Baseline,
  type BatchReport,
  FAULT_MIXES,
  type FaultMix,
  ORDER_KINDS,
  planOrders,
  recordBaseline,
  runBatch,
  runBatchUnderFaults,
} from './support/scenario';

const SEED = 20250303;

let h: FaultHarness;
let baseline: Baseline;

beforeAll(async () => {
  h = await startFaultHarness({ seed: SEED });
  baseline = await recordBaseline(h, 'baseline');
});
afterAll(async () => {
  await h?.stop();
});

function mix(name: string): FaultMix {
  const found = FAULT_MIXES.find((m) => m.name === name);
  if (!found) throw new Error(`no fault mix ${name}`);
  return found;
}

function expectNothingLost(report: BatchReport) {
  expect(report.violations).toEqual([]);
  expect(report.wrongEnds).toBe(0);
  expect(report.duplicateSubscribers).toBe(0);
  expect(report.missingAudit).toBe(0);
  expect(report.duplicateAudit).toBe(0);
  expect(report.unexpectedAudit).toBe(0);
}

describe('reliability: the fault-free baseline', () => {
  it('ends each kind of order as the workflow is designed to', () => {
    // Assess
    expect(Object.fromEntries(baseline.ends)).toEqual({
      direct: 'SUCCEEDED',
      emailLater: 'SUCCEEDED',
      validateEmail: 'SUCCEEDED',
      migrate: 'SUCCEEDED',
      backgroundError: 'ProvisioningFailed',
      precheckRefused: 'PrecheckFailed',
      invalid: 'InvalidOrder',
    });
    expect([...baseline.keys.keys()]).toEqual([...ORDER_KINDS]);
    expect(baseline.keys.get('direct')?.filter((k) => k === 'step:finish')).toHaveLength(1);
  });
});

describe('reliability: one kind of fault at a time', () => {
  const cases: Array<[string, keyof BatchReport['faults'], 'taskRetries' | 'throttleWaits' | undefined]> = [
    ['rate-limit', 'rateLimited', 'throttleWaits'],
    ['5xx', 'error', 'taskRetries'],
    ['slow', 'latency', undefined],
    ['drops', 'drop', 'taskRetries'],
    ['locked', 'locked', 'throttleWaits'],
    ['crashes', 'crash', 'taskRetries'],
  ];

  for (const [name, fault, retried] of cases) {
    it(`survives ${name}: same ends, no duplicate subscriber, every audit record once`, async () => {
      // Prepare
      const orders = planOrders(`single-${name}`, 2 * ORDER_KINDS.length);

      // Act
      const { report } = await runBatch(h, mix(name), orders, { baseline, seed: SEED });

      // Assess
      expect(report.faults[fault]).toBeGreaterThan(0);
      if (retried) expect(report[retried]).toBeGreaterThan(0);
      expectNothingLost(report);
    });
  }
});

describe('reliability: a storm of every fault at once', () => {
  it('ends every order as without faults, provisions none twice and audits every transition once', async () => {
    // Prepare
    const orders = planOrders('storm', 5 * ORDER_KINDS.length);

    // Act
    const { report } = await runBatch(h, mix('storm'), orders, { baseline, seed: SEED });

    // Assess
    for (const kind of ['rateLimited', 'error', 'latency', 'drop', 'locked', 'crash'] as const) {
      expect(report.faults[kind], kind).toBeGreaterThan(0);
    }
    expect(report.taskRetries).toBeGreaterThan(0);
    expect(report.throttleWaits).toBeGreaterThan(0);
    expect(report.ends).toEqual({ SUCCEEDED: 20, ProvisioningFailed: 5, PrecheckFailed: 5, InvalidOrder: 5 });
    expectNothingLost(report);
  });

  it('injects the same faults for the same seed and orders', async () => {
    // Prepare
    const runs: BatchReport[] = [];

    // Act
    for (const prefix of ['again-a', 'again-b']) {
      const { report } = await runBatch(h, mix('storm'), planOrders(prefix, 2 * ORDER_KINDS.length), {
        baseline,
        seed: SEED + 7,
      });
      runs.push(report);
    }

    // Assess
    const [first, second] = runs;
    expect(second?.faults).toEqual(first?.faults);
    expect(second?.taskRetries).toBe(first?.taskRetries);
    expect(second?.throttleWaits).toBe(first?.throttleWaits);
    expect(second?.ends).toEqual(first?.ends);
  });
});

describe('reliability: a batch under faults', () => {
  it('ends every order of a batch as without faults, counts them right and starts none twice', {
    timeout: 180_000,
  }, async () => {
    // Prepare: every kind the batch API accepts; the chunk task crashes once (before or after starting its orders)
    const orders = planOrders('batch', 3 * ORDER_KINDS.length);

    // Act
    const { report } = await runBatchUnderFaults(h, { ...BATCH_MIX, chunkCrashShare: 1 }, orders, {
      baseline,
      seed: SEED,
      batchId: 'reliability-batch',
    });

    // Assess
    expect(report.orders).toBe(3 * (ORDER_KINDS.length - 1));
    expect(report.faults.error).toBeGreaterThan(0);
    expect(report.faults.crash).toBeGreaterThan(0);
    expect(h.crashed.has('reliability-batch#0')).toBe(true);
    expect(report.ends).toEqual({ SUCCEEDED: 12, ProvisioningFailed: 3, PrecheckFailed: 3 });
    expectNothingLost(report);
  });
});

describe('reliability: the checks themselves', () => {
  it('reports an order that ends otherwise than its baseline', async () => {
    // Prepare: a baseline that claims a refused precheck succeeds
    const lying: Baseline = {
      ends: new Map(baseline.ends).set('precheckRefused', 'SUCCEEDED'),
      keys: new Map(baseline.keys).set('precheckRefused', [
        ...(baseline.keys.get('precheckRefused') ?? []),
        'step:precheck',
      ]),
    };
    const orders = planOrders('lying', ORDER_KINDS.length);

    // Act
    const { report } = await runBatch(h, mix('none'), orders, { baseline: lying, seed: SEED });

    // Assess
    expect(report.wrongEnds).toBe(1);
    expect(report.missingAudit).toBe(1);
    expect(report.violations.map((v) => v.kind)).toEqual(['precheckRefused', 'precheckRefused']);
  });
});
