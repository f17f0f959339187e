/**
 * Cold start: for every Lambda of the stack, the bundle CDK would deploy (esbuild with infra/bundling.ts, minified ESM,
 * the environment credential provider instead of the SDK's default chain) and its module load time — the median over
 * several fresh `node` processes of `await import(bundle)`, with the functions' own NODE_OPTIONS
 * (`--enable-source-maps`) — next to the field's standard function, built and loaded in the same run: middy +
 * Powertools Logger (`injectLambdaContext`) + a DynamoDB DocumentClient `PutCommand`
 * (`bench/fixtures/baseline-handler.ts`), bundled with the same esbuild options but the SDK's default credential chain
 * left as it is. Ratios, since the machine is shared: each function load is paired with a baseline load just before
 * it, and its ratio is the median of those pairs. Node 20 (this process) and Node 24 (what Lambda runs; installed from
 * the npm registry into .bench-cache when missing).
 *
 * Also counts the zod objects each bundle builds while it loads (schemas are built at module load, and that is part of
 * the load time).
 *
 * Goal (issue 14): every function at most 1.0× the baseline's size and load time, on Node 20 and Node 24.
 *
 *   npm run bench:cold-start                   # BENCH_COLD_RUNS=15 for more processes per bundle (default 11)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ROUTES } from '../functions/catalog/routes';
import { FOLLOW_SUBSCRIBERS_ENTRY } from '../functions/catalog/stream-consumers';
import { WORKFLOW_TASKS } from '../functions/catalog/workflow-tasks';
import { BUNDLE_FILE_NAME, type BundleCredentials, esbuildOptionsFor } from '../infra/bundling';
import { REFRESH_FUNCTION_ENTRY } from '../infra/constructs/partner-token';
import { findNode24 } from './support/node24';
import { BENCH_CACHE, REPO_ROOT } from './support/paths';
import { type BenchSection, isMain, runStandalone } from './support/report';
import { kb, median, ms, quantile, ratio, table } from './support/stats';

export const GOAL_RATIO = 1.0;
const BASELINE = {
  name: 'baseline: middy + Powertools Logger + DocumentClient PutCommand',
  entry: 'bench/fixtures/baseline-handler.ts',
};
/** What the stack sets on every function (infra/constructs/service-function.ts). */
const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

interface Bundle {
  name: string;
  entry: string;
  file: string;
  bytes: number;
}

export interface ColdStartOptions {
  /** Fresh processes per bundle and Node version (default BENCH_COLD_RUNS or 11). */
  runs?: number;
}

/** Every deployed function: API routes, workflow tasks, the scheduled token refresh and the audit stream consumer. */
export function deployedFunctions(): Array<{ name: string; entry: string }> {
  return [
    ...ROUTES.map((r) => ({ name: r.operationId, entry: r.entry })),
    ...WORKFLOW_TASKS.map((t) => ({ name: `task ${t.name}`, entry: t.entry })),
    { name: 'scheduled refreshPartnerToken', entry: REFRESH_FUNCTION_ENTRY },
    { name: 'stream followSubscribers', entry: FOLLOW_SUBSCRIBERS_ENTRY },
  ];
}

async function bundleAll(outRoot: string): Promise<Bundle[]> {
  const functions = [BASELINE, ...deployedFunctions()];
  const bundles: Bundle[] = [];
  for (const [index, fn] of functions.entries()) {
    const file = join(outRoot, String(index), BUNDLE_FILE_NAME);
    // The standard function keeps the SDK's default credential chain.
    await build(
      esbuildOptionsFor(resolve(REPO_ROOT, fn.entry), file, fn === BASELINE ? 'default-chain' : 'environment'),
    );
    bundles.push({ ...fn, file, bytes: statSync(file).size });
  }
  return bundles;
}

const PROBE = `
const started = performance.now();
const module = await import(process.argv[2]);
const loadMs = performance.now() - started;
if (typeof module.handler !== 'function') { process.stderr.write('no handler export'); process.exit(2); }
process.stdout.write(JSON.stringify({ loadMs }));
`;

/**
 * Counts the zod objects (schemas and checks) a bundle builds while it loads, through zod's own global configuration
 * (`postProcessor` is called for every object zod constructs). Building them is part of the load time.
 */
const ZOD_PROBE = `
let built = 0;
globalThis.__zod_globalConfig = { postProcessor: () => { built++; } };
await import(process.argv[2]);
process.stdout.write(JSON.stringify({ built }));
`;

