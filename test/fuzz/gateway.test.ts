/**
 * Fuzzing every route through the local gateway with a fixed seed (the larger, random-seed run is `npm run fuzz`):
 * whatever arrives, the answer comes, is never a 5xx, and every 4xx is a Webex error body with the TrackingID.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStepFunctions } from '../../local/stepfunctions';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { FUZZED_ROUTES, type GatewayFuzzContext, routeProperty, unroutedProperty } from './support/gateway-fuzz';
import { sendRaw, webexErrorProblem } from './support/raw-http';

const SEED = 20250304;
const RUNS_PER_ROUTE = 200;

let t: TestRuntime;
let ctx: GatewayFuzzContext;

beforeAll(async () => {
  t = await startTestRuntime({
    stopAfterAll: false,
    stepFunctions: async ({ port, host, logger }) =>
      startLocalStepFunctions({ port, host, logger, timeScale: 0, onWait: (w) => t.clock.advance(w.seconds * 1000) }),
  });
  ctx = { apiUrl: t.runtime.urls.api, tokens: t.runtime.tokens, statuses: new Map() };
});
afterAll(async () => {
  await t?.stop();
});

/** Write raw bytes to the gateway and read the whole answer (the connection is closed by the server). */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')));
  });
}

describe('requests the HTTP parser refuses', () => {
  it('answers an over-long URL with 431 and a Webex error body', async () => {
    // Act
    const res = await sendRaw(ctx.apiUrl, {
      method: 'GET',
      path: `/v1/broadworks/subscribers?userId=${'x'.repeat(20_000)}`,
      headers: [['authorization', `Bearer ${ctx.tokens.read}`]],
    });

    // Assess
    expect(res.status).toBe(431);
    expect(webexErrorProblem(res)).toBeUndefined();
  });

  it('answers an over-long HEAD request with 431 and no body', async () => {
    // Act
    const res = await sendRaw(ctx.apiUrl, { method: 'HEAD', path: `/${'a'.repeat(20_000)}`, headers: [] });

    // Assess
    expect(res.status).toBe(431);
    expect(res.text).toBe('');
    expect(res.headers.trackingid).toMatch(/^WBXPROV_/);
  });

  it('answers over-long headers with 431 and a Webex error body', async () => {
    // Act
    const res = await sendRaw(ctx.apiUrl, { method: 'GET', path: '/health', headers: [['x-big', 'y'.repeat(20_000)]] });

    // Assess
    expect(res.status).toBe(431);
    expect(webexErrorProblem(res)).toBeUndefined();
  });

  it('answers a request line that is not HTTP with 400 and a Webex error body', async () => {
    // Act
    const answer = await rawExchange(ctx.apiUrl, 'GARBAGE \u0001 HTTP/9\r\n\r\n');

    // Assess
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/\r\ncontent-type: application\/json/i);
    const trackingId = /\r\ntrackingid: (\S+)/i.exec(head)?.[1];
    expect(JSON.parse(body)).toEqual({ message: expect.any(String), errors: [expect.any(Object)], trackingId });
  });
});

describe('fuzzing the API through the local gateway', () => {
  for (const route of FUZZED_ROUTES) {
    it(`${route.method} ${route.path}: answers every request, never 5xx, every 4xx a Webex error body`, async () => {
      // Act
      await fc.assert(routeProperty(route, ctx), { numRuns: RUNS_PER_ROUTE, seed: SEED, endOnFailure: true });

      // Assess
      const statuses = ctx.statuses.get(`${route.method} ${route.path}`) ?? new Map();
      expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(RUNS_PER_ROUTE);
      expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    });
  }

  it('answers unknown paths and methods with 404/405 Webex error bodies', async () => {
    // Act
    await fc.assert(unroutedProperty(ctx), { numRuns: RUNS_PER_ROUTE, seed: SEED, endOnFailure: true });

    // Assess
    expect([...(ctx.statuses.get('unrouted')?.keys() ?? [])].every((status) => status < 500)).toBe(true);
  });

  it('still answers /health afterwards', async () => {
    // Act
    const health = await t.api.get('/health');

    // Assess
    expect(health.status).toBe(200);
  });
});
