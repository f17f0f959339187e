/**
 * The sandbox keeps its data: an order running when `npm start` stops finishes after the next `npm start`, with one
 * subscriber in the simulator and a complete audit trail with no record twice; SIGTERM to `npm start` frees every port
 * within 5 s; `npm start -- --fresh` starts empty. Runs the real `npm start` (npm, then node) on ephemeral ports.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../functions/domain/ports/audit';
import type { OrderView } from '../../functions/domain/workflow/order-view';
import { type BannerUrls, bannerUrls, type MainProcess, startMain } from '../support/main-process';
import { anOrder } from '../workflow/harness';

const dir = await mkdtemp(path.join(tmpdir(), 'local-restart-'));
const started: MainProcess[] = [];
afterAll(async () => {
  for (const main of started) main.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Fast waits (a 15 s wait lasts 0.15 s) and a Webex that takes 3 s to provision: the order is running for a while. */
const ENV = { LOCAL_TIME_SCALE: '0.01', SIMULATOR_PROVISIONING_DELAY_MS: '3000' };

async function start(args: string[] = []): Promise<{ main: MainProcess; urls: BannerUrls }> {
  const main = startMain({ dir, env: ENV, args, viaNpm: true });
  started.push(main);
  await main.printed('Ctrl-C stops everything.');
  return { main, urls: bannerUrls(main.output()) };
}

/** Reads a real process's state until `done` says so (not a test clock: the runtime runs on real time). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function readOrder(urls: BannerUrls, orderId: string): Promise<{ status: number; body: OrderView }> {
  const response = await fetch(`${urls.api}/v1/orders/${orderId}`, {
    headers: { authorization: `Bearer ${urls.readToken}` },
  });
  return { status: response.status, body: (await response.json()) as OrderView };
}

async function subscriberCount(urls: BannerUrls): Promise<number> {
  const stats = (await (await fetch(`${urls.simulator}/_simulator/stats`)).json()) as {
    subscribers: { total: number };
  };
  return stats.subscribers.total;
}

function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('npm start keeps its data', () => {
  it('finishes an order that was running when it stopped, with one subscriber and each audit record once', async () => {
    // Prepare: an order that has provisioned and waits for Webex when npm start gets SIGTERM.
    const first = await start();
    const order = anOrder();
    const submittedAt = new Date().toISOString();
    const submitted = await fetch(`${first.urls.api}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.urls.writeToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    expect(submitted.status).toBe(202);
    const before = await until(
      () => readOrder(first.urls, order.orderId),
      (read) => read.body.audit?.items.some((r) => r.step === 'provision') ?? false,
      'the provision step',
    );
    expect(before.body.status).toBe('RUNNING');

    // Act: stop with SIGTERM to the npm process, then start again on the same data.
    const stoppedAt = Date.now();
    first.main.child.kill('SIGTERM');
    const code = await first.main.exited;
    const urlsOfFirst = [first.urls.api, first.urls.dynamodb, first.urls.simulator, first.urls.stepFunctions];
    const allRefused = await until(
      () => Promise.all(urlsOfFirst.map(refused)),
      (results) => results.every(Boolean),
      'every port to be free',
      5000,
    );
    const freedWithinMs = Date.now() - stoppedAt;
    const second = await start();
    const after = await until(
      () => readOrder(second.urls, order.orderId),
      (read) => read.body.status !== 'RUNNING',
      'the order to finish',
    );

    // Assess
    expect(code).toBe(0);
    expect(allRefused).toEqual([true, true, true, true]);
    expect(freedWithinMs).toBeLessThan(5000);
    expect(after.body).toMatchObject({
      status: 'SUCCEEDED',
      subscriber: { userId: order.subscriber.userId, status: 'provisioned' },
    });
    expect(await subscriberCount(second.urls)).toBe(1);
    const items: AuditRecord[] = after.body.audit?.items ?? [];
    const steps = items.map((r) => r.step ?? `status:${r.status?.to}`);
    for (const step of ['validateOrder', 'precheck', 'provision', 'status:provisioned', 'finish']) {
      expect(
        steps.filter((s) => s === step),
        step,
      ).toHaveLength(1);
    }
    expect(new Set(items.map((r) => r.id)).size).toBe(items.length);
    expect(items.every((r) => r.at >= submittedAt)).toBe(true);

    // And: --fresh starts empty.
    second.main.child.kill('SIGTERM');
    await second.main.exited;
    const fresh = await start(['--fresh']);
    const gone = await readOrder(fresh.urls, order.orderId);
    expect(gone.status).toBe(404);
    expect(await subscriberCount(fresh.urls)).toBe(0);
    fresh.main.child.kill('SIGINT');
    expect(await fresh.main.exited).toBe(0);
  }, 120_000);
});
