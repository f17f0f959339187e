/**
 * `npm run soak`: hundreds of orders through the real workflow, task handlers, simulator and audit table, under several
 * fault mixes (rate limits, 5xx, slow answers, dropped connections, 423 Locked, task crashes, and all of them at once),
 * on a manual clock with zero waits. The `batch` mix submits the orders as one batch (POST /v1/batches's use case and
 * the batch workflow) under rate limits, 5xx, drops, 423, task crashes and crashes of the batch's chunk task, and also
 * holds the batch to its orders: counts, failures, and nothing started twice when it is sent again. Prints one row per mix and exits 1 when any order ended otherwise than without
 * faults, a subscriber was provisioned twice, or an audit record is missing or duplicated.
 *
 *   npm run soak                                  # 8 mixes x 200 orders, one at a time, random seed (printed)
 *   npm run soak -- --seed 12345                  # the same run again: same faults, same figures
 *   npm run soak -- --orders 70 --mix storm --mix 5xx --concurrency 4 --max-seconds 300
 *
 * One order at a time (the default) is deterministic for a seed. With --concurrency N the executions share one manual
 * clock: each one's waits and slow answers pass time for the others too, so attempts also time out while in flight
 * (extra retries, and with long latencies an order may exhaust its retries — more than the mix injects).
 *
 * Bounded: a fixed number of orders, and it stops itself after --max-seconds (exit 2).
 */
import { parseArgs } from 'node:util';

process.env.LOG_LEVEL ??= 'silent';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '200' },
    seed: { type: 'string' },
    concurrency: { type: 'string', default: '1' },
    'max-seconds': { type: 'string', default: '600' },
    mix: { type: 'string', multiple: true },
  },
});

function positiveInt(name: string, raw: string | undefined, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    console.error(`--${name} must be a whole number from 1 to ${max}`);
    process.exit(64);
  }
  return value;
}

const { randomSeed } = await import('./support/seeded-random');
const ordersPerMix = positiveInt('orders', values.orders, 10_000);
const concurrency = positiveInt('concurrency', values.concurrency, 64);
const maxSeconds = positiveInt('max-seconds', values['max-seconds'], 24 * 3600);
const seed = values.seed === undefined ? randomSeed() : positiveInt('seed', values.seed, 0x7fffffff);

const { startFaultHarness } = await import('./support/fault-harness');
const { BATCH_MIX, FAULT_MIXES, planOrders, recordBaseline, runBatch, runBatchUnderFaults } = await import(
  './support/scenario'
);
type BatchReport = Awaited<ReturnType<typeof runBatch>>['report'];

const mixes = values.mix ? FAULT_MIXES.filter((m) => values.mix?.includes(m.name)) : FAULT_MIXES;
const batchMix = values.mix === undefined || values.mix.includes(BATCH_MIX.name);
if (mixes.length === 0 && !batchMix) {
  console.error(`--mix must name one of: ${[...FAULT_MIXES, BATCH_MIX].map((m) => m.name).join(', ')}`);
  process.exit(64);
}

/** Orders per batch of the batch mix. */
const BATCH_SIZE = 25;

function mergeReports(mix: string, parts: readonly BatchReport[]): BatchReport {
  const sum = (pick: (r: BatchReport) => number) => parts.reduce((total, r) => total + pick(r), 0);
  const ends: Record<string, number> = {};
  const faults = { ...(parts[0]?.faults as BatchReport['faults']) };
  for (const key of Object.keys(faults) as Array<keyof BatchReport['faults']>) faults[key] = sum((r) => r.faults[key]);
  for (const part of parts) for (const [end, n] of Object.entries(part.ends)) ends[end] = (ends[end] ?? 0) + n;
  return {
    mix,
    orders: sum((r) => r.orders),
    faults,
    taskRetries: sum((r) => r.taskRetries),
    throttleWaits: sum((r) => r.throttleWaits),
    ends,
    wrongEnds: sum((r) => r.wrongEnds),
    duplicateSubscribers: sum((r) => r.duplicateSubscribers),
    missingAudit: sum((r) => r.missingAudit),
    duplicateAudit: sum((r) => r.duplicateAudit),
    unexpectedAudit: sum((r) => r.unexpectedAudit),
    violations: parts.flatMap((r) => r.violations),
    stalls: sum((r) => r.stalls),
    wallMs: sum((r) => r.wallMs),
  };
}

const guard = setTimeout(() => {
  console.error(`\nsoak: stopped after --max-seconds ${maxSeconds} s without finishing`);
  process.exit(2);
}, maxSeconds * 1000);
guard.unref();

console.log(
  `soak: ${mixes.length + (batchMix ? 1 : 0)} fault mixes x ${ordersPerMix} orders, ${concurrency} at a time, seed ${seed} ` +
    `(repeat with: npm run soak -- --seed ${seed} --orders ${ordersPerMix} --concurrency ${concurrency})`,
);

