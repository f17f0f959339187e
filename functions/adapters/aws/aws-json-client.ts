/**
 * One AWS service API in the AWS JSON protocol (1.0 or 1.1): `POST /` with `X-Amz-Target: <prefix>.<Operation>` and a
 * JSON body, signed with SigV4. It is built from the SDK parts every Lambda bundle already carries for the DynamoDB
 * client: the default credential provider chain, `@smithy/signature-v4` with the SDK's SHA-256, the SDK's Node HTTP
 * handler (keep-alive) and the partition table that gives the endpoint's DNS suffix. The functions that make one or two
 * calls of a service use it instead of that service's generated client (14–24 KB of bundle each, which cold start pays):
 * `GetSecretValue` (Secrets Manager, JSON 1.1), `SendMessage` (SQS, JSON 1.0) and the task-token callbacks (Step
 * Functions, JSON 1.0). The wire format of each call is held against the SDK client's own in the tests.
 *
 * What it does itself, as the SDK clients do: retries throttling (`ThrottlingException` & co., 429), 5xx, timeouts and
 * transport errors with capped exponential backoff and full jitter (3 attempts, base 100 ms or 500 ms when throttled,
 * cap 20 s, the SDK's standard values); bounds each attempt with a timeout (3 s by default; the SDK clients have none);
 * names AWS's error type on `AwsRequestError` / `AwsUnavailableError`.
 * What it does not do: FIPS or dual-stack endpoints, clock-skew correction, adaptive retry (docs/ARCHITECTURE.md,
 * "Cold start"). No error carries AWS's message or a request's content: only the error type and the HTTP status.
 */
import { partition } from '@aws-sdk/core/client';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/transport';
import { NodeHttpHandler, streamCollector } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { AWS_REGION_PATTERN } from '../../config';
import { ConfigurationError } from '../../domain/errors';
import { type Clock, systemClock } from '../../domain/ports/clock';

export type SigningCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

/** What names one AWS JSON service. */
export interface AwsJsonService {
  /** The service's display name in errors, e.g. `Secrets Manager`. */
  title: string;
  /** The SigV4 signing name and endpoint prefix, e.g. `secretsmanager`, `sqs`, `states`. */
  signingName: string;
  /** The `X-Amz-Target` prefix, e.g. `secretsmanager`, `AmazonSQS`, `AWSStepFunctions`. */
  targetPrefix: string;
  /** The protocol version: `application/x-amz-json-<version>`. */
  jsonVersion: '1.0' | '1.1';
}

export interface AwsJsonClientOptions {
  /** The region of the service (configuration: `AWS_REGION`, which Lambda sets). */
  region: string;
  /** Default `https://<signingName>.<region>.<partition DNS suffix>`; the local runtime and tests point it elsewhere. */
  endpoint?: string;
  /** Default: the SDK's default credential provider chain (in Lambda, the function role's credentials). */
  credentials?: SigningCredentials;
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** Timeout of one attempt, response body included (ms). Default 3 000. */
  attemptTimeoutMs?: number;
  /** Backoff base after a 5xx, a timeout or a transport error (ms). Default 100. */
  baseDelayMs?: number;
  /** Backoff base after throttling (ms). Default 500. */
  throttlingBaseDelayMs?: number;
  /** Longest single backoff (ms). Default 20 000. */
  maxDelayMs?: number;
  /** Waits and timeouts run on this clock (tests: a fake one). */
  clock?: Clock;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

/** An AWS service answered with an error that retrying will not fix (access denied, no such resource…). */
export class AwsRequestError extends Error {
  override name = 'AwsRequestError';
  /** AWS's error type without its namespace, e.g. `AccessDeniedException` (never the message, which may name resources). */
  readonly code: string;
  /** The HTTP status, when the service answered. */
  readonly status: number | undefined;

  constructor(service: string, code: string, status: number | undefined, message?: string) {
    super(message ?? `${service} refused the request: ${code}${status === undefined ? '' : ` (HTTP ${status})`}.`);
    this.code = code;
    this.status = status;
  }
}

/** An AWS service could not be reached, throttled or failed (5xx) on every attempt, or timed out. */
export class AwsUnavailableError extends AwsRequestError {
  override name = 'AwsUnavailableError';
  readonly attempts: number;

