/**
 * Workflow cost and history: orders through the REAL workflow (rendered definition on the local engine, real task
 * handlers, the Webex simulator and audit on dynalite). Time is compressed, not changed: the engine runs with
 * timeScale 0 and every Wait state advances one manual clock, which the simulator, the handlers and the poll policy
 * all read, by exactly the seconds the state asked for — so 29 simulated days take seconds, and each order sees the
 * waits it would see in AWS.
 *
 * Counted from each run: state transitions (states entered), history events (the execution's own history, the
 * quantity Step Functions limits to 25,000), Lambda invocations, Webex calls, audit writes; priced at AWS list prices
 * (us-east-1); plus the detection delay (simulator turns `provisioned` or a person acts → the check that saw it).
 *
 * Rows: the minimum (first check already `provisioned`, the baseline every order pays), provisioning times of 10 s,
 * 60 s and 10 min, a person who acts after 3 days, and the worst case: an order that waits on a person until the
 * 29-day deadline. Goals (issue 13): ≤ $3 per 1,000 orders at 10 min, ≤ $0.10 per order and < 10,000 history events
 * in the 29-day worst case, detection ≤ max(10 % of the time elapsed, 15 s), at most 1 h while pending.
 *
 *   npm run bench:workflow-cost
 */
import { DynamoAuditStore } from '../functions/adapters/dynamodb/audit-store';
import type { Order } from '../functions/domain/contract/order';
import { RULES } from '../functions/domain/contract/rules';
import { evaluatePollPolicy, POLL_TUNING, type PollRegime } from '../functions/domain/workflow/poll-policy';
import { FUNCTION_SIZING } from '../infra/constructs/service-function';
import type { ExecutionRecord } from '../local/stepfunctions';
import { startTestDynamo, type TestDynamo } from '../test/support/dynalite';
import { createManualClock } from '../test/support/fakes';
import { type BenchSection, isMain, runStandalone } from './support/report';
import { ratio, table, usd } from './support/stats';
import { benchOrder, startWorkflowRig, webexCalls } from './support/workflow-rig';

/** AWS list prices, us-east-1. */
export const PRICES = {
  region: 'us-east-1',
  /** Step Functions Standard, per state transition ($0.025 per 1,000). */
  transition: 0.025 / 1000,
  /** Lambda arm64, per request ($0.20 per 1M) and per GB-second. */
  lambdaRequest: 0.2 / 1_000_000,
  lambdaGbSecond: 0.0000133334,
  /** DynamoDB on-demand, per write request unit ($0.625 per million, 2025). */
  writeRequestUnit: 0.625 / 1_000_000,
} as const;

/** Billed duration assumed per task invocation in AWS (one Webex round trip + one audit write); local runs are faster. */
export const ASSUMED_TASK_MS = 200;
export const PROVISIONING_TIMES = [10, 60, 600] as const;
/** Goals of issue 13. */
export const GOALS = {
  /** Dollars per 1,000 orders at a 10-minute provisioning. */
  tenMinutesPerThousandUsd: 3,
  /** Dollars per order in the 29-day worst case. */
  worstCasePerOrderUsd: 0.1,
  /** History events of the 29-day worst case (Step Functions' limit: 25,000). */
  worstCaseHistoryEvents: 10_000,
  /** Longest detection delay while a person must act. */
  pendingDetectionSeconds: 3600,
} as const;
const DAY = 24 * 3600;
const PERSON_ACTS_AFTER_SECONDS = 3 * DAY;
/** How long the simulated Webex takes before a subscriber without email waits on a person. */
const PENDING_AFTER_SECONDS = 60;

export interface OrderFigures {
  label: string;
  status: string;
  error?: string | undefined;
  transitions: number;
  historyEvents: number;
  lambdaInvocations: number;
  webexCalls: number;
  auditWrites: number;
  writeUnits: number;
  statusChecks: number;
  /** Seconds from the change (provisioned, or the person's action) to the end of the execution; NaN when none. */
  detectionDelaySeconds: number;
  /** The bound the detection delay must stay within; NaN when there is no change to detect. */
  detectionBoundSeconds: number;
  simulatedSeconds: number;
  wallSeconds: number;
  costUsd: number;
}

