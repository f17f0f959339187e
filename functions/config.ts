/**
 * Configuration, read from the environment and checked once per cold start into a typed, frozen object.
 *
 * Two steps, so each function only requires what it uses:
 * - `loadConfig(env)` checks the FORMAT of every variable that is set (a bad URL, a half-set credential group…) and
 *   throws one `ConfigurationError` naming every bad variable;
 * - `requireConfig(config, needs)` checks that the variables a function NEEDS are present, naming every missing one.
 *
 * Variables (CDK sets the same names):
 * | name | meaning |
 * |---|---|
 * | `AUDIT_TABLE_NAME` | DynamoDB audit table (need `audit`) |
 * | `AUDIT_RETENTION_DAYS` | days an audit record is kept (its TTL attribute), 1 to 36500, default 400 |
 * | `WEBEX_BASE_URL` | Webex API base, default `https://webexapis.com/v1` |
 * | `REFRESH_WINDOW_DAYS` | the partner-token refresh renews the access token when it expires within this many days (default 7) |
 * | `PARTNER_TOKEN_SECRET_ID` | Secrets Manager secret with the partner tokens (AWS) — or: |
 * | `WEBEX_REFRESH_TOKEN` + `WEBEX_CLIENT_ID` + `WEBEX_CLIENT_SECRET` | refresh-grant credentials (local / non-AWS) (need `webex`; the scheduled refresh needs the secret: `partnerToken`) |
 * | `AUDIT_DIGEST_SECRET_ID` | Secrets Manager secret holding the audit digest key (AWS) — or: |
 * | `AUDIT_DIGEST_KEY` | the audit digest key itself, ≥ 32 characters (local) (need `digest`) |
 * | `STATE_MACHINE_ARN` | optional: follow API Provision/Update with a workflow execution (need `tracker`) |
 * | `BATCH_TABLE_NAME` | DynamoDB table of batches: their orders and outcomes (need `batches`) |
 * | `BATCH_STATE_MACHINE_ARN` | the batch workflow (POST /v1/batches starts it) (need `batchRunner`) |
 * | `BATCH_START_RATE_PER_SECOND` | orders a batch starts per second at most (default `RULES.defaultBatchStartRatePerSecond`) |
 * | `WEBEX_STATE_TABLE_NAME` | the Webex state table: the shared token bucket of Webex calls, the status sweeper's records (need `webexState`); unset = no pacing |
 * | `WEBEX_RATE_LIMIT_PER_SECOND` | our Webex call rate, shared by every function (default `WEBEX_PACING.defaultRequestsPerSecond`, 5) |
 * | `DYNAMODB_ENDPOINT`, `SFN_ENDPOINT` | optional local endpoints |
 * | `AWS_REGION` | region (Lambda sets it) |
 * | `LOG_LEVEL` | debug, info, warn, error, silent (default info) |
 * | `JWT_ISSUER` | optional: the issuer API Gateway trusts, shown in the OpenAPI document's security scheme; the operator console signs in there (need `console`) |
 * | `CONSOLE_CLIENT_ID` | the operator console's OAuth client id (need `console`) |
 */
import { WEBEX_PACING } from './domain/contract/rules';
import { ConfigurationError } from './domain/errors';

export const DEFAULT_WEBEX_BASE_URL = 'https://webexapis.com/v1';
export const MIN_DIGEST_KEY_LENGTH = 32;
export const DEFAULT_REFRESH_WINDOW_DAYS = 7;
/** No variable is longer (URLs and ARNs included); a longer one is refused without being looked at. */
const MAX_VARIABLE_LENGTH = 2048;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
const STATE_MACHINE_ARN_PATTERN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
/** An AWS region id like `eu-west-1` (also what a signed AWS request puts in its endpoint's host name). */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

export type RefreshCredentialsConfig = {
  kind: 'refresh';
  refreshToken: string;
  clientId: string;
  clientSecret: string;
};
export type WebexCredentialsConfig = { kind: 'secret'; secretId: string } | RefreshCredentialsConfig;

export type DigestKeyConfig = { kind: 'secret'; secretId: string } | { kind: 'inline'; key: string };

