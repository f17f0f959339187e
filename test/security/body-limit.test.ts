/**
 * Request bodies over the documented limit are refused with 413 and a Webex error body, on every route that takes a
 * body, through the real runtime: `RULES.maxRequestBodyBytes` (64 KiB, the handlers' limit, as Webex's), or the
 * route's own documented limit (POST /v1/batches: `RULES.maxBatchBodyBytes`, 4 MiB), and the local gateway's hard limit
 * (1 MiB above it, where it stops reading). At the limit exactly, the body is read and judged on content.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/catalog/routes';
import { RULES } from '../../functions/domain/contract/rules';
import { DEFAULT_MAX_BODY_BYTES, gatewayBodyCap } from '../../local/gateway/server';
import { startLocalStepFunctions } from '../../local/stepfunctions';
import { sendRaw, webexErrorProblem } from '../fuzz/support/raw-http';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

let t: TestRuntime;

beforeAll(async () => {
  // With the workflow's endpoint: the order routes judge a body on content, as in AWS.
  t = await startTestRuntime({
    stopAfterAll: false,
    stepFunctions: (options) => startLocalStepFunctions({ ...options, timeScale: 0 }),
  });
});
afterAll(async () => {
  await t?.stop();
});

const BODY_ROUTES = ROUTES.filter((r) => r.method === 'POST' || r.method === 'PUT');

/** A JSON object of exactly `bytes` bytes. */
function jsonOfSize(bytes: number): string {
  const frame = '{"firstName":""}';
  return `{"firstName":"${'a'.repeat(bytes - frame.length)}"}`;
}

function pathOf(path: string): string {
  return path.replace(/\{[^}]+\}/g, 'Y2lzY29zcGFyazovL3Vz');
}

describe('request body size limit', () => {
  it("documents 64 KiB (4 MiB for a batch, below Lambda's 6 MB event), below the gateway hard limit", () => {
    // Assess
    expect(RULES.maxRequestBodyBytes).toBe(64 * 1024);
    expect(RULES.maxBatchBodyBytes).toBe(4 * 1024 * 1024);
    expect(DEFAULT_MAX_BODY_BYTES).toBeGreaterThan(RULES.maxRequestBodyBytes);
    expect(BODY_ROUTES.map((r) => r.operationId).sort()).toEqual(
      [
        'precheckSubscriber',
        'provisionSubscriber',
        'resendConsent',
        'retryOrder',
        'submitBatch',
        'submitOrder',
        'updateSubscriber',
      ].sort(),
    );
    expect(BODY_ROUTES.filter((r) => r.maxBodyBytes !== undefined).map((r) => [r.operationId, r.maxBodyBytes])).toEqual(
      [['submitBatch', RULES.maxBatchBodyBytes]],
    );
  });

  for (const route of BODY_ROUTES) {
    const limit = route.maxBodyBytes ?? RULES.maxRequestBodyBytes;
    const hardLimit = gatewayBodyCap(route);
    describe(`${route.method} ${route.path}`, () => {
      const send = (body: string) =>
        sendRaw(t.runtime.urls.api, {
          method: route.method,
          path: pathOf(route.path),
          headers: [
            ['authorization', `Bearer ${t.runtime.tokens.write}`],
            ['content-type', 'application/json'],
          ],
          body,
        });

      it('refuses one byte over the limit with 413 and a Webex error body', async () => {
        // Act
        const res = await send(jsonOfSize(limit + 1));

        // Assess
        expect(res.status).toBe(413);
        expect(webexErrorProblem(res)).toBeUndefined();
      });

      it('reads a body of exactly the limit and judges it on its content', async () => {
        // Act
        const res = await send(jsonOfSize(limit));

        // Assess
        expect(res.status).not.toBe(413);
        expect(res.status).toBeLessThan(500);
      });

      it('refuses a body over the gateway hard limit with 413 and a Webex error body', async () => {
        // Act
        const res = await send(jsonOfSize(hardLimit + 1));

        // Assess
        expect(res.status).toBe(413);
        expect(webexErrorProblem(res)).toBeUndefined();
      });
    });
  }
});
