/**
 * The stack's deploy-time settings, read once from CDK context (`cdk.json` or `-c key=value`) and checked, so a bad value
 * fails the synth with a message naming it instead of deploying something half-configured.
 *
 * | context key | meaning | default |
 * |---|---|---|
 * | `jwtIssuer` | JWT authorizer issuer (https URL of the identity provider) | required |
 * | `jwtAudience` | JWT authorizer audience (one or several, comma separated) | required |
 * | `webexBaseUrl` | Webex API base URL | `https://webexapis.com/v1` |
 * | `throttleRateLimit` | API default stage: steady requests per second | 50 |
 * | `throttleBurstLimit` | API default stage: burst | 100 |
 * | `webexRateLimit` | our Webex calls per second, shared by every function (`WEBEX_RATE_LIMIT_PER_SECOND`) | `WEBEX_PACING.defaultRequestsPerSecond` (5) |
 * | `logRetentionDays` | retention of every log group (a CloudWatch retention value) | 90 |
 * | `auditRetentionDays` | days an audit record is kept before DynamoDB's TTL deletes it (1 to 36500) | 400 |
 * | `consoleClientId` | OAuth client id of the operator console (authorization code + PKCE at `jwtIssuer`) | `webex-bw-console` |
 * | `logLevel` | `LOG_LEVEL` of every function | `info` |
 * | `alarmEmail` | optional e-mail subscribed to the alarm topic | none |
 * | `runbookUrl` | where operators read `docs/RUNBOOK.md` (each alarm links its section) | `docs/RUNBOOK.md` |
 * | `batchStartRate` | orders a batch starts per second at most (`BATCH_START_RATE_PER_SECOND`) | 25 |
 * | `stackName` | the CloudFormation stack name | `WebexBwProvisioning` |
 * | `account`, `region` | target environment | the CLI's (`CDK_DEFAULT_*`), else environment-agnostic |
 * | `skipBundling` | `true`: do not run esbuild (fast synth for tests/CI checks; NOT deployable) | false |
 */
import type { Node } from 'constructs';
import { DEFAULT_AUDIT_RETENTION_DAYS } from '../functions/adapters/dynamodb/audit-table';
import { RULES, WEBEX_PACING } from '../functions/domain/contract/rules';

export interface StackConfig {
  readonly jwtIssuer: string;
  readonly jwtAudience: readonly string[];
  readonly webexBaseUrl: string;
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  /** Requests per second to Webex for the whole deployment. */
  readonly webexRateLimit: number;
  readonly logRetentionDays: number;
  readonly auditRetentionDays: number;
  readonly consoleClientId: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly alarmEmail: string | undefined;
  readonly runbookUrl: string | undefined;
  readonly batchStartRate: number;
}

export const DEFAULT_STACK_NAME = 'WebexBwProvisioning';

export const STACK_CONFIG_DEFAULTS = {
  webexBaseUrl: 'https://webexapis.com/v1',
  throttleRateLimit: 50,
  throttleBurstLimit: 100,
  logRetentionDays: 90,
  auditRetentionDays: DEFAULT_AUDIT_RETENTION_DAYS,
  consoleClientId: 'webex-bw-console',
  logLevel: 'info',
  batchStartRate: RULES.defaultBatchStartRatePerSecond,
} as const;

