/**
 * A real Chromium for browser tests, found without downloading anything at run time: the one inside the
 * `@sparticuz/chromium` npm package (installed by `npm ci`), else Debian's `chromium` (`.ci/run` installs it when it can),
 * else `CHROMIUM_PATH`. Where none launches, `launchBrowser` answers why, and the test skips with that message — except
 * under `CI=true`, where a missing browser fails the run.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';

export type BrowserLaunch = { browser: Browser; source: string } | { browser: undefined; reason: string };

async function candidates(): Promise<Array<{ source: string; path: () => Promise<string>; args: string[] }>> {
  const list: Array<{ source: string; path: () => Promise<string>; args: string[] }> = [];
  if (process.env.CHROMIUM_PATH) {
    const path = process.env.CHROMIUM_PATH;
    list.push({ source: `CHROMIUM_PATH (${path})`, path: async () => path, args: ['--no-sandbox'] });
  }
  try {
    const chromium = (await import('@sparticuz/chromium')).default;
    list.push({ source: '@sparticuz/chromium', path: () => chromium.executablePath(), args: chromium.args });
  } catch (error) {
    list.push({
      source: '@sparticuz/chromium',
      path: () => Promise.reject(error),
      args: [],
    });
  }
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (existsSync(path)) list.push({ source: path, path: async () => path, args: ['--no-sandbox', '--headless=new'] });
  }
  return list;
}

export async function launchBrowser(): Promise<BrowserLaunch> {
  const { default: puppeteer } = await import('puppeteer-core');
  const failures: string[] = [];
  for (const candidate of await candidates()) {
    try {
      const executablePath = await candidate.path();
      const browser = await puppeteer.launch({ executablePath, args: candidate.args, headless: true });
      return { browser, source: candidate.source };
    } catch (error) {
      failures.push(`${candidate.source}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  return { browser: undefined, reason: `no Chromium could be launched (${failures.join('; ') || 'none found'})` };
}
