/**
 * The embedded local runtime behind `npm start`: one process, everything on 127.0.0.1.
 * - DynamoDB (dynalite, in memory) with the audit table created from the description CDK deploys;
 * - the Webex simulator as the upstream (the handlers refresh their access token at its `/v1/access_token`, as in AWS);
 * - the API gateway serving every route of `functions/catalog/routes.ts` with a local JWT identity provider;
 * - optionally the local Step Functions endpoint (the `stepFunctions` hook), and with it the audit table's stream
 *   (emulated in front of dynalite) feeding the same consumer module Lambda runs, which starts the tracking executions.
 *
 * The handlers read `process.env`, so the runtime builds their environment explicitly, applies it to `process.env` once
 * (restored on `stop`) and resets the composition root's singletons. Because that environment is process-wide, one
 * runtime runs per process at a time.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FOLLOW_FILTER } from '../functions/adapters/dynamodb/audit-outbox';
import type { ScopeName } from '../functions/catalog/routes';
import { FOLLOW_SUBSCRIBERS_ENTRY } from '../functions/catalog/stream-consumers';
import type { CompositionOverrides } from '../functions/composition/root';
import { WEBEX_PACING } from '../functions/domain/contract/rules';
import { createLogger, type Logger, type LogLevel } from '../functions/shared/logger';
import type { AuditStreamProxy, StreamConsumer } from './audit-stream';
import { createLocalIdp, type LocalIdp, localIssuer, readJwtAudience, SANDBOX_TOKEN_SCOPES } from './auth/local-idp';
import { createLocalOidc, LOCAL_CONSOLE_CLIENT_ID } from './auth/local-oidc';
import { sandboxDataPaths, sandboxDigestKey } from './data-dir';
import { LOCAL_AWS_CREDENTIALS, type LocalDynamoDb, startLocalDynamoDb } from './dynamodb';
import { createLocalGateway, type HealthCheck, type LocalGateway, type LocalGatewayOptions } from './gateway/server';
import { applyEnv, resetComposition, UNSET_FOR_HANDLERS } from './handler-env';
import { DEFAULT_JWT_KEY_FILE, JWT_KEY_FILE_ENV, REPO_ROOT } from './paths';
import { isAddressInUse, PortInUseError, type PortOptions, resolvePorts } from './ports';
import { startLocalStatusSweeper } from './status-sweeper';
import { createWebexSimulator, type SimulatorOptions, type WebexSimulator } from './webex-simulator';

export const DEFAULT_AUDIT_TABLE_NAME = 'webex-bw-provisioning-audit-local';
export const DEFAULT_BATCH_TABLE_NAME = 'webex-bw-provisioning-batches-local';
export const DEFAULT_REGION = 'us-east-1';
export const LOCAL_HOST = '127.0.0.1';

/** What the Step Functions hook returns: a started component the runtime stops with the rest. */
export interface LocalStepFunctionsComponent {
  url: string;
  stateMachineArn: string;
  /** The batch workflow on the same endpoint (`BATCH_STATE_MACHINE_ARN`); absent: no batches locally. */
  batchStateMachineArn?: string;
  stop(): Promise<void>;
  /** For `/health`; default: any HTTP answer from `url` counts as up. */
  check?(): Promise<void>;
  /** Called once the whole runtime is up: kept executions that were running continue from here. */
  ready?(): void;
}

/**
 * Starts the local Step Functions endpoint (`local/stepfunctions/`). Called after the handlers' environment is applied,
 * so task handlers see the same DynamoDB, simulator and digest key; its `url` and `stateMachineArn` become `SFN_ENDPOINT`
 * and `STATE_MACHINE_ARN` for the API handlers.
 */
export type StartLocalStepFunctions = (context: {
  port: number;
  host: string;
  logger: Logger;
  env: Readonly<Record<string, string>>;
  /** Where to keep executions across restarts (the runtime's `dataDir`), if it keeps data. */
  executionsDir?: string;
}) => Promise<LocalStepFunctionsComponent>;

