/**
 * What every benchmark returns: its section of the table printed by `npm run bench` (and by its own script), plus the
 * goals it checked. Benchmarks print; they never fail on a timing (the machine is shared and noisy).
 */
import { writeFileSync } from 'node:fs';

export interface BenchGoal {
  goal: string;
  measured: string;
  met: boolean;
}

export interface BenchSection {
  title: string;
  /** Markdown: tables and short notes. */
  body: string;
  goals: BenchGoal[];
}

export function renderSection(section: BenchSection): string {
  const goals = section.goals.map((g) => `- ${g.met ? 'met' : 'NOT met'}: ${g.goal} — ${g.measured}`).join('\n');
  return `## ${section.title}\n\n${section.body}\n${goals === '' ? '' : `\nGoals:\n${goals}\n`}`;
}

/** Where `run-all.ts` asks a benchmark child process to leave its section as JSON. */
export const SECTION_OUT_ENV = 'BENCH_SECTION_OUT';

/** Runs one benchmark as a script: prints its section (the per-figure `npm run bench:*` entry points). */
export async function runStandalone(run: () => Promise<BenchSection>): Promise<void> {
  try {
    const section = await run();
    const out = process.env[SECTION_OUT_ENV];
    if (out) writeFileSync(out, JSON.stringify(section));
    process.stdout.write(`${renderSection(section)}\n`);
    process.exit(0);
  } catch (error) {
    process.stderr.write(
      `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  }
}

/** True when this module is the script node was started with (`tsx bench/x.ts`). */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  const path = new URL(moduleUrl).pathname;
  return path === entry || path.replace(/\.ts$/, '') === entry.replace(/\.ts$/, '');
}
