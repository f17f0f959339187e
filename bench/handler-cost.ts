/**
 * Handler cost: the warm time spent inside each API handler per request — what Lambda bills — with the upstreams
 * answering instantly (canned Webex and DynamoDB answers served from a worker thread, see support/canned-upstream.ts).
 * The real handler modules, the real middy stack, the real Webex client (keep-alive fetch), logs formatted and redacted
 * at `info` (their writes to stdout discarded). Median and p99 over thousands of sequential invocations after a warm-up.
 *
 * Goal (issue 7): under 5 ms median for Get and List.
 *
 *   npm run bench:handler-cost                 # BENCH_HANDLER_INVOCATIONS=5000 for more
 */
import { performance } from 'node:perf_hooks';
import { buildEvent, type EventOptions, lambdaContext } from '../test/support/apigw-event';
import { recordWebexAnswers, startCannedUpstreams } from './support/canned-upstream';
import { type BenchSection, isMain, runStandalone } from './support/report';
import { median, ms, p99, table } from './support/stats';

export const GOAL_MEDIAN_MS = 5;

interface Case {
  operationId: string;
  module: string;
  event: () => EventOptions;
  goal: boolean;
}

export interface HandlerCostOptions {
  invocations?: number;
  warmup?: number;
}

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number }>;

export async function runHandlerCost(options: HandlerCostOptions = {}): Promise<BenchSection> {
  const invocations = options.invocations ?? Number(process.env.BENCH_HANDLER_INVOCATIONS ?? 2000);
  const warmup = options.warmup ?? 200;
  const recorded = await recordWebexAnswers();
  const upstreams = await startCannedUpstreams(recorded.routes);
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AUDIT_TABLE_NAME: 'bench-audit',
    DYNAMODB_ENDPOINT: upstreams.dynamoUrl,
    WEBEX_BASE_URL: upstreams.webexUrl,
    WEBEX_REFRESH_TOKEN: recorded.credentials.refreshToken,
    WEBEX_CLIENT_ID: recorded.credentials.clientId,
    WEBEX_CLIENT_SECRET: recorded.credentials.clientSecret,
    AUDIT_DIGEST_KEY: 'bench-digest-key-0123456789abcdef0123456789',
    LOG_LEVEL: 'info',
  });
  for (const name of ['PARTNER_TOKEN_SECRET_ID', 'AUDIT_DIGEST_SECRET_ID', 'STATE_MACHINE_ARN', 'SFN_ENDPOINT']) {
    delete process.env[name];
  }
  const { resetCompositionForTests } = await import('../functions/composition/root');
  const { REFRESH_GRANT_COMPOSITION } = await import('../functions/composition/refresh-grant');
  resetCompositionForTests(REFRESH_GRANT_COMPOSITION);

  const id = recorded.subscriberId;
  const cases: Case[] = [
    {
      operationId: 'getSubscriber',
      module: '../functions/api/get-subscriber',
      event: () => ({ pathParameters: { subscriberId: id } }),
      goal: true,
    },
    {
      operationId: 'listSubscribers',
      module: '../functions/api/list-subscribers',
      event: () => ({ query: { max: '10' } }),
      goal: true,
    },
    {
      operationId: 'precheckSubscriber',
      module: '../functions/api/precheck-subscriber',
      event: () => ({ body: { ...recorded.provisionBody } }),
      goal: false,
    },
    {
      operationId: 'provisionSubscriber',
      module: '../functions/api/provision-subscriber',
      event: () => ({ body: { ...recorded.provisionBody } }),
      goal: false,
    },
    {
      operationId: 'updateSubscriber',
      module: '../functions/api/update-subscriber',
      event: () => ({ pathParameters: { subscriberId: id }, body: { package: 'premium' } }),
      goal: false,
    },
    {
      operationId: 'removeSubscriber',
      module: '../functions/api/remove-subscriber',
      event: () => ({ pathParameters: { subscriberId: id } }),
      goal: false,
    },
    {
      operationId: 'resendConsent',
      module: '../functions/api/resend-consent',
      event: () => ({ pathParameters: { subscriberId: recorded.pendingSubscriberId } }),
      goal: false,
    },
    {
      operationId: 'listSubscriberAudit',
      module: '../functions/api/list-subscriber-audit',
      event: () => ({ pathParameters: { subscriberId: id } }),
      goal: false,
    },
  ];

  const rows: string[][] = [];
  const goals: BenchSection['goals'] = [];
  const write = process.stdout.write;
  try {
    for (const c of cases) {
      const { handler } = (await import(c.module)) as { handler: Handler };
      const samples: number[] = [];
      const statuses = new Map<number, number>();
      let logLines = 0;
      // Logs are formatted and redacted as in Lambda; only the write itself is dropped (it would flood the table).
      process.stdout.write = ((chunk: unknown) => {
        logLines += typeof chunk === 'string' ? 1 : 0;
        return true;
      }) as typeof process.stdout.write;
      try {
        for (let i = 0; i < warmup + invocations; i++) {
          const event = buildEvent(c.operationId, c.event());
          const context = lambdaContext();
          const started = performance.now();
          const result = await handler(event, context);
          const elapsed = performance.now() - started;
          if (i >= warmup) {
            samples.push(elapsed);
            statuses.set(result.statusCode, (statuses.get(result.statusCode) ?? 0) + 1);
          }
        }
      } finally {
        process.stdout.write = write;
      }
      const med = median(samples);
      rows.push([
        c.operationId,
        [...statuses].map(([s, n]) => `${s}×${n}`).join(' '),
        ms(med, 2),
        ms(p99(samples), 2),
        String((logLines / (warmup + invocations)).toFixed(1)),
      ]);
      if (c.goal) {
        goals.push({
          goal: `${c.operationId} median < ${GOAL_MEDIAN_MS} ms`,
          measured: `median ${ms(med, 2)}, p99 ${ms(p99(samples), 2)}`,
          met: med < GOAL_MEDIAN_MS,
        });
      }
    }
  } finally {
    resetCompositionForTests();
    await upstreams.stop();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  const body = [
    table(['handler', 'answers', 'median', 'p99', 'log lines/req'], rows),
    '',
    `${invocations} sequential warm invocations per handler after ${warmup} warm-up ones, Node ${process.version}; ` +
      'upstreams (canned Webex bodies recorded from the simulator, canned DynamoDB) answer instantly from a worker thread; ' +
      'no workflow tracking (STATE_MACHINE_ARN unset). Time = `await handler(event, context)`.',
  ].join('\n');
  return { title: 'Handler cost (warm, per request)', body, goals };
}

if (isMain(import.meta.url)) await runStandalone(() => runHandlerCost());
