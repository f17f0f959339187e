/**
 * The service's metrics through Powertools Metrics: the EMF lines CloudWatch reads, for the Webex calls (by operation
 * and status, with latency), the order outcomes and the partner-token refresh.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebexHttpClient } from '../../../../functions/adapters/webex/client';
import {
  recordOrderOutcome,
  recordWebexCall,
  resetMetricsForTests,
  type WebexAttempt,
} from '../../../../functions/shared/metrics';
import { recordOutcomeOf } from '../../../../functions/workflow/task-handler';
import { captureEmf } from '../../../support/emf';
import { type ScriptedServer, startScriptedServer } from '../../../webex-client/scripted-server';
import {
  fixedCredentials,
  SUBSCRIBER_ID,
  sequence,
  silentLogger,
  webexSubscriber,
} from '../../../webex-client/support';
import { createTestClock } from '../../../webex-client/test-clock';

describe('metrics', () => {
  it('writes a Webex call as WebexCalls and WebexLatency by operation and status', () => {
    // Prepare
    const emf = captureEmf(resetMetricsForTests);

    // Act
    recordWebexCall({ operation: 'provision', status: 429, latencyMs: 12.5 });
    const lines = emf.stop();

    // Assess
    expect(lines).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: 'WebexBwProvisioning',
              Dimensions: [['service', 'Operation', 'Status']],
              Metrics: [
                { Name: 'WebexCalls', Unit: 'Count' },
                { Name: 'WebexLatency', Unit: 'Milliseconds' },
              ],
            },
          ],
        },
        service: 'webex-bw-provisioning',
        Operation: 'provision',
        Status: '429',
        WebexCalls: 1,
        WebexLatency: 12.5,
      },
    ]);
  });

  it('writes an order outcome by outcome and kind, and never mixes the dimensions of two metrics', () => {
    // Prepare
    const emf = captureEmf(resetMetricsForTests);

    // Act
    recordOrderOutcome({ kind: 'order', outcome: 'ProvisioningFailed' });
    recordWebexCall({ operation: 'get', status: 'timeout', latencyMs: 10_000 });
    recordOrderOutcome({ kind: 'tracking', outcome: 'Succeeded' });
    const lines = emf.stop();

    // Assess
    expect(lines.map(({ _aws, ...members }) => [_aws.CloudWatchMetrics[0]?.Dimensions, members])).toEqual([
      [
        [['service', 'Outcome', 'Kind']],
        { service: 'webex-bw-provisioning', Outcome: 'ProvisioningFailed', Kind: 'order', OrderOutcome: 1 },
      ],
      [
        [['service', 'Operation', 'Status']],
        { service: 'webex-bw-provisioning', Operation: 'get', Status: 'timeout', WebexCalls: 1, WebexLatency: 10_000 },
      ],
      [
        [['service', 'Outcome', 'Kind']],
        { service: 'webex-bw-provisioning', Outcome: 'Succeeded', Kind: 'tracking', OrderOutcome: 1 },
      ],
    ]);
  });

  it('writes nothing when Powertools Metrics is switched off (the local runtime, the tests)', () => {
    // Prepare
    const emf = captureEmf(resetMetricsForTests);
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    resetMetricsForTests();

    // Act
    recordOrderOutcome({ kind: 'order', outcome: 'Succeeded' });
    const lines = emf.stop();

    // Assess
    expect(lines).toEqual([]);
  });
});

describe('the Webex client', () => {
  let server: ScriptedServer;

  beforeEach(async () => {
    server = await startScriptedServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('reports every attempt of a call, the throttled one included', async () => {
    // Prepare
    server.script(
      { status: 429, headers: { 'Retry-After': '1' } },
      { status: 503 },
      { status: 200, body: webexSubscriber() },
    );
    const attempts: WebexAttempt[] = [];
    const client = new WebexHttpClient({
      credentials: fixedCredentials(server.baseUrl),
      clock: createTestClock(),
      random: sequence(0.5),
      logger: silentLogger,
      onAttempt: (attempt) => attempts.push(attempt),
    });

    // Act
    await client.get(SUBSCRIBER_ID, { trackingId: 'trk-1' });

    // Assess
    expect(attempts.map(({ operation, status }) => ({ operation, status }))).toEqual([
      { operation: 'get', status: 429 },
      { operation: 'get', status: 503 },
      { operation: 'get', status: 200 },
    ]);
    expect(attempts.every((a) => a.latencyMs >= 0)).toBe(true);
  });
});

describe('the workflow tasks', () => {
  it('record the outcome of a task output that ends an order, and nothing for one that does not', () => {
    // Prepare
    const emf = captureEmf(resetMetricsForTests);

    // Act
    recordOutcomeOf({ route: 'provision', kind: 'order' });
    recordOutcomeOf({ route: 'failed', kind: 'order', failure: { error: 'ProvisioningFailed' } });
    recordOutcomeOf({ route: 'succeeded', kind: 'tracking' });
    const lines = emf.stop();

    // Assess
    expect(lines.map(({ Outcome, Kind }) => ({ Outcome, Kind }))).toEqual([
      { Outcome: 'ProvisioningFailed', Kind: 'order' },
      { Outcome: 'Succeeded', Kind: 'tracking' },
    ]);
  });
});
