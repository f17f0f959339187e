import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalStepFunctions, startLocalStepFunctions } from '../../local/stepfunctions';
import { localEndpoint, main } from '../../scripts/order-cli';
import { anOrder, startWorkflowHarness, type WorkflowHarness } from './harness';

let h: WorkflowHarness;
let endpoint: LocalStepFunctions;
let dir: string;

beforeAll(async () => {
  h = await startWorkflowHarness();
  endpoint = await startLocalStepFunctions({
    port: 0,
    timeScale: 0,
    onWait: (wait) => h.clock.advance(wait.seconds * 1000),
  });
  process.env.SFN_ENDPOINT = endpoint.url;
  delete process.env.STATE_MACHINE_ARN;
  dir = await mkdtemp(join(tmpdir(), 'order-cli-'));
});
afterAll(async () => {
  delete process.env.SFN_ENDPOINT;
  await endpoint?.stop();
  await h?.stop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

function captureOutput() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  return { out: () => out.join(''), err: () => err.join('') };
}

async function orderFile(order: unknown): Promise<string> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(order));
  return file;
}

describe('order CLI', () => {
  it('starts an order on the local endpoint, follows it and exits 0 once provisioned', async () => {
    // Prepare
    const order = anOrder();
    const file = await orderFile(order);
    const output = captureOutput();

    // Act
    const code = await main([file, '--follow'], { pollMs: 0 });

    // Assess
    expect(code).toBe(0);
    const text = output.out();
    expect(text).toContain(`order ${order.orderId} started`);
    expect(text).toMatch(/\[\s+\d+\.\ds\] step\s+Precheck/);
    expect(text).toMatch(/wait\s+Wait for status \(15 s\)/);
    expect(text).toMatch(/status\s+provisioning/);
    expect(text).toMatch(/done\s+provisioned/);
    expect(text).not.toContain(order.subscriber.email as string);
  });

  it('exits non-zero with the cause when the order fails', async () => {
    // Prepare
    const file = await orderFile(anOrder({ subscriber: { provisioningId: 'no-such-template' } }));
    const output = captureOutput();

    // Act
    const code = await main([file, '--follow'], { pollMs: 0 });

    // Assess
    expect(code).toBe(1);
    expect(output.out()).toMatch(/failed\s+PrecheckFailed: \{"error":"PrecheckFailed"/);
    expect(output.err()).toContain('order ended FAILED');
  });

  it('does not start an order twice', async () => {
    // Prepare
    const file = await orderFile(anOrder());
    captureOutput();
    await main([file]);
    const output = captureOutput();

    // Act
    const code = await main([file]);

    // Assess
    expect(code).toBe(0);
    expect(output.out()).toContain('exists already');
  });

  it('explains its usage and refuses --aws without STATE_MACHINE_ARN', async () => {
    // Prepare
    const output = captureOutput();
    const file = await orderFile(anOrder());

    // Act
    const noFile = await main([]);
    const aws = await main([file, '--aws']);

    // Assess
    expect(noFile).toBe(2);
    expect(aws).toBe(2);
    expect(output.err()).toContain('Usage: npm run order');
    expect(output.err()).toContain('unset SFN_ENDPOINT');
  });

  it('runs an order under the orderId given with --order-id, once', async () => {
    // Prepare
    const order = anOrder();
    const file = await orderFile(order);
    const output = captureOutput();
    const otherId = `${order.orderId}-cli`;

    // Act
    const first = await main([file, '--order-id', otherId, '--follow'], { pollMs: 0 });
    const again = await main([file, `--order-id=${otherId}`], { pollMs: 0 });

    // Assess
    expect([first, again], output.err()).toEqual([0, 0]);
    expect(output.out()).toContain(`order ${otherId} started`);
    expect(output.out()).toContain(`order ${otherId} exists already`);
    expect(output.out()).not.toContain(`order ${order.orderId} `);
  });
});

describe('order CLI endpoint', () => {
  it('follows the runtime port variable SFN_PORT, as npm start does', () => {
    // Act & Assess
    expect(localEndpoint({})).toBe('http://127.0.0.1:8083');
    expect(localEndpoint({ SFN_PORT: '9183' })).toBe('http://127.0.0.1:9183');
    expect(localEndpoint({ SFN_PORT: '9183', SFN_ENDPOINT: 'http://sfn.example:1' })).toBe('http://sfn.example:1');
  });

  it('refuses an SFN_PORT that is not a port with a clear message', () => {
    // Act & Assess
    expect(() => localEndpoint({ SFN_PORT: 'eighty' })).toThrow(/SFN_PORT="eighty" is not a port/);
  });
});