export function detectionBound(seconds: number): number {
  return Math.max(0.1 * seconds, 15);
}

/** While a person must act: at most 1 h (the poll policy also keeps it within max(10 %, 1 min)). */
export function pendingBound(_seconds: number): number {
  return GOALS.pendingDetectionSeconds;
}

function costOf(f: Pick<OrderFigures, 'transitions' | 'lambdaInvocations' | 'writeUnits'>): number {
  const gbSeconds = (FUNCTION_SIZING.workflow.memorySize / 1024) * (ASSUMED_TASK_MS / 1000);
  return (
    f.transitions * PRICES.transition +
    f.lambdaInvocations * (PRICES.lambdaRequest + gbSeconds * PRICES.lambdaGbSecond) +
    f.writeUnits * PRICES.writeRequestUnit
  );
}

type Scenario =
  | { kind: 'provisioning'; label: string; seconds: number }
  | { kind: 'pending'; label: string; actsAfterSeconds?: number };

/** One order through the real workflow. */
export async function measureOrder(scenario: Scenario, dynamo: TestDynamo): Promise<OrderFigures> {
  const start = Date.UTC(2025, 0, 6, 9);
  const clock = createManualClock(start);
  const wallStart = performance.now();
  let changedAt: number | undefined;
  let subscriberId: string | undefined;
  /** When the change was seen: the end of the execution, or (pending) the check that saw the person's action. */
  let detectedAt: number | undefined;
  const provisioningSeconds = scenario.kind === 'provisioning' ? scenario.seconds : PENDING_AFTER_SECONDS;
  const rig = await startWorkflowRig({
    clock,
    timeScale: 0,
    dynamo,
    simulator: { provisioningDelayMs: provisioningSeconds * 1000 },
    onWait: (wait) => {
      const before = clock.now();
      const actAt =
        scenario.kind === 'pending' && scenario.actsAfterSeconds !== undefined && changedAt !== undefined
          ? changedAt
          : undefined;
      // The person acts at the planned moment, within this wait: Webex records the action at that time.
      if (actAt !== undefined && subscriberId && before < actAt && before + wait.seconds * 1000 >= actAt) {
        clock.set(actAt);
        rig.sim.personAction(subscriberId, { action: 'enterEmail', email: 'entered@customer.example.com' });
      }
      clock.set(before + wait.seconds * 1000);
    },
    wrapTask: (name, handler) => async (input, context) => {
      const output = (await handler(input, context)) as { subscriberId?: string; lastStatus?: string } | undefined;
      // While pending, the change to detect is the person's action: the first check that sees another status.
      if (
        name === 'checkStatus' &&
        scenario.kind === 'pending' &&
        changedAt !== undefined &&
        detectedAt === undefined &&
        clock.now() >= changedAt &&
        output?.lastStatus !== 'pending_email_input'
      ) {
        detectedAt = clock.now();
      }
      if (name === 'provision') {
        subscriberId = output?.subscriberId;
        // The simulator starts its lifecycle clock when it accepts the Provision call.
        if (scenario.kind === 'provisioning') changedAt = clock.now() + scenario.seconds * 1000;
        if (scenario.kind === 'pending' && scenario.actsAfterSeconds !== undefined) {
          changedAt = clock.now() + (PENDING_AFTER_SECONDS + scenario.actsAfterSeconds) * 1000;
        }
      }
      return output;
    },
  });
  try {
    const order: Order = benchOrder(`cost-${scenario.kind}`);
    if (scenario.kind === 'pending') {
      // No email: Webex waits on a person to enter one (pending_email_input); the order allows the longest deadline.
      delete (order.subscriber as { email?: string }).email;
      order.options = { deadlineSeconds: RULES.maxOrderDeadlineSeconds };
    }
    const { executionArn } = rig.engine.startExecution({
      stateMachineArn: rig.engine.stateMachineArn,
      name: order.orderId,
      input: JSON.stringify(order),
    });
    const execution: ExecutionRecord = await rig.engine.waitForExecution(executionArn);
    const audit = new DynamoAuditStore({ client: dynamo.client, tableName: dynamo.tableName });
    const records = [];
    let cursor: string | undefined;
    do {
      const page = await audit.listByOrder(order.orderId, { max: 100, ...(cursor ? { cursor } : {}) });
      records.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    const writeUnits = records.reduce(
      (sum, r) => sum + Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(r)) / 1024)),
      0,
    );
    const count = (suffix: string) => execution.events.filter((e) => e.type.endsWith(suffix)).length;
    const figures = {
      label: scenario.label,
      status: execution.status,
      error: execution.error,
      transitions: count('StateEntered'),
      historyEvents: execution.events.length,
      lambdaInvocations: count('LambdaFunctionScheduled'),
      webexCalls: webexCalls(rig.sim),
      auditWrites: records.length,
      writeUnits,
      statusChecks: rig.sim.stats().requests.byOperation.getSubscriber?.total ?? 0,
      detectionDelaySeconds: changedAt === undefined ? Number.NaN : ((detectedAt ?? clock.now()) - changedAt) / 1000,
      detectionBoundSeconds:
        scenario.kind === 'provisioning'
          ? detectionBound(scenario.seconds)
          : scenario.actsAfterSeconds === undefined
            ? Number.NaN
            : pendingBound(scenario.actsAfterSeconds),
      simulatedSeconds: (clock.now() - start) / 1000,
      wallSeconds: (performance.now() - wallStart) / 1000,
    };
    return { ...figures, costUsd: costOf(figures) };
  } finally {
    await rig.stop();
  }
}

