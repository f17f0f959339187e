/**
 * Structured JSON logs with personal data and secrets redacted.
 *
 * Keys named like a credential or a personal field are replaced by `[REDACTED]` at any depth, and string values are
 * scrubbed of anything that looks like a bearer token, a JWT, an email address or a phone number. Logs go to stdout
 * (CloudWatch in Lambda); `LOG_LEVEL` picks the threshold (debug, info, warn, error; default info), `silent` mutes.
 */
import { PERSONAL_FIELDS } from '../domain/contract/rules';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

const SECRET_KEY = /(authorization|token|secret|password|credential|cookie|api[-_]?key|refresh)/i;
const PERSONAL_KEYS = new Set<string>([...PERSONAL_FIELDS, 'name', 'phone', 'displayName']);
/** Keys whose values are identifiers or timestamps we emit ourselves: kept as they are so logs stay correlatable. */
const SAFE_KEYS = new Set<string>([
  'time',
  'at',
  'trackingId',
  'webexTrackingId',
  'requestId',
  'subscriberId',
  'orderId',
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

export function createLogger(
  base: Record<string, unknown> = {},
  options: { level?: LogLevel | 'silent'; sink?: LogSink } = {},
): Logger {
  const threshold = LEVELS[options.level ?? (process.env.LOG_LEVEL as LogLevel | 'silent' | undefined) ?? 'info'] ?? 20;
  const sink = options.sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < threshold) return;
    const entry = { level, time: new Date().toISOString(), message: scrubString(message), ...base, ...fields };
    sink(JSON.stringify(redact(entry)));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ ...base, ...fields }, options),
  };
}

/** The process-wide logger; modules create children with their own context. */
export const logger = createLogger({ service: process.env.SERVICE_NAME ?? 'webex-bw-provisioning' });
