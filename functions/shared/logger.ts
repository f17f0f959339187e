/**
 * Structured JSON logs through Powertools for AWS Lambda's Logger, with personal data and secrets redacted.
 *
 * Every line has Powertools' keys (`level`, in lower case: info, warn…; `message`, `timestamp`, `service`, and in Lambda `cold_start`,
 * `function_name`, `function_request_id`, `xray_trace_id`…: `injectLambdaContext` in the API pipeline, `addContext` in
 * the other handlers) and a `correlation_id`: the caller's TrackingID on API requests, else the orderId (workflow
 * tasks); both are also logged under their own names.
 *
 * Redaction is the log formatter's (`RedactingLogFormatter`): keys named like a credential or a personal field are
 * replaced by `[REDACTED]` at any depth, and string values are scrubbed of anything that looks like a bearer token, a
 * JWT, an email address or a phone number. `LOG_LEVEL` (or `POWERTOOLS_LOG_LEVEL`) picks the threshold (debug, info,
 * warn, error; default info), `silent` mutes. Lines go to stdout (debug, info) and stderr (warn, error), as Powertools
 * writes them; CloudWatch in Lambda keeps both.
 *
 * `Logger` is what callers use: `info(message, fields)`, `child(fields)`. A child shares its Powertools logger (and so
 * the Lambda context) and adds its fields to every line it writes.
 */
import { LogFormatter, LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { PERSONAL_FIELDS } from '../domain/contract/rules';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const SECRET_KEY = /(authorization|token|secret|password|credential|cookie|api[-_]?key|refresh)/i;
const PERSONAL_KEYS = new Set<string>([...PERSONAL_FIELDS, 'name', 'phone', 'displayName']);
/** Keys whose values are identifiers or timestamps we (or Powertools) emit: kept as they are so logs stay correlatable. */
const SAFE_KEYS = new Set<string>([
  'time',
  'at',
  'timestamp',
  'trackingId',
  'webexTrackingId',
  'requestId',
  'subscriberId',
  'orderId',
  'correlation_id',
  'function_request_id',
  'function_arn',
  'xray_trace_id',
]);

const SCRUBBERS: ReadonlyArray<[RegExp, string]> = [
  [/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [REDACTED]'],
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[REDACTED_JWT]'],
  [/[^\s@"'<>,;:()[\]]+@[^\s@"'<>,;:()[\]]+\.[A-Za-z]{2,}/g, '[REDACTED_EMAIL]'],
  [/(?<![\w.:-])\+?\d{1,3}[\s.-]?\(?\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?![\w:-])/g, '[REDACTED_PHONE]'],
];

export function scrubString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of SCRUBBERS) out = out.replace(pattern, replacement);
  return out;
}

/** Deep copy of `value` with secrets and personal data removed. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[TRUNCATED]';
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    // An error's own `name` is its class name, not a person's: keep it (and the scrubbed message) after the own props.
    return { ...(redact({ ...value }, depth + 1) as object), name: value.name, message: scrubString(value.message) };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_KEY.test(key) || PERSONAL_KEYS.has(key)) out[key] = '[REDACTED]';
    else if (SAFE_KEYS.has(key) && (typeof v === 'string' || typeof v === 'number')) out[key] = v;
    else out[key] = redact(v, depth + 1);
  }
  return out;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line (trackingId, operation…). */
  child(fields: Record<string, unknown>): Logger;
}

export type LogSink = (line: string) => void;

/** Powertools' standard keys (`level` in lower case), then the line's own attributes, the whole line redacted. */
export class RedactingLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    const line: LogAttributes = {
      // Lower case, as this service's log queries and metric filters have always read it.
      level: attributes.logLevel.toLowerCase(),
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: context?.coldStart,
      function_arn: context?.invokedFunctionArn,
      function_memory_size: context?.memoryLimitInMB,
      function_name: context?.functionName,
      function_request_id: context?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
      ...additionalLogAttributes,
    };
    return new LogItem({ attributes: redact(line) as LogAttributes });
  }
}

/** A Powertools logger that hands its lines to `sink` instead of the console (tests). */
class SinkLogger extends PowertoolsLogger {
  readonly #sink: LogSink;

  constructor(options: ConstructorParameters<typeof PowertoolsLogger>[0], sink: LogSink) {
    super(options);
    this.#sink = sink;
  }

  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    this.#sink(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }
}

const DEFAULT_SERVICE = 'webex-bw-provisioning';

class FieldsLogger implements Logger {
  readonly #powertools: PowertoolsLogger;
  readonly #fields: Record<string, unknown>;

  constructor(powertools: PowertoolsLogger, fields: Record<string, unknown>) {
    this.#powertools = powertools;
    this.#fields = fields;
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.#powertools.debug(message, this.#line(fields));
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.#powertools.info(message, this.#line(fields));
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.#powertools.warn(message, this.#line(fields));
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.#powertools.error(message, this.#line(fields));
  }
  child(fields: Record<string, unknown>): Logger {
    return new FieldsLogger(this.#powertools, { ...this.#fields, ...fields });
  }
  get powertools(): PowertoolsLogger {
    return this.#powertools;
  }

  #line(fields: Record<string, unknown> | undefined): Record<string, unknown> {
    const line = { ...this.#fields, ...fields };
    const correlationId = line.trackingId ?? line.orderId;
    if (correlationId !== undefined && line.correlation_id === undefined) line.correlation_id = correlationId;
    return line;
  }
}

/**
 * A logger with `base` on every line (`service` names the service; default SERVICE_NAME or webex-bw-provisioning).
 * `level` overrides LOG_LEVEL; `sink` receives each line instead of stdout/stderr (tests).
 */
export function createLogger(
  base: Record<string, unknown> = {},
  options: { level?: LogLevel | 'silent'; sink?: LogSink } = {},
): Logger {
  const { service, ...fields } = base;
  const level = options.level ?? process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'info';
  const powertoolsOptions = {
    serviceName: typeof service === 'string' ? service : (process.env.SERVICE_NAME ?? DEFAULT_SERVICE),
    logLevel: level.toUpperCase() as 'INFO',
    logFormatter: new RedactingLogFormatter(),
  };
  const powertools = options.sink
    ? new SinkLogger(powertoolsOptions, options.sink)
    : new PowertoolsLogger(powertoolsOptions);
  return new FieldsLogger(powertools, fields);
}

/** The Powertools logger behind a logger of `createLogger` (for `injectLambdaContext` and `addContext`). */
export function powertoolsOf(logger: Logger): PowertoolsLogger | undefined {
  return logger instanceof FieldsLogger ? logger.powertools : undefined;
}

/**
 * Put the Lambda context on `logger`'s lines (cold start, function name, request id): what `injectLambdaContext` does
 * in a middy pipeline, for the handlers outside one. A context without a function name (tests, local runs) adds
 * nothing.
 */
export function addLambdaContext(logger: Logger, context: unknown): void {
  const powertools = powertoolsOf(logger);
  if (!powertools || typeof context !== 'object' || context === null) return;
  if (typeof (context as { functionName?: unknown }).functionName !== 'string') return;
  powertools.addContext(context as Parameters<PowertoolsLogger['addContext']>[0]);
}

/** The process-wide logger; modules create children with their own context. */
export const logger = createLogger({ service: process.env.SERVICE_NAME ?? DEFAULT_SERVICE });
