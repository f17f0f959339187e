/**
 * Bulk throughput: N orders (1,000 and 10,000 by default) submitted as batches — POST /v1/batches through the real
 * handler, at most 5,000 orders per batch (the API's limit), all batches at once — and run by the REAL batch workflow and
 * provisioning workflow on the local engine against the Webex simulator limited to R requests per second (token bucket,
 * 429 with Retry-After), with our own pacing of Webex calls at the same R (the Webex state table's token bucket on
 * dynalite) and the status sweeper running in-process. dynalite runs in a process of its own (DynamoDB never takes a
 * Lambda's CPU in AWS), and the Webex client retries as deployed. The batches together start at most R / 2 orders
 * per second (BATCH_START_RATE_PER_SECOND = R / 2 / batches): what R carries at 2 calls per order.
 *
 * Each order needs 2 Webex calls (precheck, provision); its status comes from the sweeper's List, not from a Get per
 * order. So no client finishes faster than the bound: 2 × N / R, plus one provisioning delay (the last order's), plus
 * one sweep interval (until a sweep sees it). Wall time runs from the first submit until every order (and every
 * batch's execution) has ended. Goals (issue 16): wall time ≤ 1.15× that bound, 429s < 2 % of the Webex calls, 0 orders
 * lost, 0 duplicate subscribers; API calls made during the run answer as usual (a Get through the real handler every
 * few seconds, against the same Gets before the run); and each batch's counts (GET /v1/batches/{batchId}) agree with
 * its orders' executions.
 *
 * Time: the simulator, the handlers, the sweeper and the engine share one scaled clock (BENCH_BULK_SPEED, default 1 =
 * real time), so R is per simulated second and every wait keeps its meaning.
 *
 *   npm run bench:bulk                         # BENCH_BULK_ORDERS=200,1000 BENCH_BULK_RPS=10 … for other runs
 */

import './support/quiet';
import { RULES, STATUS_SWEEP } from '../functions/domain/contract/rules';
import type { ExecutionRecord } from '../local/stepfunctions';
import { apiGet, provisionProbe } from './support/api-probe';
import {
  type BatchCounts,
  batchCounts,
  endedOrders,
  getBatch,
  splitIntoBatches,
  submitBatches,
  waitForBatches,
} from './support/bulk-batches';
import { type BenchGoal, type BenchSection, isMain, runStandalone } from './support/report';
import { createScaledClock } from './support/scaled-clock';
import { quantile, ratio, table } from './support/stats';
import { benchOrder, startWorkflowRig } from './support/workflow-rig';

export const GOAL_RATIO = 1.15;
export const GOAL_THROTTLED_SHARE = 0.02;
/** Webex calls every order needs: precheck and provision. */
const CALLS_PER_ORDER = 2;

export interface BulkOptions {
  /** Order counts, one run each. */
  orders?: number[];
  requestsPerSecond?: number;
  speed?: number;
  /** Simulator provisioning delay (simulated ms); default the simulator's 5 s. */
  provisioningDelayMs?: number;
  /** Give up after this many real seconds per run (a stuck run still reports). */
  timeoutSeconds?: number;
}

interface RunResult {
  orders: number;
  boundSeconds: number;
  wallSeconds: number;
  wallRealSeconds: number;
  timedOut: boolean;
  webexCalls: number;
  throttled: number;
  byOperation: Record<string, number>;
  succeeded: number;
  lost: number;
  duplicates: number;
  failures: string[];
  sweeps: number;
  sweepPages: number;
  /** Sweeps that failed during the run, by error name. */
  sweepFailures: Record<string, number>;
  /** The longest time between two sweeps' ends during the run (simulated s). */
  longestSweepGapSeconds: number;
  batches: BatchCounts;
  api: { before: number[]; during: number[]; statuses: Record<string, number> };
}

