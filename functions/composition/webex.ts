/**
 * The Webex client of the functions that call Webex: its credentials (the partner token from Secrets Manager, or the
 * refresh grant handed in for local runs), the shared pacing of Webex calls and the client itself. Apart from
 * `root.ts`, so the functions that never call Webex do not build the readers of Webex's answers at load.
 */
import { DynamoWebexPacer } from '../adapters/dynamodb/webex-pacer';
import { SecretsManagerTokenStore } from '../adapters/secrets/secrets-manager-token-store';
import { WebexHttpClient } from '../adapters/webex/client';
import { StoredTokenCredentials } from '../adapters/webex/credentials';
import { pacingPlan, type WebexPacer } from '../adapters/webex/pacing';
import type { ServiceConfig } from '../config';
import { ConfigurationError } from '../domain/errors';
import type { WebexCredentialsProvider } from '../domain/ports/token';
import type { WebexSubscribersPort } from '../domain/ports/webex';
import type { MutationDependencies } from '../domain/use-cases/context';
import type { Logger } from '../shared/logger';
import { recordWebexCall } from '../shared/metrics';
import { once } from './cache';
import { getAuditDependencies, getClock, getConfig, getDynamoDbClient, getOverrides, getSecretsManager } from './root';

function webexCredentials(config: ServiceConfig): WebexCredentialsProvider {
  const source = config.webexCredentials;
  if (source?.kind === 'secret') {
    return new StoredTokenCredentials({
      store: new SecretsManagerTokenStore({ reader: getSecretsManager(config), secretId: source.secretId }),
      baseUrl: config.webexBaseUrl,
      clock: getClock(),
    });
  }
  if (source?.kind === 'refresh') {
    const refreshGrantCredentials = getOverrides().refreshGrantCredentials;
    if (!refreshGrantCredentials) {
      throw new ConfigurationError(
        'Invalid configuration: WEBEX_REFRESH_TOKEN credentials are for local runs only; set PARTNER_TOKEN_SECRET_ID',
      );
    }
    return refreshGrantCredentials(source, config.webexBaseUrl, getClock());
  }
  // requireConfig(['webex']) has already refused a missing credential source.
  throw new Error('unreachable: no Webex credentials');
}

/**
 * The shared pacing of Webex calls: the DynamoDB token bucket of the Webex state table at WEBEX_RATE_LIMIT_PER_SECOND.
 * Without WEBEX_STATE_TABLE_NAME there is none (a function outside the stack, a bench of the handler alone): the CDK
 * stack and the local runtime always set it.
 */
function webexPacer(config: ServiceConfig): WebexPacer | undefined {
  if (getOverrides().pacer !== undefined) return getOverrides().pacer ?? undefined;
  if (config.webexStateTableName === undefined) return undefined;
  return new DynamoWebexPacer({
    client: getDynamoDbClient(),
    tableName: config.webexStateTableName,
    plan: pacingPlan(config.webexRateLimitPerSecond),
    clock: getClock(),
  });
}

export function getWebex(): WebexSubscribersPort {
  return once('webex', () => {
    const config = getConfig(['webex']);
    return new WebexHttpClient({
      onAttempt: recordWebexCall,
      ...getOverrides().webexClient,
      credentials: webexCredentials(config),
      clock: getClock(),
      pacer: webexPacer(config),
    });
  });
}

/** Webex, the audit trail, the digester and the clock, with the caller's logger: what every mutation and task needs. */
export async function getAuditedWebexDependencies(logger: Logger): Promise<MutationDependencies> {
  getConfig(['webex', 'audit', 'digest']);
  return { ...(await getAuditDependencies(logger)), webex: getWebex() };
}
