/**
 * `npm run fuzz`: the fuzzing of `npm test`, with many more cases and a random seed it prints first — every route
 * through the local gateway (plus unrouted paths), the workflow's order input, and the simulator's control API and token
 * endpoint. Prints a table (cases and answers by status per target) and exits 1 on the first property that fails, with
 * fast-check's counterexample and the seed to replay it.
 *
 *   npm run fuzz                                   # 1000 cases per route, random seed
 *   npm run fuzz -- --seed 123456 --runs 300       # replay a run
 *   npm run fuzz -- --only gateway --max-seconds 120
 *
 * Bounded: a fixed number of cases, and it stops itself after --max-seconds (exit 2).
 */
import { parseArgs } from 'node:util';

process.env.LOG_LEVEL ??= 'silent';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    seed: { type: 'string' },
    only: { type: 'string', multiple: true },
    'max-seconds': { type: 'string', default: '900' },
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

const TARGETS = ['gateway', 'workflow', 'simulator'] as const;
const only = values.only ?? [...TARGETS];
for (const target of only) {
  if (!(TARGETS as readonly string[]).includes(target)) {
    console.error(`--only must be one of: ${TARGETS.join(', ')}`);
    process.exit(64);
  }
}
const runs = positiveInt('runs', values.runs, 1_000_000);
const maxSeconds = positiveInt('max-seconds', values['max-seconds'], 24 * 3600);
const seed =
  values.seed === undefined ? Math.floor(Math.random() * 0x7fffffff) : positiveInt('seed', values.seed, 0x7fffffff);

const guard = setTimeout(() => {
  console.error(`\nfuzz: stopped after --max-seconds ${maxSeconds} s without finishing (seed ${seed})`);
  process.exit(2);
}, maxSeconds * 1000);
guard.unref();

console.log(`fuzz: seed ${seed}, ${runs} cases per target (replay: npm run fuzz -- --seed ${seed} --runs ${runs})`);

const fc = (await import('fast-check')).default;
const rows: Array<{ target: string; cases: number; statuses: Map<number | string, number>; ms: number }> = [];
let failure: unknown;

async function check(
  target: string,
  property: Parameters<typeof fc.check>[0],
  numRuns: number,
  statuses: () => Map<number | string, number>,
) {
  if (failure) return;
  const started = performance.now();
  const details = await fc.check(property as never, { numRuns, seed, endOnFailure: true });
  rows.push({ target, cases: details.numRuns, statuses: statuses(), ms: performance.now() - started });
  if (details.failed) {
    failure = fc.defaultReportMessage(details) ?? `${target} failed`;
    console.log(`\n${target}: FAILED`);
  } else {
    process.stdout.write(`  ${target.padEnd(58)} ${details.numRuns} cases\n`);
  }
}

if (only.includes('gateway')) {
  const [{ startTestRuntime }, { startLocalStepFunctions }, gateway] = await Promise.all([
    import('../support/local-runtime'),
    import('../../local/stepfunctions'),
    import('./support/gateway-fuzz'),
  ]);
  const clock = { advance: (_ms: number) => undefined as unknown };
  const t = await startTestRuntime({
    stopAfterAll: false,
    stepFunctions: async ({ port, host, logger }) =>
      startLocalStepFunctions({ port, host, logger, timeScale: 0, onWait: (w) => clock.advance(w.seconds * 1000) }),
  });
  clock.advance = (ms) => t.clock.advance(ms);
  const ctx = {
    apiUrl: t.runtime.urls.api,
    tokens: t.runtime.tokens,
    statuses: new Map<string, Map<number, number>>(),
  };
  try {
    for (const route of gateway.FUZZED_ROUTES) {
      const target = `${route.method} ${route.path}`;
      await check(target, gateway.routeProperty(route, ctx), runs, () => ctx.statuses.get(target) ?? new Map());
    }
    await check(
      'unrouted paths and methods',
      gateway.unroutedProperty(ctx),
      runs,
      () => ctx.statuses.get('unrouted') ?? new Map(),
    );
    const health = await t.api.get('/health');
    if (!failure && health.status !== 200) failure = `/health answered ${health.status} after fuzzing`;
    rows.push({ target: 'GET /health afterwards', cases: 1, statuses: new Map([[health.status, 1]]), ms: 0 });
  } finally {
    await t.stop();
  }
}

if (only.includes('workflow')) {
  const [{ startFaultHarness }, { workflowInputProperty }] = await Promise.all([
    import('../reliability/support/fault-harness'),
    import('./support/workflow-fuzz'),
  ]);
  const h = await startFaultHarness({ seed });
  const ends = new Map<string, number>();
  try {
    await check(
      'workflow order input (local engine)',
      workflowInputProperty(h, ends),
      Math.max(1, Math.floor(runs / 2)),
      () => ends,
    );
  } finally {
    await h.stop();
  }
}

if (only.includes('simulator')) {
  const [{ createLogger }, sim, { simulatorProperty }, { createManualClock }] = await Promise.all([
    import('../../functions/shared/logger'),
    import('../../local/webex-simulator'),
    import('./support/simulator-fuzz'),
    import('../support/fakes'),
  ]);
  const simulator = sim.createWebexSimulator({
    clock: createManualClock(Date.UTC(2025, 2, 6)),
    logger: createLogger({}, { level: 'silent' }),
  });
  const { url } = await simulator.start({ port: 0, host: '127.0.0.1' });
  const statuses = new Map<number, number>();
  try {
    await check(
      'simulator control API and token endpoint',
      simulatorProperty(url, () => simulator.reset(), statuses),
      runs,
      () => statuses,
    );
  } finally {
    await simulator.stop();
  }
}

const cells = rows.map((r) => [
  r.target,
  String(r.cases),
  [...r.statuses.entries()]
    .sort(([a], [b]) => String(a).localeCompare(String(b)))
    .map(([status, n]) => `${status}:${n}`)
    .join(' '),
  (r.ms / 1000).toFixed(1),
]);
const header = ['target', 'cases', 'answers (status:count, or end:count)', 'wall s'];
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
const line = (c: string[]) => `| ${c.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log('');
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const c of cells) console.log(line(c));
console.log('');
const total = rows.reduce((sum, r) => sum + r.cases, 0);
if (failure) {
  console.log(String(failure));
  console.log(`\nfuzz: FAILED (seed ${seed}; replay: npm run fuzz -- --seed ${seed} --runs ${runs})`);
  process.exitCode = 1;
} else {
  console.log(
    `fuzz: OK — ${total} cases, no 5xx, no hang, every refusal a Webex error body with its trackingId (seed ${seed}).`,
  );
}
clearTimeout(guard);