async function runOnce(
  orderCount: number,
  rps: number,
  speed: number,
  provisioningDelayMs: number,
  timeoutSeconds?: number,
) {
  const boundSeconds = (CALLS_PER_ORDER * orderCount) / rps + provisioningDelayMs / 1000 + STATUS_SWEEP.intervalSeconds;
  const limitSeconds = timeoutSeconds ?? Math.max(180, (boundSeconds * 3) / speed);
  const batchCount = Math.ceil(orderCount / RULES.maxBatchOrders);
  const clock = createScaledClock(speed);
  const rig = await startWorkflowRig({
    clock,
    timeScale: 1 / speed,
    simulator: { provisioningDelayMs },
    maxClosedExecutions: orderCount + 10,
    pacingRequestsPerSecond: rps,
    statusSweeper: true,
    batches: { startRatePerSecond: rps / 2 / batchCount },
    dynamoInOwnProcess: true,
    deployedWebexRetries: true,
  });
  try {
    // The simulator's limit applies to the subscriber operations; the token grant (once per cold start) is left out.
    rig.sim.setFaults({
      rateLimit: { requestsPerSecond: rps },
      operations: ['precheckSubscriber', 'provisionSubscriber', 'getSubscriber', 'listSubscribers'],
    });
    // A subscriber for the API Gets, provisioned before the run; its Gets before the run are the usual time.
    process.stderr.write(`bulk ${orderCount}: probe order\n`);
    const probeId = await provisionProbe(rig);
    const before: number[] = [];
    for (let i = 0; i < 20; i++) before.push((await apiGet(clock, probeId)).ms);
    const statsBefore = rig.sim.stats();
    const failuresBefore = rig.sweepFailures().length;

    const orders = Array.from({ length: orderCount }, () => benchOrder('bulk'));
    const startedSim = clock.now();
    const startedReal = performance.now();
    const batches = await submitBatches(`bulk-${Date.now().toString(36)}`, splitIntoBatches(orders));
    const progress = setInterval(() => {
      const done = endedOrders(rig, batches);
      process.stderr.write(
        `bulk ${orderCount}: ${done} ended at ${((clock.now() - startedSim) / 1000).toFixed(0)} s (sim), ` +
          `${rig.sim.stats().requests.total} Webex requests, ${rig.sweeps().length} sweeps\n`,
      );
    }, 10_000);
    progress.unref();

    // API calls during the run: one Get every 2 simulated seconds until every order has ended.
    let running = true;
    const during: number[] = [];
    const statuses: Record<string, number> = {};
    const apiLoop = (async () => {
      while (running) {
        const { status, ms } = await apiGet(clock, probeId);
        during.push(ms);
        statuses[status] = (statuses[status] ?? 0) + 1;
        await clock.sleep(2_000);
      }
    })();

    let timedOut = false;
    const finished = await Promise.race([
      waitForBatches(rig, batches),
      new Promise<ExecutionRecord[] | undefined>((resolve) => {
        setTimeout(() => {
          timedOut = true;
          resolve(undefined);
        }, limitSeconds * 1000).unref();
      }),
    ]);
    const wallSeconds = (clock.now() - startedSim) / 1000;
    const wallRealSeconds = (performance.now() - startedReal) / 1000;
    running = false;
    clearInterval(progress);
    await apiLoop;

    const stats = rig.sim.stats();
    const byOperation: Record<string, number> = {};
    let webexCalls = 0;
    let throttled = 0;
    for (const [operation, value] of Object.entries(stats.requests.byOperation)) {
      if (operation === 'accessToken' || value === undefined) continue;
      const earlier = statsBefore.requests.byOperation[operation as keyof typeof stats.requests.byOperation];
      const total = value.total - (earlier?.total ?? 0);
      byOperation[operation] = total;
      webexCalls += total;
      throttled += (value.byStatus['429'] ?? 0) - (earlier?.byStatus['429'] ?? 0);
    }
    const ended = finished ?? [];
    const succeeded = ended.filter((e) => e.status === 'SUCCEEDED').length;
    const failures = [
      ...new Set(ended.filter((e) => e.status !== 'SUCCEEDED').map((e) => `${e.status} ${e.error ?? ''}`.trim())),
    ];
    // Every order has its own userId: any subscriber beyond one per order (and the probe) is a duplicate.
    const duplicates = Math.max(0, stats.subscribers.total - orderCount - 1);
    const sweeps = rig.sweeps().filter((r) => r.endedAtMs >= startedSim);
    const sweepEnds = [startedSim, ...sweeps.map((r) => r.endedAtMs), startedSim + wallSeconds * 1000];
    const sweepGaps = sweepEnds.slice(1).map((end, i) => end - (sweepEnds[i] as number));
    const sweepFailures: Record<string, number> = {};
    for (const name of rig.sweepFailures().slice(failuresBefore)) sweepFailures[name] = (sweepFailures[name] ?? 0) + 1;
    const views = await Promise.all(batches.map(({ batchId }) => getBatch(batchId)));
    return {
      orders: orderCount,
      boundSeconds,
      wallSeconds,
      wallRealSeconds,
      timedOut,
      webexCalls,
      throttled,
      byOperation,
      succeeded,
      lost: orderCount - succeeded,
      duplicates,
      failures,
      sweeps: sweeps.length,
      sweepPages: sweeps.reduce((sum, r) => sum + r.pages, 0),
      sweepFailures,
      longestSweepGapSeconds: Math.max(...sweepGaps) / 1000,
      batches: batchCounts(views, succeeded, orderCount - succeeded),
      api: { before, during, statuses },
    } satisfies RunResult;
  } finally {
    await rig.stop();
  }
}

