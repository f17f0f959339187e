/**
 * Workflow cost: one order through the REAL workflow (rendered definition on the local engine, real task handlers, the
 * Webex simulator on a manual clock that every wait advances, audit on dynalite, the status poller fed by the local
 * poll queue) for a given provisioning time. Counted from the run itself: state transitions (states entered), Lambda
 * invocations (task functions and the status poller), SQS requests, Webex calls, audit writes; priced at AWS list
 * prices (us-east-1); plus the detection delay (simulator turns `provisioned` → execution ends).
 *
 * Compared with the minimum possible: an order whose first status check already sees `provisioned` (3 Webex calls,
 * the transitions of a single poll). Goal (issue 7): cost ≤ 1.5× that minimum while the detection delay stays under
 * max(10% of the provisioning time, 15 s). Alternatives of `POLL_TUNING.active` are run through the same real
 * executions (the bench swaps the tuning in memory and restores it).
 *
 *   npm run bench:workflow-cost
 */

import { DynamoAuditStore } from '../functions/adapters/dynamodb/audit-store';
import { evaluatePollPolicy, POLL_TUNING, type PollRegime } from '../functions/domain/workflow/poll-policy';
import { FUNCTION_SIZING } from '../infra/constructs/service-function';
import type { ExecutionRecord } from '../local/stepfunctions';
import { createManualClock } from '../local/webex-simulator';
import { startTestDynamo, type TestDynamo } from '../test/audit/dynalite';
import { type BenchSection, isMain, runStandalone } from './support/report';
import { ratio, table, usd } from './support/stats';
import { benchOrder, startWorkflowRig, webexCalls } from './support/workflow-rig';

/** AWS list prices, us-east-1 (the figures issue 7 asks for). */
export const PRICES = {
  region: 'us-east-1',
  /** Step Functions Standard, per state transition ($0.025 per 1,000). */
  transition: 0.025 / 1000,
  /** Lambda arm64, per request ($0.20 per 1M) and per GB-second. */
  lambdaRequest: 0.2 / 1_000_000,
  lambdaGbSecond: 0.0000133334,
  /** DynamoDB on-demand, per write request unit ($0.625 per million, 2025). */
  writeRequestUnit: 0.625 / 1_000_000,
  /** Secrets Manager, per API call ($0.05 per 10,000). */
  secretsCall: 0.05 / 10_000,
  /** SQS standard queue, per request ($0.40 per 1M; every 64 KB chunk of a payload is one request). */
  sqsRequest: 0.4 / 1_000_000,
} as const;

/** SQS requests per poll message: SendMessage, the event source's ReceiveMessage and DeleteMessage (batches of one). */
export const SQS_REQUESTS_PER_MESSAGE = 3;

/** Billed duration assumed per task invocation in AWS (one Webex round trip + one audit write); local runs are faster. */
export const ASSUMED_TASK_MS = 200;
export const PROVISIONING_TIMES = [10, 60, 600] as const;
export const COST_GOAL = 1.5;

export interface OrderFigures {
  provisioningSeconds: number;
  status: string;
  transitions: number;
  lambdaInvocations: number;
  /** Poll messages sent (by Await status and by the poller). */
  pollMessages: number;
  webexCalls: number;
  auditWrites: number;
  writeUnits: number;
  statusChecks: number;
  detectionDelaySeconds: number;
  costUsd: number;
}

export function detectionBound(seconds: number): number {
  return Math.max(0.1 * seconds, 15);
}

function costOf(f: Omit<OrderFigures, 'costUsd'>): number {
  const gbSeconds = (FUNCTION_SIZING.workflow.memorySize / 1024) * (ASSUMED_TASK_MS / 1000);
  return (
    f.transitions * PRICES.transition +
    f.lambdaInvocations * (PRICES.lambdaRequest + gbSeconds * PRICES.lambdaGbSecond) +
    f.writeUnits * PRICES.writeRequestUnit +
    f.pollMessages * SQS_REQUESTS_PER_MESSAGE * PRICES.sqsRequest
  );
}

