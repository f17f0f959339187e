import { describe, expect, it } from 'vitest';
import type { PartnerTokens, RefreshGrant } from '../../functions/domain/ports/token';
import { DAY_MS } from '../../functions/domain/use-cases/refresh-partner-token';
import {
  createRefreshPartnerTokenHandler,
  dependenciesFromEnv,
  type RefreshHandlerDependencies,
} from '../../functions/scheduled/refresh-partner-token';
import { createLogger } from '../../functions/shared/logger';
import { createTestClock } from '../webex-client/test-clock';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const STORED: PartnerTokens = {
  accessToken: 'access-OLD-SECRET',
  accessTokenExpiresAt: new Date(NOW + DAY_MS).toISOString(),
  refreshToken: 'refresh-OLD-SECRET',
  refreshTokenExpiresAt: new Date(NOW + 40 * DAY_MS).toISOString(),
  clientId: 'client-1',
  clientSecret: 'client-SECRET',
};

function setup(grant: RefreshGrant) {
  const metricLines: string[] = [];
  const logLines: string[] = [];
  let stored = STORED;
  const deps: RefreshHandlerDependencies = {
    store: {
      read: async () => stored,
      write: async (tokens) => {
        stored = tokens;
      },
    },
    grant,
    clock: createTestClock({ start: NOW }),
    refreshWindowDays: 7,
    logger: createLogger({}, { level: 'debug', sink: (line) => logLines.push(line) }),
    writeMetricLine: (line) => metricLines.push(line),
  };
  return { deps, metricLines, logLines, stored: () => stored };
}

const rotatingGrant: RefreshGrant = async () => ({
  access_token: 'access-NEW-SECRET',
  expires_in: 14 * 86_400,
  refresh_token: 'refresh-NEW-SECRET',
  refresh_token_expires_in: 90 * 86_400,
  token_type: 'Bearer',
});

describe('refresh-partner-token scheduled handler', () => {
  it('renews the token and emits PartnerTokenRefreshFailed 0 and RefreshTokenDaysRemaining as EMF', async () => {
    // Prepare
    const { deps, metricLines, stored } = setup(rotatingGrant);
    const handler = createRefreshPartnerTokenHandler(() => deps);

    // Act
    const summary = await handler({}, { awsRequestId: 'req-1' });

    // Assess
    expect(summary).toMatchObject({ refreshed: true, refreshTokenRotated: true, daysRemaining: 90 });
    expect(stored().refreshToken).toBe('refresh-NEW-SECRET');
    expect(metricLines).toHaveLength(1);
    expect(JSON.parse(metricLines[0] ?? '')).toEqual({
      _aws: {
        Timestamp: NOW,
        CloudWatchMetrics: [
          {
            Namespace: 'WebexBwProvisioning',
            Dimensions: [[]],
            Metrics: [
              { Name: 'PartnerTokenRefreshFailed', Unit: 'Count' },
              { Name: 'RefreshTokenDaysRemaining', Unit: 'None' },
            ],
          },
        ],
      },
      PartnerTokenRefreshFailed: 0,
      RefreshTokenDaysRemaining: 90,
    });
  });

  it('emits PartnerTokenRefreshFailed 1, logs no secret and throws when the grant fails', async () => {
    // Prepare
    const refused: RefreshGrant = async () => {
      throw Object.assign(new Error('Webex refused the token refresh with status 400 (invalid_grant).'), {
        status: 400,
      });
    };
    const { deps, metricLines, logLines } = setup(refused);
    const handler = createRefreshPartnerTokenHandler(() => deps);

    // Act
    const failure = await handler({}, { awsRequestId: 'req-2' }).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(Error);
    const metrics = JSON.parse(metricLines[0] ?? '');
    expect(metrics).toMatchObject({ PartnerTokenRefreshFailed: 1, RefreshTokenDaysRemaining: 40 });
    const logs = logLines.join('\n');
    expect(logs).toContain('partner token refresh failed');
    expect(logs).toContain('"upstreamStatus":400');
    for (const secret of ['access-OLD-SECRET', 'refresh-OLD-SECRET', 'client-SECRET']) {
      expect(logs).not.toContain(secret);
      expect(metricLines.join('\n')).not.toContain(secret);
    }
  });

  it('emits the failure metric and throws on missing configuration', async () => {
    // Prepare
    const metricLines: string[] = [];
    const handler = createRefreshPartnerTokenHandler(() => {
      const deps = dependenciesFromEnv({ WEBEX_BASE_URL: 'https://webexapis.com/v1' });
      return { ...deps, writeMetricLine: (line: string) => metricLines.push(line) };
    });
    const originalWrite = process.stdout.write.bind(process.stdout);
    const captured: string[] = [];
    process.stdout.write = ((chunk: string) => {
      captured.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;

    // Act
    const failure = await handler({}).catch((e: unknown) => e);
    process.stdout.write = originalWrite;

    // Assess
    expect((failure as Error).name).toBe('ConfigurationError');
    expect((failure as Error).message).toContain('PARTNER_TOKEN_SECRET_ID');
    const metric = captured
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.startsWith('{"_aws"'))
      .map((line) => JSON.parse(line))[0];
    expect(metric).toMatchObject({ PartnerTokenRefreshFailed: 1 });
    expect(metric).not.toHaveProperty('RefreshTokenDaysRemaining');
  });

  it('reads its configuration from the environment', () => {
    // Act
    const deps = dependenciesFromEnv({ PARTNER_TOKEN_SECRET_ID: 'webex/partner', REFRESH_WINDOW_DAYS: '3' });
    const bad = () =>
      dependenciesFromEnv({ PARTNER_TOKEN_SECRET_ID: 'x', REFRESH_WINDOW_DAYS: 'soon', WEBEX_BASE_URL: 'ftp:x' });

    // Assess
    expect(deps.refreshWindowDays).toBe(3);
    expect(bad).toThrow(/REFRESH_WINDOW_DAYS.*WEBEX_BASE_URL|WEBEX_BASE_URL.*REFRESH_WINDOW_DAYS/);
  });
});