/** The retention values CloudWatch Logs accepts (days). */
export const LOG_RETENTION_VALUES = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export class StackConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid CDK context: ${problems.join('; ')}`);
    this.name = 'StackConfigError';
  }
}

/** Reads raw context values (strings from `-c`, or JSON values from cdk.json) into a checked StackConfig. */
export function parseStackConfig(context: Record<string, unknown>): StackConfig {
  const problems: string[] = [];
  const text = (key: string): string | undefined => {
    const value = context[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') {
      problems.push(`${key} must be a string`);
      return undefined;
    }
    const trimmed = String(value).trim();
    return trimmed === '' ? undefined : trimmed;
  };
  const integer = (key: string, fallback: number, min: number, max: number): number => {
    const raw = text(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const httpsUrl = (key: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      problems.push(`${key} must be an https URL`);
      return undefined;
    }
    if (url.protocol !== 'https:') problems.push(`${key} must be an https URL`);
    return value;
  };

  const jwtIssuer = httpsUrl('jwtIssuer', text('jwtIssuer'));
  if (jwtIssuer === undefined && !problems.some((p) => p.startsWith('jwtIssuer'))) {
    problems.push('jwtIssuer is required (the https issuer URL of your identity provider)');
  }
  const jwtAudience = (text('jwtAudience') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  if (jwtAudience.length === 0) problems.push('jwtAudience is required (the audience your tokens are issued for)');

  const webexBaseUrl = (httpsUrl('webexBaseUrl', text('webexBaseUrl')) ?? STACK_CONFIG_DEFAULTS.webexBaseUrl).replace(
    /\/+$/,
    '',
  );

  const throttleRateLimit = integer('throttleRateLimit', STACK_CONFIG_DEFAULTS.throttleRateLimit, 1, 10_000);
  const throttleBurstLimit = integer('throttleBurstLimit', STACK_CONFIG_DEFAULTS.throttleBurstLimit, 1, 5_000);

  let webexRateLimit: number = WEBEX_PACING.defaultRequestsPerSecond;
  const rawRate = text('webexRateLimit');
  if (rawRate !== undefined) {
    const value = Number(rawRate);
    if (!/^\d{1,5}(\.\d{1,3})?$/.test(rawRate) || !(value > 0)) {
      problems.push('webexRateLimit must be a positive number of requests per second (at most 99999, 3 decimals)');
    } else {
      webexRateLimit = value;
    }
  }

  const logRetentionDays = integer('logRetentionDays', STACK_CONFIG_DEFAULTS.logRetentionDays, 1, 3653);
  if (!(LOG_RETENTION_VALUES as readonly number[]).includes(logRetentionDays)) {
    problems.push(`logRetentionDays must be one of ${LOG_RETENTION_VALUES.join(', ')}`);
  }

  const auditRetentionDays = integer('auditRetentionDays', STACK_CONFIG_DEFAULTS.auditRetentionDays, 1, 36_500);
  const consoleClientId = text('consoleClientId') ?? STACK_CONFIG_DEFAULTS.consoleClientId;
  if (!/^[\x21-\x7e]{1,255}$/.test(consoleClientId)) {
    problems.push('consoleClientId must be 1 to 255 printable characters without spaces');
  }

  const logLevelRaw = text('logLevel') ?? STACK_CONFIG_DEFAULTS.logLevel;
  const logLevel = (LOG_LEVELS as readonly string[]).includes(logLevelRaw)
    ? (logLevelRaw as StackConfig['logLevel'])
    : undefined;
  if (logLevel === undefined) problems.push(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);

  const batchStartRate = integer('batchStartRate', STACK_CONFIG_DEFAULTS.batchStartRate, 1, 1000);

  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    problems.push('alarmEmail must be an e-mail address');
  }

  const runbookUrl = httpsUrl('runbookUrl', text('runbookUrl'));

  if (problems.length > 0) throw new StackConfigError(problems);
  return Object.freeze({
    jwtIssuer: jwtIssuer as string,
    jwtAudience: Object.freeze(jwtAudience),
    webexBaseUrl,
    throttleRateLimit,
    throttleBurstLimit,
    webexRateLimit,
    logRetentionDays,
    auditRetentionDays,
    consoleClientId,
    logLevel: logLevel as StackConfig['logLevel'],
    alarmEmail,
    runbookUrl,
    batchStartRate,
  });
}

const CONTEXT_KEYS = [
  'jwtIssuer',
  'jwtAudience',
  'webexBaseUrl',
  'throttleRateLimit',
  'throttleBurstLimit',
  'webexRateLimit',
  'logRetentionDays',
  'auditRetentionDays',
  'consoleClientId',
  'logLevel',
  'alarmEmail',
  'runbookUrl',
  'batchStartRate',
] as const;

/** Reads the StackConfig from a construct node's context. */
export function readStackConfig(node: Node): StackConfig {
  const context: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) context[key] = node.tryGetContext(key);
  return parseStackConfig(context);
}
