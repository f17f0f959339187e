/**
 * Bulk throughput: N orders (default 1,000) started at once through the REAL workflow on the local engine against the
 * Webex simulator limited to R requests per second (token bucket, 429 with Retry-After). Each order needs at least 3
 * Webex calls (precheck, provision, one status check), so no client can finish faster than the bound 3 × N / R seconds.
 * Reported: wall time against that bound, the share of 429 answers, and orders lost (must be 0).
 *
 * Time: the simulator, the handlers and the engine share one scaled clock (BENCH_BULK_SPEED, default 1 = real time), so
 * R is per simulated second and every Retry-After, poll wait and provisioning delay keeps its meaning. Defaults: R = 50,
 * N = 1,000 → bound 60 s. Goal (issue 7): within 1.25× of the bound.
 *
 *   npm run bench:bulk                         # BENCH_BULK_ORDERS=200 BENCH_BULK_RPS=10 … for a smaller run
 */
import type { ExecutionRecord } from '../local/stepfunctions';
import { type BenchSection, isMain, runStandalone } from './support/report';
import { createScaledClock } from './support/scaled-clock';
import { ratio, table } from './support/stats';
import { benchOrder, startWorkflowRig } from './support/workflow-rig';

export const GOAL_RATIO = 1.25;

export interface BulkOptions {
  orders?: number;
  requestsPerSecond?: number;
  speed?: number;
  /** Simulator provisioning delay (simulated ms); default the simulator's 5 s. */
  provisioningDelayMs?: number;
  /** Give up after this many real seconds (a stuck run still reports). */
  timeoutSeconds?: number;
}

export async function runBulkThroughput(options: BulkOptions = {}): Promise<BenchSection> {
  const orders = options.orders ?? Number(process.env.BENCH_BULK_ORDERS ?? 1000);
  const rps = options.requestsPerSecond ?? Number(process.env.BENCH_BULK_RPS ?? 50);
  const speed = options.speed ?? Number(process.env.BENCH_BULK_SPEED ?? 1);
  const provisioningDelayMs = options.provisioningDelayMs ?? 5000;
  const boundSeconds = (3 * orders) / rps;
  const timeoutSeconds = options.timeoutSeconds ?? Math.max(120, (boundSeconds * 4) / speed);

  const clock = createScaledClock(speed);
  const rig = await startWorkflowRig({
    clock,
    timeScale: 1 / speed,
    simulator: { provisioningDelayMs },
    maxClosedExecutions: orders + 10,
  });
  try {
    // The limit applies to the subscriber operations; the token grant (once per cold start) is not what is measured.
    rig.sim.setFaults({
      rateLimit: { requestsPerSecond: rps },
      operations: ['precheckSubscriber', 'provisionSubscriber', 'getSubscriber', 'listSubscribers'],
    });
    const startedSim = clock.now();
    const startedReal = performance.now();
    const arns: string[] = [];
    for (let i = 0; i < orders; i++) {
      const order = benchOrder('bulk');
      arns.push(
        rig.engine.startExecution({
          stateMachineArn: rig.engine.stateMachineArn,
          name: order.orderId,
          input: JSON.stringify(order),
        }).executionArn,
      );
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
    }, timeoutSeconds * 1000);
    const finished = await Promise.race([
      Promise.all(arns.map((arn) => rig.engine.waitForExecution(arn))),
      new Promise<ExecutionRecord[] | undefined>((resolve) => {
        const poll = setInterval(() => {
          if (timedOut) {
            clearInterval(poll);
            resolve(undefined);
          }
        }, 500);
        poll.unref();
      }),
    ]);
    clearTimeout(timer);
    const wallSim = (clock.now() - startedSim) / 1000;
    const wallReal = (performance.now() - startedReal) / 1000;

    const stats = rig.sim.stats();
    let total = 0;
    let throttled = 0;
    for (const [operation, value] of Object.entries(stats.requests.byOperation)) {
      if (operation === 'accessToken' || value === undefined) continue;
      total += value.total;
      throttled += value.byStatus['429'] ?? 0;
    }
    const succeeded = finished?.filter((e) => e.status === 'SUCCEEDED').length ?? 0;
    const failed = finished?.filter((e) => e.status !== 'SUCCEEDED') ?? [];
    const provisioned = stats.subscribers.byStatus.provisioned ?? 0;
    const lost = orders - succeeded;
    const wallRatio = wallSim / boundSeconds;
    const rows = [
      [
        String(orders),
        `${rps}/s`,
        `${boundSeconds.toFixed(0)} s`,
        timedOut ? `> ${wallSim.toFixed(1)} s (timed out)` : `${wallSim.toFixed(1)} s`,
        ratio(wallRatio),
        String(total),
        `${throttled} (${((100 * throttled) / Math.max(1, total)).toFixed(1)}%)`,
        `${(total - throttled) / orders}`,
        String(provisioned),
        String(lost),
      ],
    ];
    const failures = [...new Set(failed.map((e) => `${e.status} ${e.error ?? ''}`.trim()))];
    const body = [
      table(
        [
          'orders',
          'rate limit R',
          'bound 3N/R',
          'wall time',
          '× bound',
          'Webex calls',
          '429s',
          'accepted calls / order',
          'provisioned',
          'orders lost',
        ],
        rows,
      ),
      '',
      `All orders started at once; simulator provisioning delay ${provisioningDelayMs / 1000} s; clock speed ${speed}× ` +
        `(wall time in simulated seconds; ${wallReal.toFixed(1)} s real). A 429 is handed back to the state machine, which ` +
        'waits exactly Retry-After and calls again; the token grant is left out of the counts.',
      ...(failures.length > 0 ? [`Executions not succeeded: ${failures.join(', ')}.`] : []),
    ].join('\n');
    return {
      title: `Bulk throughput (${orders} orders, simulator limited to ${rps} requests/s)`,
      body,
      goals: [
        {
          goal: `wall time ≤ ${GOAL_RATIO}× the bound ${boundSeconds.toFixed(0)} s`,
          measured: `${wallSim.toFixed(1)} s = ${ratio(wallRatio)}`,
          met: !timedOut && wallRatio <= GOAL_RATIO,
        },
        { goal: 'no order lost', measured: `${lost} lost, ${provisioned} provisioned`, met: lost === 0 },
      ],
    };
  } finally {
    await rig.stop();
  }
}

if (isMain(import.meta.url)) await runStandalone(() => runBulkThroughput());
