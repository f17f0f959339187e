import { afterEach, describe, expect, it, vi } from 'vitest';
import { getPartnerTokenRefreshDependencies } from '../../../../functions/composition/partner-token-refresh';
import { resetCompositionForTests } from '../../../../functions/composition/root';
import type { PartnerTokens, RefreshGrant } from '../../../../functions/domain/ports/token';
import { DAY_MS } from '../../../../functions/domain/use-cases/refresh-partner-token';
import {
  createRefreshPartnerTokenHandler,
  type RefreshHandlerDependencies,
} from '../../../../functions/scheduled/refresh-partner-token';
import { createLogger } from '../../../../functions/shared/logger';
import { recordPartnerTokenRefresh, resetMetricsForTests } from '../../../../functions/shared/metrics';
import { captureEmf } from '../../../support/emf';
import { createTestClock } from '../../../webex-client/test-clock';

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
    recordMetrics: recordPartnerTokenRefresh,
  };
  return { deps, logLines, stored: () => stored };
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
    const { deps, stored } = setup(rotatingGrant);
    const handler = createRefreshPartnerTokenHandler(() => deps);
    const emf = captureEmf(resetMetricsForTests);

    // Act
    const summary = await handler({}, { awsRequestId: 'req-1' });
    const metricLines = emf.stop();

    // Assess
    expect(summary).toMatchObject({ refreshed: true, refreshTokenRotated: true, daysRemaining: 90 });
    expect(stored().refreshToken).toBe('refresh-NEW-SECRET');
    expect(metricLines).toHaveLength(1);
    expect(metricLines[0]).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'WebexBwProvisioning',
            Dimensions: [['service']],
            Metrics: [
              { Name: 'PartnerTokenRefreshFailed', Unit: 'Count' },
              { Name: 'RefreshTokenDaysRemaining', Unit: 'None' },
            ],
          },
        ],
      },
      service: 'webex-bw-provisioning',
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
    const { deps, logLines } = setup(refused);
    const handler = createRefreshPartnerTokenHandler(() => deps);
    const emf = captureEmf(resetMetricsForTests);

    // Act
    const failure = await handler({}, { awsRequestId: 'req-2' }).catch((e: unknown) => e);
    const metricLines = emf.stop();

    // Assess
    expect(failure).toBeInstanceOf(Error);
    const metrics = metricLines[0];
    expect(metrics).toMatchObject({ PartnerTokenRefreshFailed: 1, RefreshTokenDaysRemaining: 40 });
    const logs = logLines.join('\n');
    expect(logs).toContain('partner token refresh failed');
    expect(logs).toContain('"upstreamStatus":400');
    for (const secret of ['access-OLD-SECRET', 'refresh-OLD-SECRET', 'client-SECRET']) {
      expect(logs).not.toContain(secret);
      expect(JSON.stringify(metricLines)).not.toContain(secret);
    }
  });

  it('emits the failure metric and throws on missing configuration', async () => {
    // Prepare
    useEnvironment({ WEBEX_BASE_URL: 'https://webexapis.com/v1', AWS_REGION: 'eu-west-1' });
    const handler = createRefreshPartnerTokenHandler(getPartnerTokenRefreshDependencies);
    const emf = captureEmf(resetMetricsForTests);

    // Act
    const failure = await handler({}).catch((e: unknown) => e);
    const metric = emf.stop()[0];

    // Assess
    expect((failure as Error).name).toBe('ConfigurationError');
    expect((failure as Error).message).toContain('PARTNER_TOKEN_SECRET_ID');
    expect(metric).toMatchObject({ PartnerTokenRefreshFailed: 1 });
    expect(metric).not.toHaveProperty('RefreshTokenDaysRemaining');
  });

  it('reads its configuration through config.ts, as every function does', () => {
    // Prepare
    useEnvironment({ PARTNER_TOKEN_SECRET_ID: 'webex/partner', REFRESH_WINDOW_DAYS: '3', AWS_REGION: 'eu-west-1' });

    // Act
    const deps = getPartnerTokenRefreshDependencies();
    useEnvironment({ PARTNER_TOKEN_SECRET_ID: 'x', REFRESH_WINDOW_DAYS: 'soon', WEBEX_BASE_URL: 'ftp:x' });
    const bad = () => getPartnerTokenRefreshDependencies();

    // Assess
    expect(deps.refreshWindowDays).toBe(3);
    expect(bad).toThrow(/REFRESH_WINDOW_DAYS.*WEBEX_BASE_URL|WEBEX_BASE_URL.*REFRESH_WINDOW_DAYS/);
  });

  it('refreshes within 7 days of expiry when REFRESH_WINDOW_DAYS is not set', () => {
    // Prepare
    useEnvironment({ PARTNER_TOKEN_SECRET_ID: 'webex/partner', AWS_REGION: 'eu-west-1' });

    // Act
    const deps = getPartnerTokenRefreshDependencies();

    // Assess
    expect(deps.refreshWindowDays).toBe(7);
  });
});

const CONFIG_VARIABLES = [
  'PARTNER_TOKEN_SECRET_ID',
  'WEBEX_REFRESH_TOKEN',
  'WEBEX_CLIENT_ID',
  'WEBEX_CLIENT_SECRET',
  'WEBEX_BASE_URL',
  'REFRESH_WINDOW_DAYS',
  'AWS_REGION',
];

/** Exactly these configuration variables set, and the composition rebuilt from them. */
function useEnvironment(variables: Record<string, string>): void {
  for (const name of CONFIG_VARIABLES) vi.stubEnv(name, variables[name]);
  resetCompositionForTests();
}

afterEach(() => {
  vi.unstubAllEnvs();
  resetCompositionForTests();
});