function zodObjectsAtLoad(probe: string, file: string): number {
  const result = spawnSync(process.execPath, [probe, pathToFileURL(file).href], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', LOG_LEVEL: 'info' },
  });
  if (result.status !== 0) throw new Error(`loading ${file} failed: ${result.stderr || result.error?.message}`);
  return (JSON.parse(result.stdout) as { built: number }).built;
}

/**
 * The CPU every probe process runs on, when `taskset` exists (Linux). Unpinned on this 2-vCPU VM, Node's helper
 * threads and the scheduler made load times bimodal (about 75 or 100 ms for the same bundle, at random); pinned, a
 * bundle's loads stay within a few ms and the ratios equal those of the unpinned fast loads. A Lambda function below
 * 1,769 MB has less than one vCPU's worth of CPU time anyway.
 */
const PINNED_CPU = (() => {
  const cpu = String(availableParallelism() - 1);
  const probe = spawnSync('taskset', ['-c', cpu, process.execPath, '-e', '0'], { stdio: 'ignore' });
  return probe.status === 0 ? cpu : undefined;
})();

/** Module load time of `file` in one fresh process of `node` (pinned to `PINNED_CPU` when there is one). */
function loadOnce(node: string, probe: string, file: string): number {
  const [command, args] =
    PINNED_CPU === undefined
      ? [node, [probe, pathToFileURL(file).href]]
      : ['taskset', ['-c', PINNED_CPU, node, probe, pathToFileURL(file).href]];
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
      AWS_REGION: 'us-east-1',
      LOG_LEVEL: 'info',
    },
  });
  if (result.status !== 0) throw new Error(`loading ${file} failed: ${result.stderr || result.error?.message}`);
  return (JSON.parse(result.stdout) as { loadMs: number }).loadMs;
}

interface LoadTime {
  median: number;
  /** The middle half of the samples: on a shared machine single processes run tens of ms slow at random. */
  p25: number;
  p75: number;
  /** Median of this bundle's load time over the baseline's, each pair loaded one right after the other. */
  ratio: number;
}

/**
 * Load times per bundle. Every load of a function is paired with a load of the baseline just before it, and the ratio
 * is the median of those pairs: the machine's slow spells (bursts of a few seconds on this shared VM) hit both loads of
 * a pair alike, where they would hit the medians of separately taken series at random. Rounds go over all bundles in
 * turn, each from a different starting point, so drift and periodic background work hit all alike too.
 */
function loadTimes(node: string, probe: string, bundles: Bundle[], runs: number): LoadTime[] {
  const samples = bundles.map(() => [] as number[]);
  const ratios = bundles.map(() => [] as number[]);
  const [baseline, ...others] = bundles as [Bundle, ...Bundle[]];
  for (const bundle of bundles) loadOnce(node, probe, bundle.file); // warm the file cache
  for (let run = 0; run < runs; run++) {
    for (let step = 0; step < others.length; step++) {
      // Each round starts one function further on, so no function always runs at the same point of a round.
      const index = (run + step) % others.length;
      const base = loadOnce(node, probe, baseline.file);
      const time = loadOnce(node, probe, (others[index] as Bundle).file);
      samples[0]?.push(base);
      samples[index + 1]?.push(time);
      ratios[index + 1]?.push(time / base);
    }
  }
  return samples.map((s, i) => ({
    median: median(s),
    p25: quantile(s, 0.25),
    p75: quantile(s, 0.75),
    ratio: i === 0 ? 1 : median(ratios[i] as number[]),
  }));
}

const loadCell = (t: LoadTime) => `${ms(t.median)} (${t.p25.toFixed(0)}–${t.p75.toFixed(0)})`;

/** What pulls a bundle's weight: the largest input packages (from esbuild's metafile). */
export async function heaviestInputs(
  entry: string,
  top = 6,
  credentials: BundleCredentials = 'environment',
): Promise<Array<[string, number]>> {
  const dir = join(BENCH_CACHE, 'cold-start', 'meta');
  const result = await build({
    ...esbuildOptionsFor(resolve(REPO_ROOT, entry), join(dir, BUNDLE_FILE_NAME), credentials),
    metafile: true,
  });
  const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint !== undefined);
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = match?.[1] ?? 'ours (functions/, infra/)';
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top);
}