const ms = (values: number[], p: number) => (values.length === 0 ? '—' : `${quantile(values, p / 100).toFixed(0)} ms`);
const pct = (part: number, whole: number) => `${((100 * part) / Math.max(1, whole)).toFixed(2)} %`;

export async function runBulkThroughput(options: BulkOptions = {}): Promise<BenchSection> {
  const counts =
    options.orders ??
    (process.env.BENCH_BULK_ORDERS ?? '1000,10000')
      .split(',')
      .map((v) => Number(v.trim()))
      .filter((v) => Number.isInteger(v) && v > 0);
  const rps = options.requestsPerSecond ?? Number(process.env.BENCH_BULK_RPS ?? 50);
  const speed = options.speed ?? Number(process.env.BENCH_BULK_SPEED ?? 1);
  const provisioningDelayMs = options.provisioningDelayMs ?? 5000;

  const results: RunResult[] = [];
  for (const count of counts) {
    results.push(await runOnce(count, rps, speed, provisioningDelayMs, options.timeoutSeconds));
  }

  const rows = results.map((r) => [
    r.orders.toLocaleString('en-US'),
    `${r.boundSeconds.toFixed(0)} s`,
    r.timedOut ? `> ${r.wallSeconds.toFixed(1)} s (timed out)` : `${r.wallSeconds.toFixed(1)} s`,
    ratio(r.wallSeconds / r.boundSeconds),
    String(r.webexCalls),
    `${r.throttled} (${pct(r.throttled, r.webexCalls)})`,
    ((r.webexCalls - r.throttled) / r.orders).toFixed(2),
    `${r.sweeps} / ${r.sweepPages} / ${Object.values(r.sweepFailures).reduce((sum, n) => sum + n, 0)}`,
    String(r.lost),
    String(r.duplicates),
    `${r.batches.count}: ${r.batches.succeeded} / ${r.batches.failed} / ${r.batches.running}`,
    `${ms(r.api.before, 50)} / ${ms(r.api.before, 95)}`,
    `${ms(r.api.during, 50)} / ${ms(r.api.during, 95)} (${r.api.during.length})`,
  ]);
  const calls = results.map(
    (r) =>
      `${r.orders.toLocaleString('en-US')} orders: ${Object.entries(r.byOperation)
        .filter(([, n]) => n > 0)
        .map(([op, n]) => `${op} ${n}`)
        .join(', ')}; ${r.wallRealSeconds.toFixed(1)} s real; longest gap between sweeps ` +
      `${r.longestSweepGapSeconds.toFixed(1)} s` +
      (Object.keys(r.sweepFailures).length > 0
        ? `; failed sweeps: ${Object.entries(r.sweepFailures)
            .map(([name, n]) => `${name} ${n}`)
            .join(', ')}`
        : '') +
      (r.failures.length > 0 ? `; not succeeded: ${r.failures.join(', ')}` : ''),
  );
  const body = [
    table(
      [
        'orders',
        'bound 2N/R + delay + sweep',
        'wall time',
        '× bound',
        'Webex calls',
        '429s',
        'accepted calls / order',
        'sweeps / pages / failed',
        'lost',
        'duplicates',
        'batches: succeeded / failed / running (GET)',
        'API Get before (p50 / p95)',
        'API Get during (p50 / p95, n)',
      ],
      rows,
    ),
    '',
    `R = ${rps} requests/s at the simulator and in our pacing; orders go in as batches (POST /v1/batches, at most ` +
      `${RULES.maxBatchOrders.toLocaleString('en-US')} orders each, submitted together), started by the batch workflow ` +
      `at ${rps / 2} orders/s in all (R / 2); provisioning delay ` +
      `${provisioningDelayMs / 1000} s; sweep interval ${STATUS_SWEEP.intervalSeconds} s; clock speed ${speed}× (times in ` +
      'simulated seconds). Webex calls by operation (the token grant left out):',
    '',
    ...calls.map((line) => `- ${line}`),
  ].join('\n');

  const goals: BenchGoal[] = results.flatMap((r) => {
    const n = r.orders.toLocaleString('en-US');
    const apiOk = (r.api.statuses['200'] ?? 0) === r.api.during.length && r.api.during.length > 0;
    return [
      {
        goal: `${n} orders: wall time ≤ ${GOAL_RATIO}× the bound ${r.boundSeconds.toFixed(0)} s`,
        measured: `${r.wallSeconds.toFixed(1)} s = ${ratio(r.wallSeconds / r.boundSeconds)}`,
        met: !r.timedOut && r.wallSeconds / r.boundSeconds <= GOAL_RATIO,
      },
      {
        goal: `${n} orders: 429s < ${GOAL_THROTTLED_SHARE * 100} % of Webex calls`,
        measured: `${r.throttled} of ${r.webexCalls} = ${pct(r.throttled, r.webexCalls)}`,
        met: r.throttled / Math.max(1, r.webexCalls) < GOAL_THROTTLED_SHARE,
      },
      { goal: `${n} orders: 0 orders lost`, measured: `${r.lost} lost`, met: r.lost === 0 && !r.timedOut },
      { goal: `${n} orders: 0 duplicate subscribers`, measured: `${r.duplicates}`, met: r.duplicates === 0 },
      {
        goal: `${n} orders: the batches' counts (GET /v1/batches/{batchId}) agree with the orders' executions`,
        measured:
          `${r.batches.count} batch(es) ${r.batches.statuses.join(', ')}: ${r.batches.succeeded} succeeded, ` +
          `${r.batches.failed} failed, ${r.batches.running} running; executions: ${r.succeeded} succeeded`,
        met: r.batches.agree && !r.timedOut,
      },
      {
        goal: `${n} orders: API Gets during the run all answered 200 (no caller throttled by the bulk run)`,
        measured: `${r.api.statuses['200'] ?? 0} of ${r.api.during.length}; p95 ${ms(r.api.during, 95)} (before: ${ms(r.api.before, 95)})`,
        met: apiOk,
      },
    ];
  });
  return {
    title: `Bulk throughput (${counts.join(' and ')} orders, R = ${rps} requests/s)`,
    body,
    goals,
  };
}

if (isMain(import.meta.url)) await runStandalone(() => runBulkThroughput());
