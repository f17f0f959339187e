import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMain } from '../support/main-process';

const dir = await mkdtemp(path.join(tmpdir(), 'local-main-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('npm start', () => {
  it('prints a banner with the URLs, tokens and an example, serves, and exits 0 on SIGTERM', async () => {
    // Prepare
    const main = startMain({ dir });

    try {
      await main.printed('Ctrl-C stops everything.');
      const banner = main.output();
      const api = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
      const token = /write \+ read\s+(\S+)/.exec(banner)?.[1];

      // Act
      const health = await fetch(`${api}/health`);
      const list = await fetch(`${api}/v1/broadworks/subscribers`, { headers: { authorization: `Bearer ${token}` } });
      main.child.kill('SIGTERM');
      const code = await main.exited;

      // Assess
      expect(health.status).toBe(200);
      expect(((await health.json()) as { components: Record<string, unknown> }).components).toHaveProperty(
        'stepFunctions',
      );
      expect(list.status).toBe(200);
      expect(banner).toMatch(/Step Functions\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(banner).toContain('npm run -s token -- write');
      expect(banner).toMatch(/curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/v1\/broadworks\/subscribers/);
      const sfnPort = /Step Functions\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(banner)?.[1];
      // The order command names the port in use (not the default), and the SDK's Node-version warning is not printed.
      expect(banner).toContain(`SFN_PORT=${sfnPort} npm run order -- examples/order.json --follow`);
      expect(main.output()).not.toContain('NodeVersionSupportWarning');
      expect(code).toBe(0);
      await expect(fetch(`${api}/health`)).rejects.toThrow();
    } finally {
      main.child.kill('SIGKILL');
    }
  });

  it('exits 1 naming the variable to change when a port is taken', async () => {
    // Prepare
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = String((blocker.address() as { port: number }).port);

    try {
      // Act
      const main = startMain({ dir, env: { SIMULATOR_PORT: taken } });
      const code = await main.exited;

      // Assess
      expect(code).toBe(1);
      expect(main.output()).toContain(`Port ${taken} on 127.0.0.1 is already in use`);
      expect(main.output()).toContain('SIMULATOR_PORT');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