const describeRegime = (r: PollRegime) => `min ${r.minGapSeconds} s, growth ${r.growth}, max ${r.maxGapSeconds} s`;

/** Worst detection delay over every time in a status up to `maxSeconds`, as a share of its bound (≤ 1 = within). */
export function worstDetection(
  status: 'provisioning' | 'pending_email_input',
  maxSeconds: number,
  bound: (seconds: number) => number,
): { seconds: number; share: number } {
  let worst = { seconds: 0, share: 0 };
  const step = maxSeconds > 7200 ? 7 : 1;
  for (let s = 1; s <= maxSeconds; s += step) {
    const share = evaluatePollPolicy(s, POLL_TUNING, status).detectionDelaySeconds / bound(s);
    if (share > worst.share) worst = { seconds: s, share };
  }
  return worst;
}

const seconds = (value: number) => (Number.isNaN(value) ? '—' : `${Math.round(value * 10) / 10} s`);

export async function runWorkflowCost(): Promise<BenchSection> {
  const dynamo = await startTestDynamo('audit-bench-cost');
  try {
    const minimum = await measureOrder({ kind: 'provisioning', label: 'minimum (1 s, one poll)', seconds: 1 }, dynamo);
    const provisioning: OrderFigures[] = [];
    for (const s of PROVISIONING_TIMES) {
      provisioning.push(
        await measureOrder(
          { kind: 'provisioning', label: `provisioning ${s < 600 ? `${s} s` : '10 min'}`, seconds: s },
          dynamo,
        ),
      );
    }
    const personActs = await measureOrder(
      {
        kind: 'pending',
        label: 'waits on a person, who acts after 3 days',
        actsAfterSeconds: PERSON_ACTS_AFTER_SECONDS,
      },
      dynamo,
    );
    const worst = await measureOrder(
      { kind: 'pending', label: 'worst case: waits on a person until the 29-day deadline' },
      dynamo,
    );
    const all = [minimum, ...provisioning, personActs, worst];

    const rows = all.map((f) => [
      f.label,
      f.error ? `${f.status} ${f.error}` : f.status,
      String(f.transitions),
      String(f.historyEvents),
      String(f.lambdaInvocations),
      String(f.statusChecks),
      String(f.webexCalls),
      `${f.auditWrites} (${f.writeUnits} WRU)`,
      usd(f.costUsd * 1000, 2),
      usd(f.costUsd, 4),
      ratio(f.costUsd / minimum.costUsd),
      seconds(f.detectionDelaySeconds),
      seconds(f.detectionBoundSeconds),
      `${(f.simulatedSeconds / DAY).toFixed(f.simulatedSeconds > DAY ? 1 : 3)} d / ${f.wallSeconds.toFixed(1)} s`,
    ]);
    const activeWorst = worstDetection('provisioning', 1800, detectionBound);
    const pendingWorst = worstDetection('pending_email_input', 29 * DAY, pendingBound);
    const gbSeconds = (FUNCTION_SIZING.workflow.memorySize / 1024) * (ASSUMED_TASK_MS / 1000);
    const body = [
      table(
        [
          'order',
          'end',
          'transitions',
          'history events',
          'Lambda calls',
          'status checks',
          'Webex calls',
          'audit writes',
          'cost / 1,000 orders',
          'cost / order',
          '× minimum',
          'detection delay',
          'delay bound',
          'simulated / wall',
        ],
        rows,
      ),
      '',
      `Poll policy (POLL_TUNING): while Webex works ${describeRegime(POLL_TUNING.active)}; while a person must act ` +
        `${describeRegime(POLL_TUNING.pending)}. Worst detection delay as a share of its bound, every time in the ` +
        `status: provisioning 1 s … 30 min ${(activeWorst.share * 100).toFixed(0)}% (at ${activeWorst.seconds} s); ` +
        `pending 1 s … 29 days (bound 1 h) ${(pendingWorst.share * 100).toFixed(0)}% (at ` +
        `${pendingWorst.seconds} s).`,
      `Prices (${PRICES.region}, list): Step Functions Standard $0.025 per 1,000 state transitions; Lambda arm64 $0.20 per 1M ` +
        `requests + $0.0000133334 per GB-s (${FUNCTION_SIZING.workflow.memorySize} MB × ${ASSUMED_TASK_MS} ms assumed per ` +
        `task = ${gbSeconds} GB-s); DynamoDB on-demand $0.625 per million WRU (1 WRU per started KB of item); Secrets ` +
        'Manager read once per cold start (≈ $0 per order). Each poll is 3 transitions (Wait for status, Check status, ' +
        'its Choice) and 9 history events.',
      'Transitions = states entered in the execution history (retries and throttling waits included); history events = ' +
        "every event of the execution's history; status checks = Webex Get calls; Webex calls = the simulator's count " +
        '(token grant excluded: once per cold start).',
    ].join('\n');

    const tenMinutes = provisioning[provisioning.length - 1] as OrderFigures;
    const goals = [
      {
        goal: `10 min provisioning: ≤ $${GOALS.tenMinutesPerThousandUsd} per 1,000 orders`,
        measured: `${usd(tenMinutes.costUsd * 1000, 2)} (${tenMinutes.statusChecks} status checks, ${tenMinutes.transitions} transitions)`,
        met: tenMinutes.costUsd * 1000 <= GOALS.tenMinutesPerThousandUsd,
      },
      {
        goal: `29-day worst case: ≤ $${GOALS.worstCasePerOrderUsd} per order`,
        measured: `${usd(worst.costUsd, 4)} (${worst.statusChecks} status checks, ${worst.transitions} transitions)`,
        met: worst.costUsd <= GOALS.worstCasePerOrderUsd && worst.error === 'ProvisioningTimedOut',
      },
      {
        goal: `29-day worst case: < ${GOALS.worstCaseHistoryEvents.toLocaleString('en-US')} history events`,
        measured:
          `${worst.historyEvents.toLocaleString('en-US')} events, ended ${worst.status} ${worst.error ?? ''}`.trim(),
        met: worst.historyEvents < GOALS.worstCaseHistoryEvents && worst.error === 'ProvisioningTimedOut',
      },
      ...[...provisioning, personActs].map((f) => ({
        goal: `${f.label}: detection delay ≤ ${seconds(f.detectionBoundSeconds)}`,
        measured: seconds(f.detectionDelaySeconds),
        met: f.status === 'SUCCEEDED' && f.detectionDelaySeconds <= f.detectionBoundSeconds,
      })),
      {
        goal: 'every pending time up to 29 days: detection ≤ 1 h (poll policy)',
        measured: `worst ${(pendingWorst.share * 100).toFixed(0)}% of the bound`,
        met: pendingWorst.share <= 1,
      },
    ];
    return { title: 'Workflow cost and history (real executions, clock advanced by each Wait)', body, goals };
  } finally {
    await dynamo.stop();
  }
}

if (isMain(import.meta.url)) await runStandalone(() => runWorkflowCost());
