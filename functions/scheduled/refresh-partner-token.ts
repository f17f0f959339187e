/**
 * Scheduled Lambda: renews the partner's Webex access token stored in Secrets Manager (EventBridge schedule, e.g. daily).
 *
 * Its configuration comes from `config.ts` through `composition/partner-token-refresh.ts`: `PARTNER_TOKEN_SECRET_ID`
 * (required), `WEBEX_BASE_URL`, `REFRESH_WINDOW_DAYS` (default 7: refresh when the access token, about 14 days, expires
 * within this many days), `AWS_REGION`, `LOG_LEVEL`.
 *
 * Every run records, with Powertools Metrics (`shared/metrics.ts`: namespace `WebexBwProvisioning`, dimension
 * `service` only), `PartnerTokenRefreshFailed` (1 on failure, 0 otherwise) and `RefreshTokenDaysRemaining` (whole days
 * the refresh token has left, whenever the stored tokens could be read). A failed run also throws, so the function's `Errors` count too.
 * No token or secret is ever logged.
 */
import type { Context } from 'aws-lambda';
import {
  getPartnerTokenRefreshDependencies,
  type PartnerTokenRefreshDependencies,
} from '../composition/partner-token-refresh';
import { PartnerTokenRefreshError, refreshPartnerToken } from '../domain/use-cases/refresh-partner-token';
import { addLambdaContext, type Logger, logger as rootLogger } from '../shared/logger';
import { recordPartnerTokenRefresh } from '../shared/metrics';

export type RefreshHandlerDependencies = PartnerTokenRefreshDependencies;

export interface RefreshHandlerSummary {
  refreshed: boolean;
  refreshTokenRotated: boolean;
  accessExpiresAt: string;
  daysRemaining: number;
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

export const handler = createRefreshPartnerTokenHandler(getPartnerTokenRefreshDependencies);
