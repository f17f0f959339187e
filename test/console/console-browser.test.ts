/**
 * The operator console in a real browser (Chromium): open a finished order's deep link, sign in through the local IdP
 * (authorization code + PKCE, no password), and find the order's steps on the page; the orders list and a subscriber's
 * page too. Screenshots at 1280×800 and at a phone's 390×844 go to `.console-screenshots/` (gitignored).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../functions/domain/workflow/order-view';
import { REPO_ROOT } from '../../local/paths';
import { type LocalStepFunctions, startLocalStepFunctions } from '../../local/stepfunctions';
import { launchBrowser } from '../support/browser';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { anOrder } from '../workflow/harness';

const SCREENSHOTS = path.join(REPO_ROOT, '.console-screenshots');
const launched = await launchBrowser();
if (!launched.browser) {
  if (process.env.CI === 'true') throw new Error(`CI needs a browser for the console test: ${launched.reason}`);
  console.warn(`Skipping the console browser test: ${launched.reason}`);
}
const browser: Browser | undefined = launched.browser;

let t: TestRuntime;
let sfn: LocalStepFunctions | undefined;
const finished = anOrder();
const failed = anOrder({ subscriber: { userId: `fail-console-${Date.now().toString(36)}@sp.example.com` } });
const cspViolations: string[] = [];

async function run(order: ReturnType<typeof anOrder>): Promise<OrderView> {
  const submitted = await t.api.post<OrderView>('/v1/orders', order);
  await sfn?.engine.waitForExecution(submitted.body.executionArn);
  return (await t.api.get<OrderView>(`/v1/orders/${order.orderId}`)).body;
}

async function openPage(width: number, height: number): Promise<Page> {
  const page = await (browser as Browser).newPage();
  await page.setViewport({ width, height });
  page.on('console', (message) => {
    if (/Content.Security.Policy|Trusted Type/i.test(message.text())) cspViolations.push(message.text());
  });
  return page;
}

async function stepsOn(page: Page): Promise<string[]> {
  await page.waitForSelector('#timeline tbody tr', { timeout: 20_000 });
  return page.$$eval('#timeline tbody tr', (rows) => rows.map((row) => row.getAttribute('data-step') ?? ''));
}

beforeAll(async () => {
  if (!browser) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
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
  await run(finished);
  await run(failed);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe.skipIf(!browser)('the operator console in Chromium', () => {
  it("opens a finished order's deep link, signs in at the local IdP and shows the order's steps", async () => {
    // Prepare
    const page = await openPage(1280, 800);
    const deepLink = `${t.runtime.urls.console}/orders/${finished.orderId}`;

    // Act
    const response = await page.goto(deepLink, { waitUntil: 'domcontentloaded' });
    const steps = await stepsOn(page);
    const heading = await page.$eval('h1', (h) => h.textContent ?? '');
    const status = await page.$eval('.facts .badge', (b) => b.textContent ?? '');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'order-1280x800.png') });

    // Assess
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    expect(response?.headers()['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.url()).toBe(deepLink);
    expect(heading).toContain(finished.orderId);
    expect(status).toBe('SUCCEEDED');
    expect(steps).toEqual(expect.arrayContaining(['validateOrder', 'precheck', 'provision', 'statusChange', 'finish']));
    expect(cspViolations).toEqual([]);
    await page.close();
  });

  it("shows a failed order's cause and a Retry button, readable on a phone", async () => {
    // Prepare
    const page = await openPage(390, 844);

    // Act
    await page.goto(`${t.runtime.urls.console}/orders/${failed.orderId}`, { waitUntil: 'domcontentloaded' });
    await stepsOn(page);
    const cause = await page.$eval('[aria-label="Failure"]', (section) => section.textContent ?? '');
    const retry = await page.$('#retry');
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    await page.screenshot({ path: path.join(SCREENSHOTS, 'failed-order-390x844.png'), fullPage: true });

    // Assess
    expect(cause).toContain('ProvisioningFailed');
    expect(retry).not.toBeNull();
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });

  it("lists the day's orders and opens a subscriber's page from there", async () => {
    // Prepare
    const page = await openPage(1280, 800);
    const day = new Date().toISOString().slice(0, 10);

    // Act
    await page.goto(`${t.runtime.urls.console}?day=${day}`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector(`a[href="/console/orders/${finished.orderId}"]`, { timeout: 20_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'orders-1280x800.png') });
    await page.click(`tr:has(a[href="/console/orders/${finished.orderId}"]) a[href^="/console/subscribers/"]`);
    await page.waitForSelector('#timeline tbody tr', { timeout: 20_000 });
    const heading = await page.$eval('h1', (h) => h.textContent ?? '');
    const webexStatus = await page.$eval('.facts .badge', (b) => b.textContent ?? '');

    // Assess
    expect(heading).toMatch(/^Subscriber /);
    expect(webexStatus).toBe('provisioned');
    expect(cspViolations).toEqual([]);
    await page.close();
  });
});