export interface ServiceConfig {
  readonly auditTableName: string | undefined;
  readonly auditRetentionDays: number | undefined;
  readonly webexBaseUrl: string;
  /** The scheduled refresh renews the partner's access token when it expires within this many days. */
  readonly refreshWindowDays: number;
  readonly webexCredentials: WebexCredentialsConfig | undefined;
  readonly digestKey: DigestKeyConfig | undefined;
  readonly stateMachineArn: string | undefined;
  readonly dynamodbEndpoint: string | undefined;
  readonly sfnEndpoint: string | undefined;
  readonly awsRegion: string | undefined;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly jwtIssuer: string | undefined;
  readonly consoleClientId: string | undefined;
  readonly batchTableName: string | undefined;
  readonly batchStateMachineArn: string | undefined;
  /** Orders a batch starts per second; undefined: the default of `RULES`. */
  readonly batchStartRatePerSecond: number | undefined;
  readonly webexStateTableName: string | undefined;
  /** Requests per second to Webex for the whole deployment. */
  readonly webexRateLimitPerSecond: number;
}

/** What a function can need. */
export type ConfigNeed =
  | 'audit'
  | 'webex'
  | 'digest'
  | 'tracker'
  | 'console'
  | 'batches'
  | 'batchRunner'
  | 'webexState'
  | 'partnerToken';

/**
 * The check of one variable's trimmed, non-empty value: the value to keep, or what is wrong with it (never the value).
 * Plain functions rather than zod schemas: the configuration is read on every cold start, and its variables do
 * not need the 44 zod schemas a zod version of this table builds at module load.
 */
type VariableCheck = (value: string) => { value: string } | { problem: string };

const any: VariableCheck = (value) => ({ value });

const matching =
  (pattern: RegExp, problem: string): VariableCheck =>
  (value) =>
    pattern.test(value) ? { value } : { problem };

