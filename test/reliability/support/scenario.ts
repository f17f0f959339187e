/**
 * Fault scenarios for the provisioning workflow: a batch of orders of every kind runs under a fault mix, and each order
 * is held to what the same kind of order does without faults (the baseline):
 *
 * - the execution ends the same way (SUCCEEDED, or the same Fail state);
 * - every audit record the baseline writes is written exactly once (a status transition may go unobserved when faults
 *   delay the polling past it — it can then not be audited — but never twice); the only record a fault may add is
 *   `adopt`, when a Provision's answer was lost and its retry found the subscriber it had created;
 * - no subscriber is provisioned twice: one live subscriber per order's userId at Webex.
 */

import { getBatchExecutions } from '../../../functions/composition/batch-executions';
import { getBatchStore } from '../../../functions/composition/batch-store';
import { parseBatch, submitBatch } from '../../../functions/domain/batches/submit';
import { getBatch } from '../../../functions/domain/batches/view';
import type { ExecutionRecord } from '../../../local/stepfunctions';
import { TRUSTED_TEMPLATE_ID, UNTRUSTED_TEMPLATE_ID } from '../../../local/webex-simulator';
import type { FaultConfig, FaultKind } from '../../../local/webex-simulator/types';
import type { CrashPlan, FaultHarness } from './fault-harness';
import { seededRandom } from './seeded-random';

export const ORDER_KINDS = [
  'direct',
  'emailLater',
  'validateEmail',
  'migrate',
  'backgroundError',
  'precheckRefused',
  'invalid',
] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

/** Kinds whose order reaches Webex's Provision (and so must leave exactly one subscriber there). */
const PROVISIONING_KINDS: ReadonlySet<OrderKind> = new Set([
  'direct',
  'emailLater',
  'validateEmail',
  'migrate',
  'backgroundError',
]);

export interface FaultMix {
  name: string;
  /** The simulator's fault configuration (`undefined`: none). */
  faults?: FaultConfig;
  /** Share (0..1) of orders in which one task crashes once. */
  crashShare?: number;
}

/** The mixes `npm run soak` runs; `storm` is also the one `npm test` runs, on fewer orders. */
export const FAULT_MIXES: readonly FaultMix[] = [
  { name: 'none' },
  { name: 'rate-limit', faults: { rateLimit: { requestsPerSecond: 1 } } },
  { name: '5xx', faults: { errorRate: { share: 0.3, statuses: [500, 502, 503, 504] } } },
  { name: 'slow', faults: { latencyMs: 2500 } },
  { name: 'drops', faults: { dropShare: 0.15 } },
  { name: 'locked', faults: { lockedShare: 0.2, lockedRetryAfterSeconds: 3 } },
  { name: 'crashes', crashShare: 0.5 },
  {
    name: 'storm',
    faults: {
      rateLimit: { requestsPerSecond: 0.5 },
      errorRate: { share: 0.15 },
      latencyMs: 1500,
      dropShare: 0.05,
      lockedShare: 0.05,
      lockedRetryAfterSeconds: 2,
    },
    crashShare: 0.3,
  },
];

/** Task Lambdas a crash plan may hit (a crash is a failed invocation, which Step Functions retries). */
export const CRASHABLE_TASKS = ['validateOrder', 'precheck', 'provision', 'checkStatus'] as const;

export interface PlannedOrder {
  kind: OrderKind;
  orderId: string;
  input: Record<string, unknown>;
  userId: string;
}

/** An order of `kind`, identified by `tag` (unique per run). */
export function orderOf(kind: OrderKind, tag: string): PlannedOrder {
  const orderId = `rel-${tag}`;
  const userId = kind === 'backgroundError' ? `fail-${tag}@sp.example.com` : `user-${tag}@sp.example.com`;
  const subscriber: Record<string, unknown> = {
    provisioningId: TRUSTED_TEMPLATE_ID,
    userId,
    spEnterpriseId: 'enterprise-reliability',
    firstName: 'Grace',
    lastName: 'Hopper',
    package: 'standard',
    primaryPhoneNumber: '+1 408 555 0199',
    email: `grace-${tag}@customer.example.com`,
  };
  switch (kind) {
    case 'emailLater':
      delete subscriber.email;
      break;
    case 'validateEmail':
      subscriber.provisioningId = UNTRUSTED_TEMPLATE_ID;
      break;
    case 'migrate':
      subscriber.email = `grace-${tag}@existing-webex.example.com`;
      break;
    case 'precheckRefused':
      subscriber.provisioningId = 'no-such-template';
      break;
    case 'invalid':
      delete subscriber.userId;
      subscriber.package = 'gold';
      break;
    default:
      break;
  }
  return { kind, orderId, userId, input: { orderId, subscriber } };
}