  constructor(service: string, code: string, status: number | undefined, attempts: number, cause?: unknown) {
    super(
      service,
      code,
      status,
      `${service} is unavailable: ${code}${status === undefined ? '' : ` (HTTP ${status})`} after ${attempts} attempt(s).`,
    );
    this.attempts = attempts;
    if (cause !== undefined) this.cause = cause;
  }
}

/** AWS error types that mean "slow down" (the SDK's list, the ones an AWS JSON service can answer). */
const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'BandwidthLimitExceeded',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

/** AWS error types worth another attempt although they are not throttling. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['RequestTimeout', 'RequestTimeoutException']);

const ERROR_CODE_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{0,99}$/;

type AttemptOutcome =
  | { kind: 'answer'; body: Record<string, unknown> }
  | { kind: 'retry'; code: string; status: number | undefined; throttled: boolean; cause?: unknown };

export class AwsJsonClient {
  readonly #service: AwsJsonService;
  readonly #url: URL;
  readonly #signer: SignatureV4;
  readonly #http: NodeHttpHandler;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #maxAttempts: number;
  readonly #attemptTimeoutMs: number;
  readonly #baseDelayMs: number;
  readonly #throttlingBaseDelayMs: number;
  readonly #maxDelayMs: number;

  constructor(service: AwsJsonService, options: AwsJsonClientOptions) {
    this.#service = service;
    if (!AWS_REGION_PATTERN.test(options.region)) {
      throw new ConfigurationError(`${service.title} needs an AWS region like eu-west-1 (AWS_REGION).`);
    }
    this.#url = new URL(
      options.endpoint ?? `https://${service.signingName}.${options.region}.${partition(options.region).dnsSuffix}`,
    );
    if (this.#url.protocol !== 'https:' && this.#url.protocol !== 'http:') {
      throw new ConfigurationError(`The ${service.title} endpoint must be an http(s) URL.`);
    }
    this.#signer = new SignatureV4({
      service: service.signingName,
      region: options.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Sha256,
    });
    this.#http = new NodeHttpHandler();
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#maxAttempts = Math.max(1, Math.trunc(options.maxAttempts ?? 3));
    this.#attemptTimeoutMs = options.attemptTimeoutMs ?? 3_000;
    this.#baseDelayMs = options.baseDelayMs ?? 100;
    this.#throttlingBaseDelayMs = options.throttlingBaseDelayMs ?? 500;
    this.#maxDelayMs = options.maxDelayMs ?? 20_000;
  }

  /**
   * Call `operation` with `input` and return the answer's JSON object (`{}` for an operation without output). Throws
   * `AwsRequestError` for an error answer that retrying will not fix, `AwsUnavailableError` once the attempts are used
   * up; signing errors (no credentials) propagate as the provider chain threw them.
   */
  async call(operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(operation, body);
      if (outcome.kind === 'answer') return outcome.body;
      if (attempt >= this.#maxAttempts) {
        throw new AwsUnavailableError(this.#service.title, outcome.code, outcome.status, attempt, outcome.cause);
      }
      const base = outcome.throttled ? this.#throttlingBaseDelayMs : this.#baseDelayMs;
      const ceiling = Math.min(this.#maxDelayMs, base * 2 ** (attempt - 1));
      await this.#clock.sleep(Math.floor(Math.min(Math.max(this.#random(), 0), 1) * ceiling));
    }
  }

  /** The URL requests go to. */
  get endpoint(): string {
    return this.#url.href;
  }

  /** Close the kept-alive connections (tests, and the composition roots' reset). */
  destroy(): void {
    this.#http.destroy();
  }

  /** One signed request and its whole answer, bounded by the attempt timeout on the clock. */
  async #attempt(operation: string, body: string): Promise<AttemptOutcome> {
    const abort = new AbortController();
    const stopTimer = new AbortController();
    const timedOut = this.#clock.sleep(this.#attemptTimeoutMs, stopTimer.signal).then(
      (): AttemptOutcome => {
        abort.abort(new Error(`attempt timed out after ${this.#attemptTimeoutMs} ms`));
        return { kind: 'retry', code: 'TimeoutError', status: undefined, throttled: false };
      },
      // The attempt ended first and cancelled the timer: this branch never wins the race.
      () => new Promise<AttemptOutcome>(() => {}),
    );
    const exchange = this.#exchange(operation, body, abort.signal);
    // When the timeout wins, a late failure of the abandoned exchange is not news.
    exchange.catch(() => {});
    try {
      return await Promise.race([exchange, timedOut]);
    } finally {
      stopTimer.abort();
    }
  }

  async #exchange(operation: string, body: string, signal: AbortSignal): Promise<AttemptOutcome> {
    const request = await this.#signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: this.#url.protocol,
        hostname: this.#url.hostname,
        ...(this.#url.port === '' ? {} : { port: Number(this.#url.port) }),
        path: '/',
        headers: {
          host: this.#url.host,
          'content-type': `application/x-amz-json-${this.#service.jsonVersion}`,
          'x-amz-target': `${this.#service.targetPrefix}.${operation}`,
        },
        body,
      }),
      { signingDate: new Date(this.#clock.now()) },
    );
    let status: number;
    let headers: Record<string, string>;
    let text: string;
    try {
      const { response } = await this.#http.handle(request as HttpRequest, { abortSignal: signal });
      status = response.statusCode;
      headers = response.headers;
      text = Buffer.from(await streamCollector(response.body)).toString('utf8');
    } catch (error) {
      if (signal.aborted) return { kind: 'retry', code: 'TimeoutError', status: undefined, throttled: false };
      return { kind: 'retry', code: transportCode(error), status: undefined, throttled: false, cause: error };
    }
    if (status >= 200 && status < 300) return { kind: 'answer', body: this.#jsonObjectOf(operation, text, status) };
    const code = errorCodeOf(headers, text, status);
    const throttled = status === 429 || THROTTLING_CODES.has(code);
    if (throttled || status >= 500 || TRANSIENT_CODES.has(code)) return { kind: 'retry', code, status, throttled };
    throw new AwsRequestError(this.#service.title, code, status);
  }

  /** A success answer's JSON object (`{}` for an operation without output); anything else is refused. */
  #jsonObjectOf(operation: string, text: string, status: number): Record<string, unknown> {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new AwsRequestError(
        this.#service.title,
        'InvalidResponse',
        status,
        `${this.#service.title} answered ${operation} with no JSON object.`,
      );
    }
    return body as Record<string, unknown>;
  }
}