/** An absolute http(s) URL with `//` after the scheme, kept without its trailing slashes. */
const httpUrl: VariableCheck = (value) => {
  const problem = 'must be an http(s) URL';
  if (!/^https?:\/\//i.test(value)) return { problem };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem };
  // The URL parser drops tabs and line breaks before parsing: drop them from the kept value too.
  return { value: value.replace(/[\t\n\r]/g, '').replace(/\/+$/, '') };
};

const TABLE_NAME = matching(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name');

const VARIABLES = {
  AUDIT_TABLE_NAME: TABLE_NAME,
  AUDIT_RETENTION_DAYS: (value) =>
    /^\d{1,5}$/.test(value) && Number(value) >= 1 && Number(value) <= 36_500
      ? { value }
      : { problem: 'must be a whole number of days from 1 to 36500' },
  WEBEX_STATE_TABLE_NAME: TABLE_NAME,
  WEBEX_RATE_LIMIT_PER_SECOND: matching(
    /^(?=.*[1-9])\d{1,5}(\.\d{1,3})?$/,
    'must be a positive number of requests per second (at most 99999, 3 decimals)',
  ),
  WEBEX_BASE_URL: httpUrl,
  REFRESH_WINDOW_DAYS: matching(/^\d{1,3}(\.\d{1,3})?$/, 'must be a number of days from 0 to 999'),
  PARTNER_TOKEN_SECRET_ID: any,
  WEBEX_REFRESH_TOKEN: any,
  WEBEX_CLIENT_ID: any,
  WEBEX_CLIENT_SECRET: any,
  AUDIT_DIGEST_SECRET_ID: any,
  AUDIT_DIGEST_KEY: (value) =>
    value.length >= MIN_DIGEST_KEY_LENGTH
      ? { value }
      : { problem: `must be at least ${MIN_DIGEST_KEY_LENGTH} characters` },
  STATE_MACHINE_ARN: matching(STATE_MACHINE_ARN_PATTERN, 'must be a Step Functions state machine ARN'),
  BATCH_TABLE_NAME: matching(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name'),
  BATCH_STATE_MACHINE_ARN: matching(STATE_MACHINE_ARN_PATTERN, 'must be a Step Functions state machine ARN'),
  BATCH_START_RATE_PER_SECOND: (value) =>
    /^\d{1,4}(\.\d{1,3})?$/.test(value) && Number(value) > 0 && Number(value) <= 1000
      ? { value }
      : { problem: 'must be a number of orders per second above 0 and at most 1000' },
  DYNAMODB_ENDPOINT: httpUrl,
  SFN_ENDPOINT: httpUrl,
  AWS_REGION: matching(AWS_REGION_PATTERN, 'must be an AWS region like eu-west-1'),
  JWT_ISSUER: httpUrl,
  CONSOLE_CLIENT_ID: matching(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 printable characters without spaces'),
  LOG_LEVEL: (value) =>
    (LOG_LEVELS as readonly string[]).includes(value)
      ? { value }
      : { problem: 'must be debug, info, warn, error or silent' },
} satisfies Record<string, VariableCheck>;

type Variables = { [name in keyof typeof VARIABLES]?: string };

/**
 * Every known variable that is set, trimmed and checked (an empty one counts as unset). Adds one problem per bad
 * variable to `problems`, naming the variable and never its value.
 */
function readVariables(env: Record<string, unknown>, problems: string[]): Variables {
  const read: Variables = {};
  for (const [name, check] of Object.entries(VARIABLES) as Array<[keyof typeof VARIABLES, VariableCheck]>) {
    const raw = env[name];
    if (raw === undefined) continue;
    if (typeof raw !== 'string') {
      problems.push(`${name} must be a string`);
      continue;
    }
    const trimmed = raw.trim();
    if (trimmed.length > MAX_VARIABLE_LENGTH) {
      problems.push(`${name} must be at most ${MAX_VARIABLE_LENGTH} characters`);
      continue;
    }
    if (trimmed === '') continue;
    const result = check(trimmed);
    if ('problem' in result) problems.push(`${name} ${result.problem}`);
    else read[name] = result.value;
  }
  return read;
}

const REFRESH_GROUP = ['WEBEX_REFRESH_TOKEN', 'WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET'] as const;

/** Read and check the environment. Throws one ConfigurationError naming every bad variable (never its value). */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServiceConfig {
  const problems: string[] = [];
  const e = readVariables(env, problems);
  if (problems.length > 0) throw configurationError(problems);

  let webexCredentials: WebexCredentialsConfig | undefined;
  const refreshSet = REFRESH_GROUP.filter((name) => e[name] !== undefined);
  if (e.PARTNER_TOKEN_SECRET_ID !== undefined && refreshSet.length > 0) {
    problems.push(`PARTNER_TOKEN_SECRET_ID and ${refreshSet.join(', ')} are exclusive: set one credential source`);
  } else if (e.PARTNER_TOKEN_SECRET_ID !== undefined) {
    webexCredentials = { kind: 'secret', secretId: e.PARTNER_TOKEN_SECRET_ID };
  } else if (refreshSet.length > 0) {
    const missing = REFRESH_GROUP.filter((name) => e[name] === undefined);
    if (missing.length > 0) problems.push(`${missing.join(', ')} must be set together with ${refreshSet.join(', ')}`);
    else {
      webexCredentials = {
        kind: 'refresh',
        refreshToken: e.WEBEX_REFRESH_TOKEN as string,
        clientId: e.WEBEX_CLIENT_ID as string,
        clientSecret: e.WEBEX_CLIENT_SECRET as string,
      };
    }
  }

  let digestKey: DigestKeyConfig | undefined;
  if (e.AUDIT_DIGEST_SECRET_ID !== undefined && e.AUDIT_DIGEST_KEY !== undefined) {
    problems.push('AUDIT_DIGEST_SECRET_ID and AUDIT_DIGEST_KEY are exclusive: set one digest key source');
  } else if (e.AUDIT_DIGEST_SECRET_ID !== undefined) {
    digestKey = { kind: 'secret', secretId: e.AUDIT_DIGEST_SECRET_ID };
  } else if (e.AUDIT_DIGEST_KEY !== undefined) {
    digestKey = { kind: 'inline', key: e.AUDIT_DIGEST_KEY };
  }

  if (problems.length > 0) throw configurationError(problems);

  return Object.freeze({
    auditTableName: e.AUDIT_TABLE_NAME,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS === undefined ? undefined : Number(e.AUDIT_RETENTION_DAYS),
    webexBaseUrl: e.WEBEX_BASE_URL ?? DEFAULT_WEBEX_BASE_URL,
    refreshWindowDays:
      e.REFRESH_WINDOW_DAYS === undefined ? DEFAULT_REFRESH_WINDOW_DAYS : Number(e.REFRESH_WINDOW_DAYS),
    webexCredentials: webexCredentials && Object.freeze(webexCredentials),
    digestKey: digestKey && Object.freeze(digestKey),
    stateMachineArn: e.STATE_MACHINE_ARN,
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    sfnEndpoint: e.SFN_ENDPOINT,
    awsRegion: e.AWS_REGION,
    logLevel: (e.LOG_LEVEL as ServiceConfig['logLevel'] | undefined) ?? 'info',
    jwtIssuer: e.JWT_ISSUER,
    consoleClientId: e.CONSOLE_CLIENT_ID,
    batchTableName: e.BATCH_TABLE_NAME,
    batchStateMachineArn: e.BATCH_STATE_MACHINE_ARN,
    batchStartRatePerSecond:
      e.BATCH_START_RATE_PER_SECOND === undefined ? undefined : Number(e.BATCH_START_RATE_PER_SECOND),
    webexStateTableName: e.WEBEX_STATE_TABLE_NAME,
    webexRateLimitPerSecond:
      e.WEBEX_RATE_LIMIT_PER_SECOND === undefined
        ? WEBEX_PACING.defaultRequestsPerSecond
        : Number(e.WEBEX_RATE_LIMIT_PER_SECOND),
  });
}

const NEED_VARIABLES: Record<ConfigNeed, (c: ServiceConfig) => string | undefined> = {
  audit: (c) => (c.auditTableName === undefined ? 'AUDIT_TABLE_NAME' : undefined),
  webex: (c) =>
    c.webexCredentials === undefined
      ? 'PARTNER_TOKEN_SECRET_ID (or WEBEX_REFRESH_TOKEN + WEBEX_CLIENT_ID + WEBEX_CLIENT_SECRET)'
      : undefined,
  digest: (c) => (c.digestKey === undefined ? 'AUDIT_DIGEST_SECRET_ID (or AUDIT_DIGEST_KEY)' : undefined),
  tracker: (c) => (c.stateMachineArn === undefined ? 'STATE_MACHINE_ARN' : undefined),
  console: (c) =>
    c.jwtIssuer === undefined || c.consoleClientId === undefined
      ? [c.jwtIssuer === undefined ? 'JWT_ISSUER' : '', c.consoleClientId === undefined ? 'CONSOLE_CLIENT_ID' : '']
          .filter((name) => name !== '')
          .join(', ')
      : undefined,
  batches: (c) => (c.batchTableName === undefined ? 'BATCH_TABLE_NAME' : undefined),
  batchRunner: (c) => (c.batchStateMachineArn === undefined ? 'BATCH_STATE_MACHINE_ARN' : undefined),
  webexState: (c) => (c.webexStateTableName === undefined ? 'WEBEX_STATE_TABLE_NAME' : undefined),
  partnerToken: (c) => (c.webexCredentials?.kind === 'secret' ? undefined : 'PARTNER_TOKEN_SECRET_ID'),
};

/** Check that every variable the caller needs is present; one ConfigurationError names all missing ones. */
export function requireConfig(config: ServiceConfig, needs: readonly ConfigNeed[]): ServiceConfig {
  const missing = needs.map((need) => NEED_VARIABLES[need](config)).filter((v): v is string => v !== undefined);
  if (missing.length > 0) throw configurationError(missing.map((name) => `${name} is not set`));
  return config;
}

function configurationError(problems: readonly string[]): ConfigurationError {
  return new ConfigurationError(
    `Invalid configuration: ${problems.join('; ')}`,
    problems.map((description) => ({ description })),
  );
}