const started = performance.now();
const h = await startFaultHarness({ seed });
const reports: BatchReport[] = [];
try {
  const baseline = await recordBaseline(h, `soak-${seed}-baseline`);
  for (const [index, mix] of mixes.entries()) {
    const orders = planOrders(`soak-${seed}-${mix.name}`, ordersPerMix);
    const { report } = await runBatch(h, mix, orders, { baseline, seed: seed + index * 101, concurrency });
    reports.push(report);
    process.stdout.write(`  ${mix.name.padEnd(10)} done in ${(report.wallMs / 1000).toFixed(1)} s\n`);
  }
  if (batchMix) {
    // Batches of BATCH_SIZE orders, one after another: all of a batch's orders run at once on the harness's one
    // manual clock, and more at once would make that clock's jumps, not the faults, fail calls in flight.
    const orders = planOrders(`soak-${seed}-batch`, ordersPerMix);
    const parts: BatchReport[] = [];
    for (let from = 0; from < orders.length; from += BATCH_SIZE) {
      const { report } = await runBatchUnderFaults(h, BATCH_MIX, orders.slice(from, from + BATCH_SIZE), {
        baseline,
        seed: seed + 997 + from,
        batchId: `soak-${seed}-batch-${from / BATCH_SIZE + 1}`,
      });
      parts.push(report);
    }
    const report = mergeReports(BATCH_MIX.name, parts);
    reports.push(report);
    process.stdout.write(
      `  ${'batch'.padEnd(10)} done in ${(report.wallMs / 1000).toFixed(1)} s (${parts.length} batches)\n`,
    );
  }
} finally {
  await h.stop();
}

const ENDS: Array<[string, string]> = [
  ['SUCCEEDED', 'ok'],
  ['ProvisioningFailed', 'provFail'],
  ['PrecheckFailed', 'preFail'],
  ['InvalidOrder', 'invalid'],
];
const columns = [
  'mix',
  'orders',
  '429',
  '5xx',
  'slow',
  'drop',
  '423',
  'crash',
  'task retries',
  'throttle waits',
  'final states',
  'wrong end',
  'duplicates',
  'audit missing',
  'audit dup',
  'wall s',
];
const rows = reports.map((r) => {
  const known = new Set(ENDS.map(([end]) => end));
  const others = Object.entries(r.ends).filter(([end]) => !known.has(end));
  const finals = [
    ...ENDS.filter(([end]) => r.ends[end]).map(([end, label]) => `${label} ${r.ends[end]}`),
    ...others.map(([end, n]) => `${end} ${n}`),
  ].join(', ');
  return [
    r.mix,
    r.orders,
    r.faults.rateLimited,
    r.faults.error,
    r.faults.latency,
    r.faults.drop,
    r.faults.locked,
    r.faults.crash,
    r.taskRetries,
    r.throttleWaits,
    finals,
    r.wrongEnds,
    r.duplicateSubscribers,
    r.missingAudit,
    r.duplicateAudit + r.unexpectedAudit,
    (r.wallMs / 1000).toFixed(1),
  ].map(String);
});
const sum = (pick: (r: BatchReport) => number) => String(reports.reduce((total, r) => total + pick(r), 0));
rows.push([
  'total',
  sum((r) => r.orders),
  sum((r) => r.faults.rateLimited),
  sum((r) => r.faults.error),
  sum((r) => r.faults.latency),
  sum((r) => r.faults.drop),
  sum((r) => r.faults.locked),
  sum((r) => r.faults.crash),
  sum((r) => r.taskRetries),
  sum((r) => r.throttleWaits),
  '',
  sum((r) => r.wrongEnds),
  sum((r) => r.duplicateSubscribers),
  sum((r) => r.missingAudit),
  sum((r) => r.duplicateAudit + r.unexpectedAudit),
  ((performance.now() - started) / 1000).toFixed(1),
]);

const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((row) => (row[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log('');
console.log(line(columns));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));

const stalls = reports.reduce((total, r) => total + r.stalls, 0);
if (stalls > 0) {
  console.log(
    `\nnote: ${stalls} times every execution stood still on an HTTP exchange that never completed; the harness let ` +
      'the time pass to the next sleeper (the Webex client attempt timeout), as real time would.',
  );
}
const violations = reports.flatMap((r) => r.violations.map((v) => ({ mix: r.mix, ...v })));
console.log('');
if (violations.length > 0) {
  console.log(`soak: FAILED — ${violations.length} violations (first 20):`);
  for (const v of violations.slice(0, 20)) console.log(`  [${v.mix}] ${v.orderId} (${v.kind}): ${v.problem}`);
  process.exitCode = 1;
} else {
  console.log(
    'soak: OK — every order ended as without faults, no subscriber provisioned twice, no audit record missing or duplicated.',
  );
}
clearTimeout(guard);