/**
 * AWS's error type of a failed answer: the `x-amzn-errortype` header or the body's `__type` / `code`, without its
 * namespace (`com.amazonaws.secretsmanager#`) or its URL suffix (`:http://internal.amazon.com/…`). AWS's message is
 * not read: it is not needed, and an error type is all an error or a log line may carry.
 */
function errorCodeOf(headers: Record<string, string>, text: string, status: number): string {
  let raw: unknown = headers['x-amzn-errortype'];
  if (typeof raw !== 'string' || raw === '') {
    try {
      const body = JSON.parse(text) as { __type?: unknown; code?: unknown; Code?: unknown } | null;
      raw = body?.__type ?? body?.code ?? body?.Code;
    } catch {
      raw = undefined;
    }
  }
  const code = typeof raw === 'string' ? (raw.split(':')[0]?.split('#').pop() ?? '') : '';
  if (ERROR_CODE_PATTERN.test(code)) return code;
  return status >= 500 ? 'ServiceUnavailable' : `HTTP${status}`;
}

/** A transport error's code (ECONNRESET, ECONNREFUSED…), never its message. */
function transportCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && ERROR_CODE_PATTERN.test(code)) return code;
  const name = error instanceof Error ? error.name : '';
  return ERROR_CODE_PATTERN.test(name) ? name : 'NetworkError';
}