export interface LocalRuntimeOptions {
  /** Ports (0 = ephemeral); default from PORT, DYNAMODB_PORT, SIMULATOR_PORT, SFN_PORT, else 3000, 8000, 3001, 8083. */
  ports?: PortOptions;
  /** Where port variables are read from; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Simulator options (clock, delays, duplicate mode…) for tests and demos. */
  simulator?: SimulatorOptions;
  /**
   * Where the token signing key persists; `false` keeps it in memory (tests). Default `LOCAL_JWT_KEY_FILE`, else
   * `.local-data/jwt-key.json`.
   */
  keyFile?: string | false;
  /** Log level of the runtime and the handlers (`LOG_LEVEL`); default `LOG_LEVEL` or info. */
  logLevel?: LogLevel | 'silent';
  logger?: Logger;
  auditTableName?: string;
  region?: string;
  /**
   * Keep the sandbox's data in this directory across restarts (`local/data-dir.ts`: audit table, simulator
   * subscribers, executions, digest key); `false` or absent keeps everything in memory (tests).
   */
  dataDir?: string | false;
  /** Hook for the local Step Functions endpoint; absent = no workflow locally (API tracking disabled). */
  stepFunctions?: StartLocalStepFunctions;
  /** Overrides for the handlers' composition root (tests: a clock, fewer Webex retries). */
  composition?: CompositionOverrides;
  /** Waits before each retry of a failed audit stream record (ms); default as many as Lambda's retries, 0.1 s to 5 s. */
  auditStreamRetryDelaysMs?: readonly number[];
  /**
   * Our Webex call rate, shared by every handler through the Webex state table's token bucket (`WEBEX_RATE_LIMIT_PER_SECOND`);
   * default that variable, else `WEBEX_PACING.defaultRequestsPerSecond`.
   */
  webexRateLimitPerSecond?: number;
  /**
   * The status sweeper in-process (the scheduled Lambda in AWS); default on when the workflow runs (`stepFunctions`).
   * `intervalMs` defaults to `STATUS_SWEEP.intervalSeconds` × `timeScale` (default LOCAL_TIME_SCALE, else 1).
   */
  statusSweeper?: boolean | { intervalMs?: number; timeScale?: number };
  /** Gateway knobs for tests. */
  gateway?: Pick<LocalGatewayOptions, 'loadHandler' | 'timeoutsMs' | 'maxBodyBytes' | 'healthTimeoutMs'>;
}

export interface LocalRuntime {
  readonly urls: { api: string; console: string; dynamodb: string; simulator: string; stepFunctions?: string };
  /** Ready sandbox tokens: `read` holds the read scope; `write` holds the write and the read scope. */
  readonly tokens: { read: string; write: string };
  /** Signs a token the gateway accepts (`read`/`write` or full scope values); `claims` override the defaults. */
  mintToken(scopes: ReadonlyArray<ScopeName | string>, claims?: Record<string, unknown>): Promise<string>;
  readonly simulator: WebexSimulator;
  readonly gateway: LocalGateway;
  readonly issuer: string;
  readonly audience: string;
  readonly auditTableName: string;
  readonly stateMachineArn: string | undefined;
  /** The audit table's emulated stream: `idle()` once every record is delivered; `deadLetters`. */
  readonly auditStream: Pick<AuditStreamProxy, 'idle' | 'deadLetters'>;
  /** The environment given to the handlers (also applied to `process.env` while running). */
  readonly env: Readonly<Record<string, string>>;
  /** Where the sandbox keeps its data, if it does. */
  readonly dataDir: string | undefined;
  stop(): Promise<void>;
}

