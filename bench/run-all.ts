/**
 * `npm run bench`: every benchmark of issue 7 in one run, side by side, each in its own child process (the handlers
 * read `process.env` and keep module-scope singletons, so one benchmark cannot leak into the next), then one report:
 * the date and the machine, each figure's section, and a summary of every goal.
 *
 *   npm run bench                              # everything (about 3 to 4 minutes on 2 cores)
 *   npm run bench -- cold-start workflow-cost  # a subset, by name
 *
 * Every figure is also a script of its own: `npm run bench:cold-start`, `bench:handler-cost`, `bench:local-api`,
 * `bench:workflow-cost`, `bench:bulk`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, freemem, platform, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './support/paths';
import { type BenchSection, renderSection, SECTION_OUT_ENV } from './support/report';
import { table } from './support/stats';

export const BENCHMARKS = [
  { name: 'cold-start', file: 'bench/cold-start.ts' },
  { name: 'handler-cost', file: 'bench/handler-cost.ts' },
  { name: 'local-api', file: 'bench/local-api-load.ts' },
  { name: 'workflow-cost', file: 'bench/workflow-cost.ts' },
  { name: 'bulk', file: 'bench/bulk-throughput.ts' },
] as const;

function machine(): string {
  const cpu = cpus();
  const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${gb(totalmem())} RAM (${gb(freemem())} free), ${platform()} ${release()}, Node ${process.version}`;
}

function runOne(file: string, dir: string, index: number): BenchSection {
  const out = join(dir, `${index}.json`);
  const started = Date.now();
  process.stderr.write(`▶ ${file} …\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, file)], {
    cwd: REPO_ROOT,
    env: { ...process.env, [SECTION_OUT_ENV]: out },
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 15 * 60_000,
  });
  process.stderr.write(`  ${file} took ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  if (result.status !== 0) {
    return {
      title: file,
      body: `Failed (exit ${result.status ?? result.signal}); run \`npx tsx ${file}\` to see why.`,
      goals: [],
    };
  }
  return JSON.parse(readFileSync(out, 'utf8')) as BenchSection;
}

export function runAll(names: readonly string[]): string {
  const selected = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => names.includes(b.name));
  if (selected.length === 0)
    throw new Error(`No benchmark named ${names.join(', ')}: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  try {
    const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const sections = selected.map((b, i) => runOne(b.file, dir, i));
    const summary = table(
      ['figure', 'goal', 'measured', 'verdict'],
      sections.flatMap((s) =>
        s.goals.map((g) => [s.title.replace(/ \(.*$/, ''), g.goal, g.measured, g.met ? 'met' : 'NOT met']),
      ),
    );
    return [
      `# Benchmarks (issue 7) — ${date}`,
      '',
      `Machine: ${machine()}. Command: \`npm run bench\`.`,
      '',
      ...sections.map(renderSection),
      '## Summary of goals',
      '',
      summary,
      '',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.stdout.write(runAll(process.argv.slice(2)));
