/**
 * `npm run simulator`: the Webex simulator alone, on 127.0.0.1:3001 by default.
 *
 * Environment: SIMULATOR_PORT, SIMULATOR_HOST, SIMULATOR_PROVISIONING_DELAY_MS, SIMULATOR_UPDATE_DELAY_MS,
 * SIMULATOR_DUPLICATE_USERID_MODE ('409' or '10022'). Prints the URL and the local sandbox credentials, stops cleanly
 * on SIGINT / SIGTERM.
 */
import { createLogger } from '../../functions/shared/logger';
import { createWebexSimulator } from './simulator';
import type { DuplicateUserIdMode } from './types';

const log = createLogger({ component: 'webex-simulator' });

function fail(message: string): never {
  log.error(message);
  process.exit(1);
}

function intFromEnv(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > max) fail(`${name} must be a whole number from 0 to ${max}`);
  return Number(raw);
}

function modeFromEnv(): DuplicateUserIdMode {
  const raw = process.env.SIMULATOR_DUPLICATE_USERID_MODE;
  if (raw === undefined || raw === '') return '409';
  if (raw !== '409' && raw !== '10022') fail("SIMULATOR_DUPLICATE_USERID_MODE must be '409' or '10022'");
  return raw;
}

async function main(): Promise<void> {
  const port = intFromEnv('SIMULATOR_PORT', 3001, 65535);
  const host = process.env.SIMULATOR_HOST || '127.0.0.1';
  const simulator = createWebexSimulator({
    provisioningDelayMs: intFromEnv('SIMULATOR_PROVISIONING_DELAY_MS', 5000, 30 * 24 * 3600 * 1000),
    updateDelayMs: intFromEnv('SIMULATOR_UPDATE_DELAY_MS', 3000, 30 * 24 * 3600 * 1000),
    duplicateUserIdMode: modeFromEnv(),
    logger: log,
  });
  let url: string;
  try {
    ({ url } = await simulator.start({ port, host }));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(
      code === 'EADDRINUSE'
        ? `Port ${port} on ${host} is already in use: set SIMULATOR_PORT to another port.`
        : `The Webex simulator could not start: ${(error as Error).message}`,
    );
  }
  const { clientId, clientSecret, refreshToken, accessToken } = simulator.credentials;
  log.info('Webex simulator listening', { url, webexBaseUrl: `${url}/v1`, controlApi: `${url}/_simulator` });
  // Local sandbox credentials, printed on purpose (the structured logger would redact them): nothing real is exposed.
  process.stdout.write(
    [
      '',
      `Webex simulator:   ${url}/v1   (control API: ${url}/_simulator, see local/webex-simulator/README.md)`,
      'Local sandbox credentials (not secrets):',
      `  WEBEX_CLIENT_ID=${clientId}`,
      `  WEBEX_CLIENT_SECRET=${clientSecret}`,
      `  WEBEX_REFRESH_TOKEN=${refreshToken}`,
      `  access token:     ${accessToken}`,
      'Try:',
      `  curl -s -H 'Authorization: Bearer ${accessToken}' ${url}/v1/broadworks/subscribers`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('Webex simulator stopping', { signal });
    simulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('Webex simulator did not stop cleanly', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  log.error('Webex simulator crashed', { error });
  process.exit(1);
});