let activeRuntime: LocalRuntime | undefined;

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  if (activeRuntime) {
    throw new Error(
      'A local runtime is already running in this process: the handlers read process.env, so two would share it. Stop it first.',
    );
  }
  const logLevel = options.logLevel ?? (process.env.LOG_LEVEL as LogLevel | 'silent' | undefined) ?? 'info';
  const log = options.logger ?? createLogger({ component: 'local-runtime' }, { level: logLevel });
  const ports = resolvePorts(options.ports ?? {}, options.env ?? process.env);
  const region = options.region ?? DEFAULT_REGION;
  const auditTableName = options.auditTableName ?? DEFAULT_AUDIT_TABLE_NAME;
  const keyFile = options.keyFile ?? (process.env[JWT_KEY_FILE_ENV] || DEFAULT_JWT_KEY_FILE);
  const data = options.dataDir ? sandboxDataPaths(options.dataDir) : undefined;

  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    const failures: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) log.warn('some components did not stop cleanly', { errors: failures });
  };

  try {
    const dynamo: LocalDynamoDb = await startLocalDynamoDb({
      port: ports.dynamodb,
      host: LOCAL_HOST,
      tableName: auditTableName,
      batchTableName: DEFAULT_BATCH_TABLE_NAME,
      region,
      logger: log.child({ component: 'audit-stream' }),
      ...(data ? { path: data.dynamodb } : {}),
    });
    cleanups.push(() => dynamo.stop());

    const simulator = createWebexSimulator({
      ...(data ? { stateFile: data.simulator } : {}),
      ...options.simulator,
      logger: options.simulator?.logger ?? log.child({ component: 'webex-simulator' }),
    });
    const { url: simulatorUrl } = await simulator
      .start({ port: ports.simulator, host: LOCAL_HOST })
      .catch((error: unknown) => {
        throw isAddressInUse(error) ? new PortInUseError('simulator', ports.simulator, LOCAL_HOST) : error;
      });
    cleanups.push(() => simulator.stop());

    const gateway = createLocalGateway({
      ...options.gateway,
      logger: log.child({ component: 'local-gateway' }),
      region,
    });
    const { url: apiUrl, port: apiPort } = await gateway.start({ port: ports.api, host: LOCAL_HOST });
    cleanups.push(() => gateway.stop());

    const audience = readJwtAudience();
    const idp: LocalIdp = await createLocalIdp({
      issuer: localIssuer(apiPort),
      audience,
      keyFile,
      onKeyReplaced: (file, reason) =>
        log.warn('the token signing key file was unreadable and is replaced: earlier tokens no longer work', {
          file,
          reason,
        }),
    });

    const credentials = simulator.credentials;
    const env: Record<string, string> = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
      AUDIT_TABLE_NAME: auditTableName,
      BATCH_TABLE_NAME: DEFAULT_BATCH_TABLE_NAME,
      WEBEX_STATE_TABLE_NAME: dynamo.stateTableName,
      WEBEX_RATE_LIMIT_PER_SECOND: String(
        options.webexRateLimitPerSecond ??
          process.env.WEBEX_RATE_LIMIT_PER_SECOND ??
          WEBEX_PACING.defaultRequestsPerSecond,
      ),
      DYNAMODB_ENDPOINT: dynamo.url,
      WEBEX_BASE_URL: `${simulatorUrl}/v1`,
      // The OpenAPI document's openIdConnectUrl (the local IdP's discovery document on the gateway), and the issuer the
      // operator console signs in at (authorization code + PKCE) as CONSOLE_CLIENT_ID.
      JWT_ISSUER: idp.issuer,
      WEBEX_REFRESH_TOKEN: credentials.refreshToken,
      WEBEX_CLIENT_ID: credentials.clientId,
      WEBEX_CLIENT_SECRET: credentials.clientSecret,
      // Kept with the data (digests stay comparable across restarts); in memory, a fresh key per start.
      AUDIT_DIGEST_KEY: data ? sandboxDigestKey(data) : randomBytes(32).toString('hex'),
      LOG_LEVEL: logLevel,
      // No CloudWatch here: Powertools Metrics writes no EMF lines (set POWERTOOLS_METRICS_DISABLED=false to see them).
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      CONSOLE_CLIENT_ID: LOCAL_CONSOLE_CLIENT_ID,
    };
    const restoreEnv = applyEnv(env, UNSET_FOR_HANDLERS);
    cleanups.push(async () => {
      restoreEnv();
      await resetComposition(log, options.composition);
    });
    await resetComposition(log, options.composition);

    let stepFunctions: LocalStepFunctionsComponent | undefined;
    if (options.stepFunctions) {
      stepFunctions = await options.stepFunctions({
        port: ports.stepFunctions,
        host: LOCAL_HOST,
        logger: log.child({ component: 'local-stepfunctions' }),
        env,
        ...(data ? { executionsDir: data.executions } : {}),
      });
      const component = stepFunctions;
      cleanups.push(() => component.stop());
      env.SFN_ENDPOINT = component.url;
      env.STATE_MACHINE_ARN = component.stateMachineArn;
      if (component.batchStateMachineArn !== undefined) env.BATCH_STATE_MACHINE_ARN = component.batchStateMachineArn;
      for (const name of ['SFN_ENDPOINT', 'STATE_MACHINE_ARN', 'BATCH_STATE_MACHINE_ARN'] as const) {
        if (env[name] !== undefined) process.env[name] = env[name];
      }
      await resetComposition(log, options.composition);
      // The event source mapping: the tracking outbox reaches the workflow through the audit table's stream.
      dynamo.stream.subscribe({
        filter: FOLLOW_FILTER,
        consumer: moduleStreamConsumer(FOLLOW_SUBSCRIBERS_ENTRY),
        retryDelaysMs: options.auditStreamRetryDelaysMs ?? DEFAULT_STREAM_RETRY_DELAYS_MS,
      });
    }

    const sweeperOption = options.statusSweeper ?? stepFunctions !== undefined;
    if (sweeperOption !== false) {
      const settings = typeof sweeperOption === 'object' ? sweeperOption : {};
      const sweeper = await startLocalStatusSweeper({
        logger: log.child({ component: 'status-sweeper' }),
        timeScale: settings.timeScale ?? timeScaleOf(options.env ?? process.env),
        ...(settings.intervalMs === undefined ? {} : { intervalMs: settings.intervalMs }),
      });
      cleanups.push(() => sweeper.stop());
    }

    const healthChecks: Record<string, HealthCheck> = {
      dynamodb: () => dynamo.check(),
      simulator: () => httpReachable(`${simulatorUrl}/_simulator/stats`),
    };
    if (stepFunctions) {
      const component = stepFunctions;
      healthChecks.stepFunctions = component.check
        ? () => (component.check as () => Promise<void>)()
        : () => httpReachable(component.url);
    }
    gateway.setHealthChecks(healthChecks);
    const oidc = createLocalOidc({ idp, issuer: idp.issuer, clientId: LOCAL_CONSOLE_CLIENT_ID });
    gateway.mount(oidc.prefix, oidc.handler);
    gateway.setAuthorizer(idp);

    const [read, write] = await Promise.all([
      idp.mint(SANDBOX_TOKEN_SCOPES.read),
      idp.mint(SANDBOX_TOKEN_SCOPES.write),
    ]);
    let stopped: Promise<void> | undefined;
    const runtime: LocalRuntime = {
      urls: {
        api: apiUrl,
        console: `${apiUrl}/console`,
        dynamodb: dynamo.url,
        simulator: simulatorUrl,
        ...(stepFunctions ? { stepFunctions: stepFunctions.url } : {}),
      },
      tokens: { read, write },
      mintToken: (scopes, claims) => idp.mint(scopes, claims),
      simulator,
      gateway,
      issuer: idp.issuer,
      audience,
      auditTableName,
      stateMachineArn: stepFunctions?.stateMachineArn,
      auditStream: { idle: () => dynamo.stream.idle(), deadLetters: dynamo.stream.deadLetters },
      env: Object.freeze({ ...env }),
      dataDir: data?.root,
      stop() {
        stopped ??= stopAll().finally(() => {
          if (activeRuntime === runtime) activeRuntime = undefined;
          log.info('local runtime stopped');
        });
        return stopped;
      },
    };
    activeRuntime = runtime;
    stepFunctions?.ready?.();
    log.info('local runtime started', { urls: runtime.urls });
    return runtime;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Lambda retries a failing stream record 10 times (FOLLOW_STREAM_SETTINGS); locally, growing waits up to 5 s. */
const DEFAULT_STREAM_RETRY_DELAYS_MS = [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000] as const;

/** The consumer handler module Lambda runs, imported on first use (as the local Step Functions imports its tasks). */
function moduleStreamConsumer(entry: string): StreamConsumer {
  let loaded: Promise<StreamConsumer> | undefined;
  return async (event) => {
    loaded ??= import(pathToFileURL(path.join(REPO_ROOT, entry)).href).then((mod: { handler?: unknown }) => {
      if (typeof mod.handler !== 'function') throw new Error(`${entry} does not export a handler`);
      return mod.handler as StreamConsumer;
    });
    return (await loaded)(event);
  };
}

/** LOCAL_TIME_SCALE as the local Step Functions reads it (a number ≥ 0), else 1. */
function timeScaleOf(env: Record<string, string | undefined>): number {
  const value = Number(env.LOCAL_TIME_SCALE);
  return env.LOCAL_TIME_SCALE !== undefined && Number.isFinite(value) && value >= 0 ? value : 1;
}

/** Up when the URL answers anything below 500 within the health check's time. */
async function httpReachable(url: string): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  if (response.status >= 500) throw new Error(`answered ${response.status}`);
}
