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
 * | `WEBEX_BASE_URL` | Webex API base, default `https://webexapis.com/v1` |
 * | `PARTNER_TOKEN_SECRET_ID` | Secrets Manager secret with the partner tokens (AWS) — or: |
 * | `WEBEX_REFRESH_TOKEN` + `WEBEX_CLIENT_ID` + `WEBEX_CLIENT_SECRET` | refresh-grant credentials (local / non-AWS) (need `webex`) |
 * | `AUDIT_DIGEST_SECRET_ID` | Secrets Manager secret holding the audit digest key (AWS) — or: |
 * | `AUDIT_DIGEST_KEY` | the audit digest key itself, ≥ 32 characters (local) (need `digest`) |
 * | `STATE_MACHINE_ARN` | optional: follow API Provision/Update with a workflow execution (need `tracker`) |
 * | `POLL_QUEUE_URL` | the SQS queue of status polls (the status poller re-queues its next poll there) (need `poller`) |
 * | `DYNAMODB_ENDPOINT`, `SFN_ENDPOINT`, `SQS_ENDPOINT` | optional local endpoints |
 * | `AWS_REGION` | region (Lambda sets it) |
 * | `LOG_LEVEL` | debug, info, warn, error, silent (default info) |
 * | `JWT_ISSUER` | optional: the issuer API Gateway trusts, shown in the OpenAPI document's security scheme |
 */
import * as z from './domain/contract/zod';
import { ConfigurationError } from './domain/errors';

export const DEFAULT_WEBEX_BASE_URL = 'https://webexapis.com/v1';
export const MIN_DIGEST_KEY_LENGTH = 32;

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
  readonly webexBaseUrl: string;
  readonly webexCredentials: WebexCredentialsConfig | undefined;
  readonly digestKey: DigestKeyConfig | undefined;
  readonly stateMachineArn: string | undefined;
  readonly dynamodbEndpoint: string | undefined;
  readonly sfnEndpoint: string | undefined;
  readonly pollQueueUrl: string | undefined;
  readonly sqsEndpoint: string | undefined;
  readonly awsRegion: string | undefined;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly jwtIssuer: string | undefined;
}

/** What a function can need. */
export type ConfigNeed = 'audit' | 'webex' | 'digest' | 'tracker' | 'poller';

const optionalText = z.pipe(
  z.optional(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((v: string) => v.trim()),
      ),
      z.string().check(z.maxLength(2048, { error: 'must be at most 2048 characters' })),
    ),
  ),
  z.transform((v: string | undefined) => (v === '' ? undefined : v)),
);

const httpUrl = z.pipe(
  z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  z.transform((v: string) => v.replace(/\/+$/, '')),
);

/** An optional variable checked further once trimmed (empty counts as unset). */
const optionalTextThen = <S extends z.core.$ZodType<unknown, string>>(schema: S) =>
  z.pipe(optionalText, z.optional(schema));

const EnvSchema = z.object({
  AUDIT_TABLE_NAME: optionalTextThen(
    z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: 'must be a DynamoDB table name' })),
  ),
  WEBEX_BASE_URL: optionalTextThen(httpUrl),
  PARTNER_TOKEN_SECRET_ID: optionalText,
  WEBEX_REFRESH_TOKEN: optionalText,
  WEBEX_CLIENT_ID: optionalText,
  WEBEX_CLIENT_SECRET: optionalText,
  AUDIT_DIGEST_SECRET_ID: optionalText,
  AUDIT_DIGEST_KEY: optionalTextThen(
    z
      .string()
      .check(z.minLength(MIN_DIGEST_KEY_LENGTH, { error: `must be at least ${MIN_DIGEST_KEY_LENGTH} characters` })),
  ),
  STATE_MACHINE_ARN: optionalTextThen(
    z.string().check(
      z.regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/, {
        error: 'must be a Step Functions state machine ARN',
      }),
    ),
  ),
  DYNAMODB_ENDPOINT: optionalTextThen(httpUrl),
  SFN_ENDPOINT: optionalTextThen(httpUrl),
  SQS_ENDPOINT: optionalTextThen(httpUrl),
  POLL_QUEUE_URL: optionalTextThen(httpUrl),
  AWS_REGION: optionalTextThen(
    z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region like eu-west-1' })),
  ),
  JWT_ISSUER: optionalTextThen(httpUrl),
  LOG_LEVEL: optionalTextThen(
    z.enum(['debug', 'info', 'warn', 'error', 'silent'], { error: 'must be debug, info, warn, error or silent' }),
  ),
});

const REFRESH_GROUP = ['WEBEX_REFRESH_TOKEN', 'WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET'] as const;

/** Read and check the environment. Throws one ConfigurationError naming every bad variable (never its value). */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServiceConfig {
  const problems: string[] = [];
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')} ${issue.message}`);
    throw configurationError(problems);
  }
  const e = parsed.data;

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
    webexBaseUrl: e.WEBEX_BASE_URL ?? DEFAULT_WEBEX_BASE_URL,
    webexCredentials: webexCredentials && Object.freeze(webexCredentials),
    digestKey: digestKey && Object.freeze(digestKey),
    stateMachineArn: e.STATE_MACHINE_ARN,
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    sfnEndpoint: e.SFN_ENDPOINT,
    pollQueueUrl: e.POLL_QUEUE_URL,
    sqsEndpoint: e.SQS_ENDPOINT,
    awsRegion: e.AWS_REGION,
    logLevel: e.LOG_LEVEL ?? 'info',
    jwtIssuer: e.JWT_ISSUER,
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
  poller: (c) => (c.pollQueueUrl === undefined ? 'POLL_QUEUE_URL' : undefined),
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