export async function runColdStart(options: ColdStartOptions = {}): Promise<BenchSection> {
  const runs = options.runs ?? Number(process.env.BENCH_COLD_RUNS ?? 11);
  const outRoot = join(BENCH_CACHE, 'cold-start');
  rmSync(outRoot, { recursive: true, force: true });
  mkdirSync(outRoot, { recursive: true });
  const probe = join(outRoot, 'probe.mjs');
  writeFileSync(probe, PROBE);

  const bundles = await bundleAll(outRoot);
  const node24 = findNode24();
  const nodes: Array<{ label: string; path: string }> = [{ label: `Node ${process.version}`, path: process.execPath }];
  if (node24.version !== undefined && node24.path !== process.execPath)
    nodes.push({ label: `Node ${node24.version}`, path: node24.path });
  const loads = nodes.map((n) => loadTimes(n.path, probe, bundles, runs));
  const zodProbe = join(outRoot, 'zod-probe.mjs');
  writeFileSync(zodProbe, ZOD_PROBE);
  const zodObjects = bundles.map((b) => zodObjectsAtLoad(zodProbe, b.file));

  const baseline = bundles[0] as Bundle;
  const rows = bundles.map((b, i) => [
    b.name,
    kb(b.bytes),
    ratio(b.bytes / baseline.bytes),
    String(zodObjects[i]),
    ...loads.flatMap((l) => [loadCell(l[i] as LoadTime), ratio((l[i] as LoadTime).ratio)]),
  ]);
  const functions = bundles.slice(1);
  const heaviest = functions.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const sizeRatio = heaviest.bytes / baseline.bytes;
  const goals = [
    {
      goal: `every function's bundle ≤ ${GOAL_RATIO.toFixed(1)}× the baseline's size`,
      measured: `heaviest ${heaviest.name} ${kb(heaviest.bytes)} = ${ratio(sizeRatio)} of ${kb(baseline.bytes)}`,
      met: sizeRatio <= GOAL_RATIO,
    },
    ...nodes.map((node, n) => {
      const l = loads[n] as LoadTime[];
      const fns = l.slice(1);
      const slowest = fns.reduce((a, b) => (b.ratio > a.ratio ? b : a));
      const slowestName = functions[fns.indexOf(slowest)]?.name ?? '?';
      return {
        goal: `every function's load time ≤ ${GOAL_RATIO.toFixed(1)}× the baseline's (${node.label})`,
        measured: `slowest ${slowestName} ${ratio(slowest.ratio)} (baseline ${ms((l[0] as LoadTime).median)})`,
        met: slowest.ratio <= GOAL_RATIO,
      };
    }),
  ];
  const inputs = await heaviestInputs(heaviest.entry);
  const baselineInputs = await heaviestInputs(BASELINE.entry, 6, 'default-chain');
  const body = [
    table(
      ['function', 'bundle', '× base', 'zod objects', ...nodes.flatMap((n) => [`load ${n.label}`, '× base'])],
      rows,
    ),
    '',
    `Bundles: esbuild ${readEsbuildVersion()}, infra/bundling.ts options (minified ESM, mainFields module,main, AWS SDK bundled; our functions with the environment credential provider, the baseline with the SDK's default chain).`,
    `Load: median of ${runs} fresh processes per bundle and Node version (in brackets the middle half of them, p25–p75), \`await import()\` with NODE_OPTIONS=${LAMBDA_NODE_OPTIONS}, ${PINNED_CPU === undefined ? 'not pinned (no taskset here)' : `each process pinned to CPU ${PINNED_CPU} (taskset)`}. Each load of a function follows a load of the baseline (so the baseline's column is over all of those); "× base" is the median of a function's ${runs} paired ratios. No bundle builds an SDK client at load: all build them on first use.`,
    `zod objects: the schemas and checks zod builds while the bundle loads (each costs load time; a module's top-level schemas are all built once the module is imported).`,
    ...(node24.version === undefined ? [node24.reason] : []),
    `Largest inputs of ${heaviest.name}: ${inputs.map(([name, bytes]) => `${name} ${kb(bytes)}`).join(', ')}.`,
    `Largest inputs of the baseline: ${baselineInputs.map(([name, bytes]) => `${name} ${kb(bytes)}`).join(', ')}.`,
  ].join('\n');
  return { title: 'Cold start (bundle size and module load time)', body, goals };
}

function readEsbuildVersion(): string {
  const pkg = JSON.parse(readFileSync(resolve(REPO_ROOT, 'node_modules/esbuild/package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

if (isMain(import.meta.url)) await runStandalone(() => runColdStart());