/** One order through the real workflow with a subscriber that takes `seconds` to provision. */
export async function measureOrder(seconds: number, dynamo: TestDynamo): Promise<OrderFigures> {
  const clock = createManualClock(Date.UTC(2025, 0, 6, 9));
  let provisionedAt: number | undefined;
  let pollInvocations = 0;
  let pollMessages = 0;
  const rig = await startWorkflowRig({
    clock,
    timeScale: 0,
    dynamo,
    simulator: { provisioningDelayMs: seconds * 1000 },
    onWait: (wait) => {
      // Every wait of this workflow is a poll message (Await status or the poller's next poll).
      if (wait.stateName === 'Await status') pollMessages += 1;
      clock.advance(wait.seconds * 1000);
    },
    wrapTask: (name, handler) => async (input, context) => {
      // The simulator starts the provisioning clock when it accepts the Provision call.
      if (name === 'provision') provisionedAt = clock.now() + seconds * 1000;
      if (name === 'pollStatus') pollInvocations += 1;
      return handler(input, context);
    },
  });
  try {
    const order = benchOrder(`cost${seconds}`);
    const { executionArn } = rig.engine.startExecution({
      stateMachineArn: rig.engine.stateMachineArn,
      name: order.orderId,
      input: JSON.stringify(order),
    });
    const execution: ExecutionRecord = await rig.engine.waitForExecution(executionArn);
    const audit = new DynamoAuditStore({ client: dynamo.client, tableName: dynamo.tableName });
    const records = (await audit.listByOrder(order.orderId, { max: 100 })).items;
    const writeUnits = records.reduce(
      (sum, r) => sum + Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(r)) / 1024)),
      0,
    );
    const count = (suffix: string) => execution.events.filter((e) => e.type.endsWith(suffix)).length;
    const figures = {
      provisioningSeconds: seconds,
      status: execution.status,
      transitions: count('StateEntered'),
      lambdaInvocations: count('LambdaFunctionScheduled') + pollInvocations,
      pollMessages,
      webexCalls: webexCalls(rig.sim),
      auditWrites: records.length,
      writeUnits,
      statusChecks: rig.sim.stats().requests.byOperation.getSubscriber?.total ?? 0,
      detectionDelaySeconds: provisionedAt === undefined ? Number.NaN : (clock.now() - provisionedAt) / 1000,
    };
    return { ...figures, costUsd: costOf(figures) };
  } finally {
    await rig.stop();
  }
}

/** Run `work` with `POLL_TUNING.active` replaced in memory (restored afterwards). */
async function withActiveTuning<T>(regime: PollRegime, work: () => Promise<T>): Promise<T> {
  const saved = { ...POLL_TUNING.active };
  Object.assign(POLL_TUNING.active, regime);
  try {
    return await work();
  } finally {
    Object.assign(POLL_TUNING.active, saved);
  }
}

const describeRegime = (r: PollRegime) => `min ${r.minGapSeconds} s, growth ${r.growth}, max ${r.maxGapSeconds} s`;

/** Worst detection delay over every provisioning time 1 s … 30 min, as a share of the bound (≤ 1 = within). */
function worstDetection(regime: PollRegime): { seconds: number; share: number } {
  let worst = { seconds: 0, share: 0 };
  for (let s = 1; s <= 1800; s++) {
    const share = evaluatePollPolicy(s, { ...POLL_TUNING, active: regime }).detectionDelaySeconds / detectionBound(s);
    if (share > worst.share) worst = { seconds: s, share };
  }
  return worst;
}

/** Candidate tunings: the one shipped, and the ones that trade detection for cost. */
export const CANDIDATES: PollRegime[] = [
  { minGapSeconds: 15, growth: 0.1, maxGapSeconds: 300 },
  { minGapSeconds: 15, growth: 0.25, maxGapSeconds: 300 },
  { minGapSeconds: 15, growth: 0.5, maxGapSeconds: 600 },
  { minGapSeconds: 15, growth: 1, maxGapSeconds: 600 },
];

