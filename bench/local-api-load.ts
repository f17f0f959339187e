/**
 * Local API under load: the same Get subscriber request through the local gateway (payload 2.0 event, JWT authorizer,
 * the real handler module, the Webex client → simulator) and straight to the Webex simulator, one after the other in
 * the same run, with the same load tool (autocannon in its own process, bounded in time and count). Reports requests
 * per second and p50/p99 latency of each, and the milliseconds the gateway + handler add.
 *
 *   npm run bench:local-api                    # BENCH_LOAD_SECONDS=10 BENCH_LOAD_CONNECTIONS=10
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { TRUSTED_TEMPLATE_ID } from '../local/webex-simulator';
import { REPO_ROOT } from './support/paths';
import { type BenchSection, isMain, runStandalone } from './support/report';
import { ms, table } from './support/stats';

const run = promisify(execFile);

export interface LoadOptions {
  seconds?: number;
  connections?: number;
  /** Upper bound on requests per target (autocannon stops at whichever comes first). */
  maxRequests?: number;
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** autocannon CLI in a child process (so the load generator does not share this process's event loop). */
async function autocannon(url: string, token: string, options: Required<LoadOptions>): Promise<LoadResult> {
  const bin = resolve(REPO_ROOT, 'node_modules/autocannon/autocannon.js');
  const { stdout } = await run(
    process.execPath,
    [
      bin,
      '--json',
      '-c',
      String(options.connections),
      '-d',
      String(options.seconds),
      // -O, not -a: with -a autocannon ignores the duration.
      '-O',
      String(options.maxRequests),
      '-H',
      `authorization=Bearer ${token}`,
      url,
    ],
    { timeout: (options.seconds + 60) * 1000, maxBuffer: 16 * 1024 * 1024 },
  );
  const json = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    duration: number;
  };
  return {
    rps: json.requests.total / json.duration,
    p50: json.latency.p50,
    p99: json.latency.p99,
    requests: json.requests.total,
    non2xx: json.non2xx,
    errors: json.errors,
  };
}

export async function runLocalApiLoad(options: LoadOptions = {}): Promise<BenchSection> {
  const settings: Required<LoadOptions> = {
    seconds: options.seconds ?? Number(process.env.BENCH_LOAD_SECONDS ?? 10),
    connections: options.connections ?? Number(process.env.BENCH_LOAD_CONNECTIONS ?? 10),
    maxRequests: options.maxRequests ?? Number(process.env.BENCH_LOAD_MAX_REQUESTS ?? 100_000),
  };
  process.env.LOG_LEVEL = 'silent';
  const { startLocalRuntime } = await import('../local/runtime');
  const runtime = await startLocalRuntime({
    keyFile: false,
    logLevel: 'silent',
    ports: { api: 0, dynamodb: 0, simulator: 0, stepFunctions: 0 },
  });
  try {
    const simToken = runtime.simulator.credentials.accessToken;
    const created = await fetch(`${runtime.urls.simulator}/v1/broadworks/subscribers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${simToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        provisioningId: TRUSTED_TEMPLATE_ID,
        userId: 'load-bench@sp.example.com',
        spEnterpriseId: 'enterprise-1',
        firstName: 'Ada',
        lastName: 'Lovelace',
        package: 'standard',
        primaryPhoneNumber: '+1 408 555 0100',
        email: 'load-bench@customer.example.com',
      }),
    });
    if (created.status !== 200) throw new Error(`the simulator refused the bench subscriber: ${created.status}`);
    const { id } = (await created.json()) as { id: string };
    const path = `/v1/broadworks/subscribers/${encodeURIComponent(id)}`;
    const gatewayUrl = `${runtime.urls.api}${path}`;
    const simulatorUrl = `${runtime.urls.simulator}${path}`;
    // Warm both paths (handler module load, token grant, keep-alive connections).
    for (let i = 0; i < 20; i++) {
      const res = await fetch(gatewayUrl, { headers: { authorization: `Bearer ${runtime.tokens.read}` } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`the gateway answered ${res.status} to the warm-up Get`);
    }
    const direct = await autocannon(simulatorUrl, simToken, settings);
    const gateway = await autocannon(gatewayUrl, runtime.tokens.read, settings);
    const rows = [
      ['simulator directly', direct],
      ['local gateway → handler → simulator', gateway],
    ].map(([label, r]) => {
      const result = r as LoadResult;
      return [
        label as string,
        result.rps.toFixed(0),
        ms(result.p50, 0),
        ms(result.p99, 0),
        String(result.requests),
        String(result.non2xx + result.errors),
      ];
    });
    const body = [
      table(['target (GET one subscriber)', 'requests/s', 'p50', 'p99', 'requests', 'non-2xx + errors'], rows),
      '',
      `Added by the local gateway + handler: p50 +${(gateway.p50 - direct.p50).toFixed(0)} ms, p99 +${(gateway.p99 - direct.p99).toFixed(0)} ms; ` +
        `throughput ${((100 * gateway.rps) / direct.rps).toFixed(0)}% of the simulator's.`,
      `autocannon ${settings.connections} connections, ${settings.seconds} s or ${settings.maxRequests} requests per target, ` +
        'run as a child process; local runtime (`npm start` components, ephemeral ports, logs silent) in this process. ' +
        'Latencies are autocannon whole milliseconds.',
    ].join('\n');
    return { title: 'Local API under load (Get subscriber)', body, goals: [] };
  } finally {
    await runtime.stop();
  }
}

if (isMain(import.meta.url)) await runStandalone(() => runLocalApiLoad());
