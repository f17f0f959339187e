/**
 * What Powertools Tracer would cost a function: the GET subscriber bundle with and without Tracer's
 * `captureLambdaHandler`, both built with infra/bundling.ts, sizes and paired load times (each traced load right after
 * an untraced one, pinned to one CPU with `taskset` when present, Node of this process). The Tracer is installed once
 * from the npm registry under .bench-cache/tracer (never in package.json: the functions do not use it).
 *
 *   npm run bench:tracer-cost               # BENCH_COLD_RUNS=15 for more pairs (default 11)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_FILE_NAME, esbuildOptionsFor } from '../infra/bundling';
import { BENCH_CACHE, REPO_ROOT } from './support/paths';
import { kb, median, ms, ratio } from './support/stats';

const TRACER = '@aws-lambda-powertools/tracer@2.36.0';
/** The deployed GET subscriber function wrapped in Tracer's middleware (built from here: Tracer is no dependency). */
const TRACED_ENTRY = `
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { handler as getSubscriber } from '../functions/api/get-subscriber';
const tracer = new Tracer({ serviceName: 'webex-bw-provisioning' });
export const handler = middy().use(captureLambdaHandler(tracer)).handler((event, context) => getSubscriber(event, context));
`;
const prefix = join(BENCH_CACHE, 'tracer');
if (!existsSync(join(prefix, 'node_modules', '@aws-lambda-powertools', 'tracer'))) {
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, TRACER], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
const out = join(BENCH_CACHE, 'tracer-cost');
mkdirSync(out, { recursive: true });
const bundles: Record<'plain' | 'traced', { file: string; bytes: number }> = {} as never;
for (const name of ['plain', 'traced'] as const) {
  const file = join(out, name, BUNDLE_FILE_NAME);
  const { entryPoints, ...options } = esbuildOptionsFor(resolve(REPO_ROOT, 'functions/api/get-subscriber.ts'), file);
  await build({
    ...options,
    ...(name === 'plain'
      ? { entryPoints }
      : { stdin: { contents: TRACED_ENTRY, resolveDir: resolve(REPO_ROOT, 'bench'), loader: 'ts' as const } }),
    nodePaths: [join(prefix, 'node_modules')],
  });
  bundles[name] = { file, bytes: statSync(file).size };
}
const probe = join(out, 'probe.mjs');
writeFileSync(
  probe,
  'const s = performance.now(); await import(process.argv[2]); process.stdout.write(String(performance.now() - s));',
);
const cpu = String(availableParallelism() - 1);
const pinned = spawnSync('taskset', ['-c', cpu, process.execPath, '-e', '0']).status === 0;
const load = (file: string): number => {
  const args = [process.execPath, probe, pathToFileURL(file).href];
  const result = pinned
    ? spawnSync('taskset', ['-c', cpu, ...args], { encoding: 'utf8', env: probeEnv() })
    : spawnSync(args[0] as string, args.slice(1), { encoding: 'utf8', env: probeEnv() });
  if (result.status !== 0) throw new Error(`loading ${file} failed: ${result.stderr}`);
  return Number(result.stdout);
};
function probeEnv() {
  return { PATH: process.env.PATH, AWS_REGION: 'us-east-1', NODE_OPTIONS: '--enable-source-maps' };
}
const runs = Number(process.env.BENCH_COLD_RUNS ?? 11);
const plain: number[] = [];
const traced: number[] = [];
const ratios: number[] = [];
for (let run = 0; run < runs; run++) {
  const a = load(bundles.plain.file);
  const b = load(bundles.traced.file);
  plain.push(a);
  traced.push(b);
  ratios.push(b / a);
}
process.stdout.write(
  `${[
    `Node ${process.version}, ${runs} pairs${pinned ? `, pinned to CPU ${cpu}` : ''}:`,
    `getSubscriber ${kb(bundles.plain.bytes)}, load ${ms(median(plain))}`,
    `getSubscriber + Tracer ${kb(bundles.traced.bytes)} (${ratio(bundles.traced.bytes / bundles.plain.bytes)}), load ${ms(median(traced))}`,
    `paired load ratio (median): ${ratio(median(ratios))}`,
  ].join('\n')}\n`,
);