export async function runWorkflowCost(): Promise<BenchSection> {
  const dynamo = await startTestDynamo('audit-bench-cost');
  try {
    const shipped = { ...POLL_TUNING.active };
    const minimum = await measureOrder(1, dynamo);
    const figures: OrderFigures[] = [];
    for (const seconds of PROVISIONING_TIMES) figures.push(await measureOrder(seconds, dynamo));

    const perThousand = (f: OrderFigures) => usd(f.costUsd * 1000, 3);
    const rows = [minimum, ...figures].map((f) => [
      f === minimum ? `minimum (${f.provisioningSeconds} s, one poll)` : `${f.provisioningSeconds} s`,
      f.status,
      String(f.transitions),
      String(f.lambdaInvocations),
      String(f.pollMessages * SQS_REQUESTS_PER_MESSAGE),
      String(f.webexCalls),
      `${f.auditWrites} (${f.writeUnits} WRU)`,
      String(f.statusChecks),
      perThousand(f),
      ratio(f.costUsd / minimum.costUsd),
      `${f.detectionDelaySeconds} s`,
      `${detectionBound(f.provisioningSeconds)} s`,
    ]);

    const alternatives: string[][] = [];
    for (const candidate of CANDIDATES) {
      const runs = await withActiveTuning(candidate, async () => {
        const out: OrderFigures[] = [];
        for (const seconds of PROVISIONING_TIMES) out.push(await measureOrder(seconds, dynamo));
        return out;
      });
      const worst = worstDetection(candidate);
      alternatives.push([
        `${describeRegime(candidate)}${candidate.growth === shipped.growth && candidate.minGapSeconds === shipped.minGapSeconds && candidate.maxGapSeconds === shipped.maxGapSeconds ? ' (shipped)' : ''}`,
        ...runs.map(
          (f) =>
            `${ratio(f.costUsd / minimum.costUsd)} / ${f.detectionDelaySeconds} s${f.detectionDelaySeconds <= detectionBound(f.provisioningSeconds) ? '' : ' ✗'}`,
        ),
        `${(worst.share * 100).toFixed(0)}% (at ${worst.seconds} s)`,
      ]);
    }

    const gbSeconds = (FUNCTION_SIZING.workflow.memorySize / 1024) * (ASSUMED_TASK_MS / 1000);
    const body = [
      table(
        [
          'provisioning time',
          'end',
          'transitions',
          'Lambda calls',
          'SQS requests',
          'Webex calls',
          'audit writes',
          'status checks',
          'cost / 1,000 subs',
          '× minimum',
          'detection delay',
          'delay bound',
        ],
        rows,
      ),
      '',
      `Shipped tuning (POLL_TUNING.active): ${describeRegime(shipped)}.`,
      `Prices (${PRICES.region}, list): Step Functions Standard $0.025 per 1,000 state transitions; Lambda arm64 $0.20 per 1M ` +
        `requests + $0.0000133334 per GB-s (${FUNCTION_SIZING.workflow.memorySize} MB × ${ASSUMED_TASK_MS} ms assumed per ` +
        `task = ${gbSeconds} GB-s); DynamoDB on-demand $0.625 per million WRU (1 WRU per started KB of item); Secrets ` +
        'Manager $0.05 per 10,000 calls — read once per cold start (digest key, partner token cached 5 min), so ≈ $0 per order; ' +
        `SQS $0.40 per 1M requests, ${SQS_REQUESTS_PER_MESSAGE} per poll message (send, receive, delete); ` +
        'SendTaskSuccess/Failure/Heartbeat are not billed (Standard workflows bill state transitions only).',
      'Transitions = states entered in the execution history (retries and throttling waits included); Lambda calls = ' +
        'task invocations + status poller invocations; status checks = Webex Get calls; Webex calls = ' +
        "the simulator's count (token grant excluded: once per cold start).",
      '',
      'Alternative tunings of the active regime, same real executions (cost × minimum / detection delay; ✗ = over the ' +
        'bound), and the worst detection delay over every provisioning time from 1 s to 30 min as a share of its bound:',
      '',
      table(['POLL_TUNING.active', ...PROVISIONING_TIMES.map((s) => `${s} s`), 'worst delay / bound'], alternatives),
    ].join('\n');

    const goals = figures.flatMap((f) => [
      {
        goal: `${f.provisioningSeconds} s: cost ≤ ${COST_GOAL}× the minimum`,
        measured: `${ratio(f.costUsd / minimum.costUsd)} (${f.statusChecks} status checks, ${f.transitions} transitions vs ${minimum.transitions})`,
        met: f.costUsd / minimum.costUsd <= COST_GOAL,
      },
      {
        goal: `${f.provisioningSeconds} s: detection delay ≤ ${detectionBound(f.provisioningSeconds)} s`,
        measured: `${f.detectionDelaySeconds} s`,
        met: f.detectionDelaySeconds <= detectionBound(f.provisioningSeconds),
      },
    ]);
    return { title: 'Workflow cost (one order, real executions, manual clock)', body, goals };
  } finally {
    await dynamo.stop();
  }
}

if (isMain(import.meta.url)) await runStandalone(() => runWorkflowCost());