/** `count` orders cycling through every kind, tagged `<prefix>-<n>`. */
export function planOrders(prefix: string, count: number): PlannedOrder[] {
  return Array.from({ length: count }, (_, i) =>
    orderOf(ORDER_KINDS[i % ORDER_KINDS.length] as OrderKind, `${prefix}-${i}`),
  );
}

/** What one order did: its end, its audit keys, the retries Step Functions made. */
export interface OrderResult {
  order: PlannedOrder;
  /** `SUCCEEDED`, or the Fail state's error. */
  end: string;
  /** Audit keys (`step:<name>` / `status:<to>`), oldest first. */
  keys: string[];
  recordIds: string[];
  /** Subscriber id of every provision/adopt record, and the output's subscriber id. */
  provisionedIds: string[];
  outputSubscriberId: string | undefined;
  taskRetries: number;
  throttleWaits: number;
  crashed: boolean;
}

export interface Baseline {
  ends: Map<OrderKind, string>;
  keys: Map<OrderKind, string[]>;
}

export interface Violation {
  orderId: string;
  kind: OrderKind;
  problem: string;
}

export interface BatchReport {
  mix: string;
  orders: number;
  faults: Record<FaultKind | 'crash', number>;
  taskRetries: number;
  throttleWaits: number;
  ends: Record<string, number>;
  wrongEnds: number;
  duplicateSubscribers: number;
  missingAudit: number;
  duplicateAudit: number;
  unexpectedAudit: number;
  violations: Violation[];
  /** Times the harness's idle watchdog had to let time pass (an HTTP exchange that never completed). */
  stalls: number;
  wallMs: number;
}

function keyOf(record: { action: string; step?: string | undefined; status?: { to: string } | undefined }): string {
  return record.action === 'statusChange' ? `status:${record.status?.to}` : `step:${record.step}`;
}

