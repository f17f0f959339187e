/**
 * Scheduled Lambda: renews the partner's Webex access token stored in Secrets Manager (EventBridge schedule, e.g. daily).
 *
 * Environment:
 * - `PARTNER_TOKEN_SECRET_ID` (required): the secret holding the `PartnerTokens` JSON.
 * - `WEBEX_BASE_URL` (default `https://webexapis.com/v1`): where `/access_token` lives.
 * - `REFRESH_WINDOW_DAYS` (default 7): refresh when the access token (about 14 days) expires within this many days.
 * - `LOG_LEVEL`.
 *
 * Every run records, with Powertools Metrics (`shared/metrics.ts`: namespace `WebexBwProvisioning`, dimension
 * `service` only), `PartnerTokenRefreshFailed` (1 on failure, 0 otherwise) and `RefreshTokenDaysRemaining` (whole days
 * the refresh token has left, whenever the stored tokens could be read). A failed run also throws, so the function's `Errors` count too.
 * No token or secret is ever logged.
 */
import type { Context } from 'aws-lambda';
import { SdkSecretsManager } from '../adapters/secrets/sdk-secrets';
import { SecretsManagerTokenStore } from '../adapters/secrets/secrets-manager-token-store';
import { refreshAccessToken } from '../adapters/webex/token-grant';
import { ConfigurationError } from '../domain/errors';
import { type Clock, systemClock } from '../domain/ports/clock';
import type { PartnerTokenStore, RefreshGrant } from '../domain/ports/token';
import { PartnerTokenRefreshError, refreshPartnerToken } from '../domain/use-cases/refresh-partner-token';
import { addLambdaContext, type Logger, logger as rootLogger } from '../shared/logger';
import { recordPartnerTokenRefresh } from '../shared/metrics';

const DEFAULT_BASE_URL = 'https://webexapis.com/v1';
const DEFAULT_REFRESH_WINDOW_DAYS = 7;

export interface RefreshHandlerDependencies {
  store: PartnerTokenStore;
  grant: RefreshGrant;
  clock: Clock;
  refreshWindowDays: number;
  logger: Logger;
  /** Records the run's metrics (default: Powertools Metrics, `recordPartnerTokenRefresh`). */
  recordMetrics: (run: { failed: boolean; daysRemaining?: number | undefined }) => void;
}

export interface RefreshHandlerSummary {
  refreshed: boolean;
  refreshTokenRotated: boolean;
  accessExpiresAt: string;
  daysRemaining: number;
}

/** Read and check the environment once. */
export function dependenciesFromEnv(env: NodeJS.ProcessEnv = process.env): RefreshHandlerDependencies {
  const problems: string[] = [];
  const secretId = env.PARTNER_TOKEN_SECRET_ID?.trim();
  if (!secretId) problems.push('PARTNER_TOKEN_SECRET_ID is required');
  const baseUrl = (env.WEBEX_BASE_URL?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) problems.push('WEBEX_BASE_URL must be an http(s) URL');
  const windowRaw = env.REFRESH_WINDOW_DAYS?.trim();
  const refreshWindowDays = windowRaw ? Number(windowRaw) : DEFAULT_REFRESH_WINDOW_DAYS;
  if (!Number.isFinite(refreshWindowDays) || refreshWindowDays < 0) {
    problems.push('REFRESH_WINDOW_DAYS must be a number of days >= 0');
  }
  if (problems.length > 0 || !secretId) throw new ConfigurationError(`Invalid configuration: ${problems.join('; ')}.`);
  const secrets = new SdkSecretsManager();
  return {
    store: new SecretsManagerTokenStore({ secretId, reader: secrets, writer: secrets }),
    grant: (input) => refreshAccessToken(baseUrl, input),
    clock: systemClock,
    refreshWindowDays,
    logger: rootLogger.child({ function: 'refresh-partner-token' }),
    recordMetrics: recordPartnerTokenRefresh,
  };
}

/** The handler over resolved dependencies (resolved lazily, once, so a configuration error is reported per run). */
export function createRefreshPartnerTokenHandler(resolve: () => RefreshHandlerDependencies) {
  let deps: RefreshHandlerDependencies | undefined;
  return async (_event?: unknown, context?: Pick<Context, 'awsRequestId'>): Promise<RefreshHandlerSummary> => {
    addLambdaContext(rootLogger, context);
    let log: Logger = rootLogger.child({ function: 'refresh-partner-token', requestId: context?.awsRequestId });
    let record: RefreshHandlerDependencies['recordMetrics'] = recordPartnerTokenRefresh;
    try {
      deps ??= resolve();
      log = deps.logger.child({ requestId: context?.awsRequestId });
      record = deps.recordMetrics;
      const result = await refreshPartnerToken({
        store: deps.store,
        grant: deps.grant,
        clock: deps.clock,
        refreshWindowDays: deps.refreshWindowDays,
      });
      record({ failed: false, daysRemaining: result.refreshTokenExpiresInDays });
      log.info(result.refreshed ? 'partner access token renewed' : 'partner access token not due for renewal', {
        // Key names avoid "token"/"refresh": the logger redacts such keys.
        outcome: result.refreshed ? 'renewed' : 'not-due',
        rotated: result.refreshTokenRotated,
        accessExpiresAt: result.accessTokenExpiresAt,
        daysRemaining: result.refreshTokenExpiresInDays,
      });
      return {
        refreshed: result.refreshed,
        refreshTokenRotated: result.refreshTokenRotated,
        accessExpiresAt: result.accessTokenExpiresAt,
        daysRemaining: result.refreshTokenExpiresInDays,
      };
    } catch (error) {
      const known = error instanceof PartnerTokenRefreshError ? error : undefined;
      record({ failed: true, daysRemaining: known?.refreshTokenExpiresInDays });
      const cause = known ? known.cause : error;
      log.error('partner token refresh failed', {
        stage: known?.stage ?? 'configuration',
        rotatedButNotStored: known?.refreshTokenRotated ?? false,
        daysRemaining: known?.refreshTokenExpiresInDays,
        errorName: cause instanceof Error ? cause.name : typeof cause,
        errorMessage: cause instanceof Error ? cause.message : undefined,
        upstreamStatus: (cause as { status?: unknown } | undefined)?.status,
      });
      throw error;
    }
  };
}

export const handler = createRefreshPartnerTokenHandler(() => dependenciesFromEnv());
