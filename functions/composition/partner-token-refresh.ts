/**
 * The scheduled partner-token refresh's wiring: the partner token secret (`PARTNER_TOKEN_SECRET_ID`) read and written
 * through the function's Secrets Manager client, Webex's refresh grant at `WEBEX_BASE_URL`, and the refresh window
 * (`REFRESH_WINDOW_DAYS`), all from `config.ts`.
 */
import { SecretsManagerTokenStore } from '../adapters/secrets/secrets-manager-token-store';
import { refreshAccessToken } from '../adapters/webex/token-grant';
import type { Clock } from '../domain/ports/clock';
import type { PartnerTokenStore, RefreshGrant } from '../domain/ports/token';
import { type Logger, logger as rootLogger } from '../shared/logger';
import { recordPartnerTokenRefresh } from '../shared/metrics';
import { once } from './cache';
import { getClock, getConfig, getSecretsManager } from './root';

export interface PartnerTokenRefreshDependencies {
  store: PartnerTokenStore;
  grant: RefreshGrant;
  clock: Clock;
  refreshWindowDays: number;
  logger: Logger;
  /** Records the run's metrics (Powertools Metrics, `recordPartnerTokenRefresh`). */
  recordMetrics: (run: { failed: boolean; daysRemaining?: number | undefined }) => void;
}

/** Throws a `ConfigurationError` naming every missing or bad variable. */
export function getPartnerTokenRefreshDependencies(): PartnerTokenRefreshDependencies {
  return once('partnerTokenRefresh', () => {
    const config = getConfig(['partnerToken']);
    const secretId = config.webexCredentials?.kind === 'secret' ? config.webexCredentials.secretId : '';
    const secrets = getSecretsManager(config);
    return {
      store: new SecretsManagerTokenStore({ secretId, reader: secrets, writer: secrets }),
      grant: (input) => refreshAccessToken(config.webexBaseUrl, input),
      clock: getClock(),
      refreshWindowDays: config.refreshWindowDays,
      logger: rootLogger.child({ function: 'refresh-partner-token' }),
      recordMetrics: recordPartnerTokenRefresh,
    };
  });
}