function countKeys(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

async function runOne(h: FaultHarness, order: PlannedOrder): Promise<OrderResult> {
  return resultOf(h, order, await h.run(order.input, order.orderId));
}

/** What an ended execution of `order` did. */
async function resultOf(h: FaultHarness, order: PlannedOrder, execution: ExecutionRecord): Promise<OrderResult> {
  const records = await h.orderRecords(order.orderId);
  const output = execution.output ? (JSON.parse(execution.output) as { subscriber?: { id?: string } }) : undefined;
  const failedTasks = execution.events.filter((e) => e.type === 'LambdaFunctionFailed').length;
  // Throttled tasks wait exactly Retry-After in a ' throttled' Wait state.
  const throttleWaits = execution.events.filter(
    (e) =>
      e.type === 'WaitStateEntered' && (e.stateEnteredEventDetails as { name: string }).name.endsWith(' throttled'),
  ).length;
  return {
    order,
    end: execution.status === 'SUCCEEDED' ? 'SUCCEEDED' : (execution.error ?? execution.status),
    keys: records.map(keyOf),
    recordIds: records.map((r) => r.id),
    provisionedIds: records
      .filter((r) => r.step === 'provision' || r.step === 'adopt')
      .map((r) => r.subscriberId ?? '')
      .filter((id) => id !== ''),
    outputSubscriberId: output?.subscriber?.id,
    taskRetries: failedTasks,
    throttleWaits,
    crashed: h.crashed.has(order.orderId),
  };
}

/** Run `orders` with at most `concurrency` executions at a time; results in the orders' order. */
export async function runOrders(h: FaultHarness, orders: readonly PlannedOrder[], concurrency = 1) {
  const results: OrderResult[] = new Array(orders.length);
  let next = 0;
  const worker = async () => {
    while (next < orders.length) {
      const index = next++;
      results[index] = await runOne(h, orders[index] as PlannedOrder);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return results;
}

/** One fault-free order of each kind: what each kind ends in and writes. */
export async function recordBaseline(h: FaultHarness, prefix: string): Promise<Baseline> {
  h.sim.resetFaults();
  const results = await runOrders(
    h,
    ORDER_KINDS.map((kind) => orderOf(kind, `${prefix}-${kind}`)),
  );
  return baselineOf(results);
}

export function baselineOf(results: readonly OrderResult[]): Baseline {
  const baseline: Baseline = { ends: new Map(), keys: new Map() };
  for (const result of results) {
    if (baseline.ends.has(result.order.kind)) continue;
    baseline.ends.set(result.order.kind, result.end);
    baseline.keys.set(result.order.kind, result.keys);
  }
  return baseline;
}

/** Hold one order's result to the baseline of its kind. */
export function auditViolations(result: OrderResult, baseline: Baseline) {
  const expected = baseline.keys.get(result.order.kind) ?? [];
  const expectedCounts = countKeys(expected);
  const actualCounts = countKeys(result.keys);
  const finalStatus = [...expected].reverse().find((k) => k.startsWith('status:'));
  let missing = 0;
  let duplicate = result.recordIds.length - new Set(result.recordIds).size;
  let unexpected = 0;
  const problems: string[] = [];
  for (const [key, count] of expectedCounts) {
    const actual = actualCounts.get(key) ?? 0;
    // A status passed while polling was held up by faults cannot be observed; every step and the final status can.
    const required = (key.startsWith('step:') && key !== 'step:provision') || key === finalStatus;
    if (actual > count) {
      duplicate += actual - count;
      problems.push(`${key} written ${actual} times, expected ${count}`);
    } else if (required && actual < count) {
      missing += count - actual;
      problems.push(`${key} missing`);
    }
  }
  for (const [key, count] of actualCounts) {
    if (expectedCounts.has(key)) continue;
    if (key === 'step:adopt' && count === 1) continue;
    unexpected += count;
    problems.push(`${key} written ${count} times, not expected`);
  }
  if (expectedCounts.has('step:provision')) {
    const provisioned = new Set(result.provisionedIds);
    if (provisioned.size !== 1) {
      missing += provisioned.size === 0 ? 1 : 0;
      problems.push(`provision/adopt name ${provisioned.size} subscribers`);
    }
    if (result.outputSubscriberId !== undefined && !provisioned.has(result.outputSubscriberId)) {
      problems.push('the output names another subscriber than the one provisioned');
    }
  }
  return { missing, duplicate, unexpected, problems };
}

/** Live (not `error`) subscribers per userId at Webex, read through its API once faults are off. */
export async function subscribersByUserId(h: FaultHarness, userIds: readonly string[]) {
  const counts = new Map<string, { live: number; total: number }>();
  for (const userId of userIds) {
    const response = await fetch(
      `${h.webexBaseUrl}/broadworks/subscribers?${new URLSearchParams({ userId, max: '100' })}`,
      { headers: { authorization: `Bearer ${h.sim.credentials.accessToken}` } },
    );
    if (response.status !== 200) throw new Error(`listing subscribers answered ${response.status}`);
    const { items } = (await response.json()) as { items: Array<{ status: string }> };
    counts.set(userId, { live: items.filter((s) => s.status !== 'error').length, total: items.length });
  }
  return counts;
}

/** Plan one crash for a share of the orders (seeded): a task, before or after its handler. */
export function planCrashes(h: FaultHarness, orders: readonly PlannedOrder[], share: number, seed: number): void {
  const random = seededRandom(seed);
  for (const order of orders) {
    if (random() >= share) continue;
    const task = CRASHABLE_TASKS[Math.floor(random() * CRASHABLE_TASKS.length)] as string;
    const plan: CrashPlan = { task, point: random() < 0.5 ? 'before' : 'after' };
    h.crashes.set(order.orderId, plan);
  }
}

/** Run a batch under `mix` and hold every order to the baseline. */
export async function runBatch(
  h: FaultHarness,
  mix: FaultMix,
  orders: readonly PlannedOrder[],
  options: { baseline: Baseline; seed: number; concurrency?: number },
): Promise<{ report: BatchReport; results: OrderResult[] }> {
  h.reset(options.seed);
  const stallsBefore = h.stalls;
  if (mix.faults) h.sim.setFaults(mix.faults);
  if (mix.crashShare) planCrashes(h, orders, mix.crashShare, options.seed + 1);
  const started = performance.now();
  const results = await runOrders(h, orders, options.concurrency ?? 1);
  return evaluate(h, mix, orders, results, { ...options, started, stallsBefore });
}

/** Hold every order's result to the baseline; count faults, retries, duplicates at Webex. */
async function evaluate(
  h: FaultHarness,
  mix: FaultMix,
  orders: readonly PlannedOrder[],
  results: OrderResult[],
  options: { baseline: Baseline; started: number; stallsBefore: number; violations?: Violation[] },
): Promise<{ report: BatchReport; results: OrderResult[] }> {
  const wallMs = performance.now() - options.started;
  const faults = h.sim.stats().faults;
  h.sim.resetFaults();
  const stallsBefore = options.stallsBefore;

  const violations: Violation[] = [...(options.violations ?? [])];
  const ends: Record<string, number> = {};
  let wrongEnds = 0;
  let missingAudit = 0;
  let duplicateAudit = 0;
  let unexpectedAudit = 0;
  for (const result of results) {
    ends[result.end] = (ends[result.end] ?? 0) + 1;
    const expectedEnd = options.baseline.ends.get(result.order.kind);
    if (result.end !== expectedEnd) {
      wrongEnds++;
      violations.push({
        orderId: result.order.orderId,
        kind: result.order.kind,
        problem: `ended ${result.end}, expected ${expectedEnd}`,
      });
    }
    const audit = auditViolations(result, options.baseline);
    missingAudit += audit.missing;
    duplicateAudit += audit.duplicate;
    unexpectedAudit += audit.unexpected;
    for (const problem of audit.problems)
      violations.push({ orderId: result.order.orderId, kind: result.order.kind, problem });
  }

  const provisioning = orders.filter((o) => PROVISIONING_KINDS.has(o.kind));
  const subscribers = await subscribersByUserId(
    h,
    provisioning.map((o) => o.userId),
  );
  let duplicateSubscribers = 0;
  for (const order of provisioning) {
    const count = subscribers.get(order.userId) ?? { live: 0, total: 0 };
    const extra = order.kind === 'backgroundError' ? count.total - 1 : count.live - 1;
    if (extra > 0) {
      duplicateSubscribers += extra;
      violations.push({ orderId: order.orderId, kind: order.kind, problem: `${extra + 1} subscribers at Webex` });
    } else if (count.total === 0) {
      violations.push({ orderId: order.orderId, kind: order.kind, problem: 'no subscriber at Webex' });
    }
  }

  return {
    results,
    report: {
      mix: mix.name,
      orders: orders.length,
      faults: { ...faults, crash: results.filter((r) => r.crashed).length },
      taskRetries: results.reduce((sum, r) => sum + r.taskRetries, 0),
      throttleWaits: results.reduce((sum, r) => sum + r.throttleWaits, 0),
      ends,
      wrongEnds: wrongEnds + (options.violations?.length ?? 0),
      duplicateSubscribers,
      missingAudit,
      duplicateAudit,
      unexpectedAudit,
      violations,
      stalls: h.stalls - stallsBefore,
      wallMs,
    },
  };
}

/**
 * The batch mix: 5xx, 423 Locked, crashes of orders' tasks and crashes of the batch's chunk task (before it ran, or
 * after it started its orders). A batch's orders run at once on the harness's one manual clock, so faults measured in
 * time are left out: a rate limit, slow answers and dropped connections (which end by an attempt timeout) would pass
 * time for every order in flight and fail attempts no real run would fail. Pacing under a rate limit is the bulk
 * bench's (`npm run bench:bulk`).
 */
export const BATCH_MIX: FaultMix & { chunkCrashShare: number } = {
  name: 'batch',
  faults: {
    errorRate: { share: 0.15, statuses: [500, 502, 503, 504] },
    lockedShare: 0.1,
    lockedRetryAfterSeconds: 2,
  },
  crashShare: 0.3,
  chunkCrashShare: 0.5,
};

/**
 * A batch under faults: the orders (every kind the batch API accepts; `invalid` ones it refuses with 400) go through
 * POST /v1/batches's use case and the batch workflow, with the mix's Webex faults, task crashes of the orders, and crashes
 * of the chunk task (before it ran, or after it started its orders and its answer was lost). Each order is held to the
 * baseline as in `runBatch`; the batch is held to its orders: its counts match their ends, its failures name them, and
 * submitting it again answers the stored batch and starts nothing.
 */
export async function runBatchUnderFaults(
  h: FaultHarness,
  mix: FaultMix & { chunkCrashShare?: number },
  planned: readonly PlannedOrder[],
  options: { baseline: Baseline; seed: number; batchId: string },
): Promise<{ report: BatchReport; results: OrderResult[] }> {
  const orders = planned.filter((o) => o.kind !== 'invalid');
  h.reset(options.seed);
  const stallsBefore = h.stalls;
  if (mix.faults) h.sim.setFaults(mix.faults);
  if (mix.crashShare) planCrashes(h, orders, mix.crashShare, options.seed + 1);
  const request = parseBatch({
    batchId: options.batchId,
    orders: orders.map((o) => ({ orderId: o.orderId, subscriber: o.input.subscriber })),
  });
  const random = seededRandom(options.seed + 2);
  const chunks = Math.ceil(orders.length / 100);
  for (let chunk = 0; chunk < chunks; chunk++) {
    if (random() < (mix.chunkCrashShare ?? 0)) {
      h.crashes.set(`${options.batchId}#${chunk}`, {
        task: 'startBatchChunk',
        point: random() < 0.5 ? 'before' : 'after',
      });
    }
  }
  // The batch's orders run at once on the shared clock: each one's waits pass time for the others' calls in flight.
  h.setConcurrentTime(true);
  const started = performance.now();
  const deps = { store: getBatchStore(), executions: getBatchExecutions(), clock: h.clock };
  const submitted = await submitBatch(deps, request, 'soak');
  const { batchEngine, engine, executionEvents } = h.endpoint;
  const batchRun = await batchEngine.waitForExecution(batchEngine.executionArnOf(options.batchId));
  const results: OrderResult[] = [];
  for (const order of orders) {
    results.push(await resultOf(h, order, await engine.waitForExecution(engine.executionArnOf(order.orderId))));
  }
  await executionEvents.idle();
  const startDates = orders.map(
    (o) => engine.describeExecution({ executionArn: engine.executionArnOf(o.orderId) }).startDate,
  );
  const again = await submitBatch(deps, request, 'soak');
  const view = await getBatch({ store: deps.store }, options.batchId, { max: 1000 });

  const violations: Violation[] = [];
  const batchProblem = (problem: string) => violations.push({ orderId: options.batchId, kind: 'direct', problem });
  const succeeded = results.filter((r) => r.end === 'SUCCEEDED').length;
  if (!submitted.created) batchProblem('the first submit did not create the batch');
  if (again.created) batchProblem('the same batch again was created again');
  if (batchRun.status !== 'SUCCEEDED') batchProblem(`the batch execution ended ${batchRun.status}`);
  const expectedCounts = { total: orders.length, succeeded, failed: orders.length - succeeded, running: 0 };
  if (JSON.stringify(view.counts) !== JSON.stringify(expectedCounts)) {
    batchProblem(`counts ${JSON.stringify(view.counts)}, expected ${JSON.stringify(expectedCounts)}`);
  }
  const expectedStatus = succeeded === orders.length ? 'SUCCEEDED' : 'COMPLETED_WITH_FAILURES';
  if (view.status !== expectedStatus) batchProblem(`status ${view.status}, expected ${expectedStatus}`);
  const failures = new Map(view.failures.map((f) => [f.orderId, f.error]));
  for (const result of results) {
    if (result.end !== 'SUCCEEDED' && failures.get(result.order.orderId) !== result.end) {
      batchProblem(`failure of ${result.order.orderId}: ${failures.get(result.order.orderId)}, expected ${result.end}`);
    }
  }
  h.setConcurrentTime(false);
  const startDatesAfter = orders.map(
    (o) => engine.describeExecution({ executionArn: engine.executionArnOf(o.orderId) }).startDate,
  );
  if (JSON.stringify(startDatesAfter) !== JSON.stringify(startDates)) batchProblem('an order started twice');
  return evaluate(h, mix, orders, results, { baseline: options.baseline, started, stallsBefore, violations });
}
