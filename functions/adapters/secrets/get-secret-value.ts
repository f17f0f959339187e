/**
 * Secrets Manager `GetSecretValue`, and nothing else, as one signed HTTPS request in the AWS JSON 1.1 protocol
 * (`POST /`, `X-Amz-Target: secretsmanager.GetSecretValue`, body `{"SecretId": …}`), built from the SDK parts that every
 * Lambda bundle already carries for the DynamoDB client: the default credential provider chain, SigV4
 * (`@smithy/signature-v4` with the SDK's SHA-256), the SDK's Node HTTP handler (keep-alive) and the partition table that
 * gives the endpoint's DNS suffix. It replaces `@aws-sdk/client-secrets-manager` (14 KB of generated client per bundle)
 * in the functions that only READ secrets (partner token, audit digest key); the scheduled token refresh, which also
 * writes the secret, keeps the SDK client (`sdk-secrets.ts`).
 *
 * What it does itself, as the SDK client did: retries throttling (`ThrottlingException` & co., 429), 5xx, timeouts and
 * transport errors with capped exponential backoff and full jitter (3 attempts, base 100 ms or 500 ms when throttled,
 * cap 20 s, the SDK's standard values); bounds each attempt with a timeout (3 s; the SDK client had none); maps AWS's
 * error types to `SecretNotFoundError`, `SecretsManagerUnavailableError` and `SecretsManagerRequestError`.
 * What it does not do: FIPS or dual-stack endpoints, clock-skew correction, adaptive retry; a stack that needs them
 * uses `sdk-secrets.ts` (docs/ARCHITECTURE.md, "Secrets Manager"). No secret value reaches a log or an error: errors
 * carry AWS's error type and the HTTP status only.
 */
import { partition } from '@aws-sdk/core/client';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/transport';
import { NodeHttpHandler, streamCollector } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { ConfigurationError } from '../../domain/errors';
import { type Clock, systemClock } from '../../domain/ports/clock';
import {
  SecretNotFoundError,
  SecretsManagerRequestError,
  SecretsManagerUnavailableError,
  type SecretValueReader,
} from './secret-value';

type SigningCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface GetSecretValueReaderOptions {
  /** The region of the secrets (configuration: `AWS_REGION`, which Lambda sets). */
  region: string;
  /** Default `https://secretsmanager.<region>.<partition DNS suffix>`; tests point it at a local fake. */
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

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ERROR_CODE_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{0,99}$/;

type AttemptOutcome =
  | { kind: 'value'; secretString: string | undefined }
  | { kind: 'retry'; code: string; status: number | undefined; throttled: boolean; cause?: unknown };

export class GetSecretValueReader implements SecretValueReader {
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

  constructor(options: GetSecretValueReaderOptions) {
    if (!REGION_PATTERN.test(options.region)) {
      throw new ConfigurationError('Secrets Manager needs an AWS region like eu-west-1 (AWS_REGION).');
    }
    this.#url = new URL(
      options.endpoint ?? `https://secretsmanager.${options.region}.${partition(options.region).dnsSuffix}`,
    );
    if (this.#url.protocol !== 'https:' && this.#url.protocol !== 'http:') {
      throw new ConfigurationError('The Secrets Manager endpoint must be an http(s) URL.');
    }
    this.#signer = new SignatureV4({
      service: 'secretsmanager',
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

  async readSecretString(secretId: string): Promise<string | undefined> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(secretId);
      if (outcome.kind === 'value') return outcome.secretString;
      if (attempt >= this.#maxAttempts) {
        throw new SecretsManagerUnavailableError(outcome.code, outcome.status, attempt, outcome.cause);
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

  /** Close the kept-alive connections (tests, and the composition root's reset). */
  destroy(): void {
    this.#http.destroy();
  }

  /** One signed request and its whole answer, bounded by the attempt timeout on the clock. */
  async #attempt(secretId: string): Promise<AttemptOutcome> {
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
    const exchange = this.#exchange(secretId, abort.signal);
    // When the timeout wins, a late failure of the abandoned exchange is not news.
    exchange.catch(() => {});
    try {
      return await Promise.race([exchange, timedOut]);
    } finally {
      stopTimer.abort();
    }
  }

  async #exchange(secretId: string, signal: AbortSignal): Promise<AttemptOutcome> {
    // Signing errors (no credentials) are not Secrets Manager's: they propagate as the provider chain threw them.
    const request = await this.#signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: this.#url.protocol,
        hostname: this.#url.hostname,
        ...(this.#url.port === '' ? {} : { port: Number(this.#url.port) }),
        path: '/',
        headers: {
          host: this.#url.host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'secretsmanager.GetSecretValue',
        },
        body: JSON.stringify({ SecretId: secretId }),
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
    if (status === 200) return { kind: 'value', secretString: secretStringOf(text) };
    const code = errorCodeOf(headers, text, status);
    const throttled = status === 429 || THROTTLING_CODES.has(code);
    if (throttled || status >= 500 || TRANSIENT_CODES.has(code)) return { kind: 'retry', code, status, throttled };
    if (code === 'ResourceNotFoundException') throw new SecretNotFoundError(status);
    throw new SecretsManagerRequestError(code, status);
  }
}

/** The `SecretString` of a GetSecretValue answer; `undefined` for a binary-only secret. */
function secretStringOf(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SecretsManagerRequestError(
      'InvalidResponse',
      200,
      'Secrets Manager answered GetSecretValue with no JSON.',
    );
  }
  if (body === null || typeof body !== 'object') {
    throw new SecretsManagerRequestError(
      'InvalidResponse',
      200,
      'Secrets Manager answered GetSecretValue with no JSON.',
    );
  }
  const value = (body as { SecretString?: unknown }).SecretString;
  return typeof value === 'string' ? value : undefined;
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
