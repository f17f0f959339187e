/**
 * The composition root: builds the adapters behind the ports from the configuration (`config.ts`), lazily and once per
 * cold start (kept in `cache.ts`, reused by every warm invocation). Handlers take their dependencies from the modules
 * of this folder and nowhere else; each getter checks only the configuration its part needs, so a function that never
 * calls Webex does not need Webex credentials. The Step Functions client is in `step-functions.ts`, imported only by
 * the wiring of the functions that start or describe executions (`orders.ts`, `tracker.ts`, `batch-executions.ts`).
 * Secrets are read with the Secrets Manager client (`adapters/secrets/sdk-secrets.ts`).
 *
 * Tests and the local runtime change `process.env` and then call `resetCompositionForTests()` (optionally with
 * overrides such as a clock that never sleeps on real time) so the next call rebuilds everything.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { HmacDigester } from '../adapters/digest/hmac-digester';
import { readDigestKeyFromSecret } from '../adapters/digest/secret-key';
import { DynamoAuditStore } from '../adapters/dynamodb/audit-store';
import { EmfOutcomeMetrics } from '../adapters/metrics/emf-outcome-metrics';
import { SdkSecretsManager } from '../adapters/secrets/sdk-secrets';
import type { WebexHttpClientOptions } from '../adapters/webex/client';
import type { WebexPacer } from '../adapters/webex/pacing';
import {
  type ConfigNeed,
  loadConfig,
  type RefreshCredentialsConfig,
  requireConfig,
  type ServiceConfig,
} from '../config';
import { ConfigurationError } from '../domain/errors';
import type { AuditDayIndex, AuditLookup, AuditStore, FieldDigester } from '../domain/ports/audit';
import { type Clock, systemClock } from '../domain/ports/clock';
import type { OutcomeMetrics } from '../domain/ports/metrics';
import type { WebexCredentialsProvider } from '../domain/ports/token';
import type { MutationDependencies } from '../domain/use-cases/context';
import type { Logger } from '../shared/logger';
import { once, onceAsync, resetCache } from './cache';

export interface CompositionOverrides {
  /** Clock for the Webex client's waits and the audit timestamps (tests: one that never sleeps on real time). */
  clock?: Clock;
  /** Extra Webex client options (tests: fewer attempts, a smaller backoff). */
  webexClient?: Partial<Omit<WebexHttpClientOptions, 'credentials' | 'clock'>>;
  /** Replaces the Webex pacer (tests); `null` = no pacing even when WEBEX_STATE_TABLE_NAME is set. */
  pacer?: WebexPacer | null;
  /**
   * Builds the Webex credentials of a refresh-grant configuration (`WEBEX_REFRESH_TOKEN` + client id and secret): the
   * local runtime, tests and benches pass `REFRESH_GRANT_COMPOSITION` (`refresh-grant.ts`). Not wired here: a Lambda
   * reads the partner token from Secrets Manager and must never run the grant itself, and its bundle does not carry it.
   */
  refreshGrantCredentials?: (
    source: RefreshCredentialsConfig,
    baseUrl: string,
    clock: Clock,
  ) => WebexCredentialsProvider;
}

let overrides: CompositionOverrides = {};

/**
 * Forget every client and adapter built so far (and set the overrides): the next call reads the environment again.
 * Tests and the local runtime call it after they change `process.env`.
 */
export function resetCompositionForTests(next: CompositionOverrides = {}): void {
  resetCache();
  overrides = next;
}

/** The configuration, read and checked once; `needs` are checked to be present (every missing one named). */
export function getConfig(needs: readonly ConfigNeed[] = []): ServiceConfig {
  return requireConfig(
    once('config', () => loadConfig(process.env)),
    needs,
  );
}

/** The overrides set by `resetCompositionForTests` (tests and the local runtime). */
export function getOverrides(): CompositionOverrides {
  return overrides;
}

export function getClock(): Clock {
  return overrides.clock ?? systemClock;
}

/** Region and endpoint of an AWS SDK client, from the configuration (every module of this folder builds clients so). */
export function awsClientConfig(config: ServiceConfig, endpoint?: string): { region?: string; endpoint?: string } {
  return {
    ...(config.awsRegion === undefined ? {} : { region: config.awsRegion }),
    ...(endpoint === undefined ? {} : { endpoint }),
  };
}

/** The DynamoDB client every store of this function shares (DYNAMODB_ENDPOINT when set). */
export function getDynamoDbClient(): DynamoDBClient {
  return dynamodb(getConfig());
}

function dynamodb(config: ServiceConfig): DynamoDBClient {
  return once(
    'dynamodb',
    () => new DynamoDBClient(awsClientConfig(config, config.dynamodbEndpoint)),
    (client) => client.destroy(),
  );
}

/** Secret values through the function's one Secrets Manager client (needs AWS_REGION). */
export function getSecretsManager(config: ServiceConfig = getConfig()): SdkSecretsManager {
  return secretsManager(config);
}

function secretsManager(config: ServiceConfig): SdkSecretsManager {
  // An SDK client without a region fails on its first call; a function that reads a secret needs one from the start.
  if (config.awsRegion === undefined) throw new ConfigurationError('Invalid configuration: AWS_REGION is not set');
  const client = once(
    'secretsManager',
    () => new SecretsManagerClient(awsClientConfig(config)),
    (built) => built.destroy(),
  );
  return once('secrets', () => new SdkSecretsManager(client));
}

/** Outcome metrics (EMF lines on stdout): the one adapter behind the `OutcomeMetrics` port. */
export function getOutcomeMetrics(): OutcomeMetrics {
  return once('outcomeMetrics', () => new EmfOutcomeMetrics());
}

/** Reads one audit record by id (the tracking start checks the API call's record). */
export function getAuditLookup(): AuditLookup {
  return auditStore();
}

export function getAuditStore(): AuditStore & AuditDayIndex {
  return auditStore();
}

function auditStore(): DynamoAuditStore {
  return once('auditStore', () => {
    const config = getConfig(['audit']);
    return new DynamoAuditStore({
      client: dynamodb(config),
      tableName: config.auditTableName as string,
      ...(config.auditRetentionDays === undefined ? {} : { retentionDays: config.auditRetentionDays }),
    });
  });
}

/** The digester; its key comes from Secrets Manager (once per cold start) or, locally, from the environment. */
export function getDigester(): Promise<FieldDigester> {
  const config = getConfig(['digest']);
  const source = config.digestKey;
  return onceAsync('digester', async () =>
    source?.kind === 'secret'
      ? new HmacDigester(await readDigestKeyFromSecret(secretsManager(config), source.secretId))
      : new HmacDigester(source?.kind === 'inline' ? source.key : ''),
  );
}

/** The audit trail, the digester and the clock, with the caller's logger: what a step that never calls Webex needs. */
export async function getAuditDependencies(logger: Logger): Promise<Omit<MutationDependencies, 'webex'>> {
  // Check every variable first, so one error names all that are missing.
  getConfig(['audit', 'digest']);
  return { audit: getAuditStore(), digester: await getDigester(), clock: getClock(), logger };
}
