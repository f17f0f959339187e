/**
 * `npm run batch`: a CSV or JSON file through the local runtime's API, followed to its end with a progress bar, its
 * report saved; the same file again submits the same batch and starts nothing twice. The CLI's clock is injected: its
 * "sleep" between progress reads waits for the local engines to finish instead of real time.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStepFunctions, startLocalStepFunctions } from '../../local/stepfunctions';
import { TRUSTED_TEMPLATE_ID } from '../../local/webex-simulator/seed';
import { defaultBatchId, main, ordersFromCsv, parseCsv, progressLine } from '../../scripts/batch-cli';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

let t: TestRuntime;
let sfn: LocalStepFunctions;
let dir: string;

beforeAll(async () => {
  t = await startTestRuntime({
    stopAfterAll: false,
    stepFunctions: async ({ port, host, logger }) => {
      sfn = await startLocalStepFunctions({
        port,
        host,
        logger,
        timeScale: 0,
        onWait: (wait) => t.clock.advance(wait.seconds * 1000),
      });
      return sfn;
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'batch-cli-'));
});
afterAll(async () => {
  await t?.stop();
});

/** Everything the engines run ends (batches, orders) and every outcome is recorded. */
async function engineIdle(): Promise<void> {
  for (const engine of [sfn.batchEngine, sfn.engine]) {
    const running = engine.listExecutions({ stateMachineArn: engine.stateMachineArn, statusFilter: 'RUNNING' });
    for (const execution of running.executions) await engine.waitForExecution(execution.executionArn);
  }
  await sfn.executionEvents.idle();
}

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let now = 0;
  const settings = {
    env: { PORT: new URL(t.runtime.urls.api).port, TOKEN: t.runtime.tokens.write },
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        await engineIdle();
        now += ms;
      },
    },
    cwd: dir,
    write: (text: string) => out.push(text),
    writeError: (text: string) => err.push(text),
  };
  return main(argv, settings).then((code) => ({ code, out: out.join(''), err: err.join('') }));
}

let sequence = 0;
function csvOf(rows: Array<{ userId: string; provisioningId?: string; firstName?: string }>): string {
  const header = 'userId,provisioningId,spEnterpriseId,firstName,lastName,package,primaryPhoneNumber,email';
  const lines = rows.map((r) =>
    [
      r.userId,
      r.provisioningId ?? TRUSTED_TEMPLATE_ID,
      'enterprise-cli',
      r.firstName ?? 'Ada',
      '"Lovelace, Countess"',
      'standard',
      '+1 408 555 0100',
      `${r.userId.replace('@', '-at-')}@customer.example.com`,
    ].join(','),
  );
  return `${header}\r\n${lines.join('\r\n')}\r\n`;
}

describe('batch CLI', () => {
  it('submits a CSV, shows progress, saves the report, and re-running the file starts nothing twice', async () => {
    // Prepare
    sequence += 1;
    const tag = `${Date.now().toString(36)}-${sequence}`;
    const file = join(dir, `migration-${tag}.csv`);
    await writeFile(
      file,
      csvOf([
        { userId: `cli-a-${tag}@sp.example.com` },
        { userId: `fail-cli-${tag}@sp.example.com` },
        { userId: `cli-b-${tag}@sp.example.com` },
      ]),
    );
    const batchId = defaultBatchId(file, await readFile(file));

    // Act
    const first = await run([file, '--follow']);
    const startsBefore = [1, 2, 3].map(
      (n) => sfn.engine.describeExecution({ executionArn: sfn.engine.executionArnOf(`${batchId}-${n}`) }).startDate,
    );
    const again = await run([file, '--follow']);
    const startsAfter = [1, 2, 3].map(
      (n) => sfn.engine.describeExecution({ executionArn: sfn.engine.executionArnOf(`${batchId}-${n}`) }).startDate,
    );
    const report = await readFile(join(dir, `${batchId}-report.csv`), 'utf8');

    // Assess
    expect(first.err).toBe('');
    expect(first.code).toBe(1);
    expect(first.out).toContain(`batch ${batchId}: 3 orders accepted and starting`);
    expect(first.out).toMatch(/\[#{30}\] 3\/3 100%/);
    expect(first.out).toContain(`batch ${batchId} COMPLETED_WITH_FAILURES: 2 succeeded, 1 failed`);
    expect(first.out).toContain(`report: ${join(dir, `${batchId}-report.csv`)}`);
    expect(again.out).toContain(`batch ${batchId} exists already (COMPLETED_WITH_FAILURES): nothing started again`);
    expect(startsAfter).toEqual(startsBefore);
    const lines = report.trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => l.split(',').slice(1, 4))).toEqual([
      [`${batchId}-1`, 'SUCCEEDED', ''],
      [`${batchId}-2`, 'FAILED', 'ProvisioningFailed'],
      [`${batchId}-3`, 'SUCCEEDED', ''],
    ]);
  });

  it('submits a JSON batch with its own batchId and exits 0 once every order succeeded', async () => {
    // Prepare
    sequence += 1;
    const tag = `${Date.now().toString(36)}-${sequence}`;
    const orders = ordersFromCsv(csvOf([{ userId: `json-${tag}@sp.example.com` }]));
    const file = join(dir, `batch-${tag}.json`);
    await writeFile(file, JSON.stringify({ batchId: `json-${tag}`, orders }));

    // Act
    const result = await run([file, '--follow', '--report', 'out.csv']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toContain(`batch json-${tag} SUCCEEDED: 1 succeeded, 0 failed`);
    expect(result.out).toContain(`report: ${join(dir, 'out.csv')}`);
  });

  it('maps a refused item to its CSV line, and refuses an unknown column before sending anything', async () => {
    // Prepare
    sequence += 1;
    const tag = `${Date.now().toString(36)}-${sequence}`;
    const bad = join(dir, `bad-${tag}.csv`);
    await writeFile(bad, csvOf([{ userId: `ok-${tag}@sp.example.com` }, { userId: `x-${tag}`, firstName: '' }]));
    const unknown = join(dir, `unknown-${tag}.csv`);
    await writeFile(unknown, 'userId,shoeSize\nsomeone,42\n');

    // Act
    const refused = await run([bad]);
    const usage = await run([unknown]);

    // Assess
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('line 3 (orders[1].subscriber.firstName)');
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('Unknown CSV column shoeSize');
  });

  it('reads RFC 4180 CSV and draws the progress bar with rate and ETA', () => {
    // Act
    const rows = parseCsv('a,b\r\n"x, ""y""",z\n\n"multi\nline",w');
    const line = progressLine({ total: 100, succeeded: 30, failed: 10, running: 60 }, 10, 0);

    // Assess
    expect(rows).toEqual([
      ['a', 'b'],
      ['x, "y"', 'z'],
      ['multi\nline', 'w'],
    ]);
    expect(line).toBe('[############------------------] 40/100  40%  4.0/s  ETA 15s  (succeeded 30, failed 10)');
  });
});
