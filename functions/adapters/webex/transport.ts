/**
 * How the Webex client calls Webex over HTTP: one exchange per attempt, and the retry loop around it.
 *
 * Reliability rules (each one decided here and nowhere else):
 * - 429 and 423 wait exactly `Retry-After` seconds (whole seconds or an HTTP-date; 5 s when absent) and retry; with
 *   `onThrottle: 'throw'` the wait is handed back at once as `UpstreamThrottledError`.
 * - 502, 503, 504, per-attempt timeouts and transport failures (connection reset or refused: fetch's `TypeError`) are
 *   retried with capped exponential backoff and full jitter (a 5xx that carries `Retry-After` waits that long instead).
 *   Every operation is retried on these, including the non-idempotent Provision POST: a Provision whose answer was lost
 *   may have been applied, and its retry then gets 409 — which the workflow resolves by adopting the existing
 *   subscriber that matches the order. Resend consent may, in the same rare case, send the email twice.
 * - 500 is a server error that says nothing about whether the call took effect: it is retried only for calls that are
 *   safe to repeat (List, Get, Update — a PUT —, Remove, Precheck). For Provision and Resend consent it is surfaced at
 *   once. Either way Webex's last 500 is surfaced as it is: `UpstreamError` with status 500 and Webex's error items and
 *   trackingId, which the API passes through (CONTRACT.md, 2026-12-04). 502/503/504 are ours for "Webex could not be
 *   reached" (`UpstreamUnavailableError`).
 * - 401 once: the credentials provider is asked to forget the token (`invalidate()`) and the call is repeated once.
 * - Any other 4xx is never retried: `UpstreamError` with Webex's status, error items and trackingId.
 * - No wait ever ends at or after the deadline (`options.deadline`, else now + `defaultDeadlineMs`): the call stops and
 *   throws instead — `UpstreamThrottledError` for 429/423 (with `retryAfterSeconds`), else `UpstreamUnavailableError`
 *   with status 503 for a 503, 504 for timeouts (ours or Webex's 504) and 502 otherwise. Each attempt's timeout is also
 *   capped by the time left. All waiting (backoff and attempt timeouts) runs on the injected Clock.
 * - Pacing (`call-pacing.ts`, rules `WEBEX_PACING`): with a pacer, every attempt first takes a token of its lane (`priority`
 *   for callers that wait, `bulk` for those that hand waits back). A caller that waits sleeps until its slot (at most
 *   `priorityMaxWaitMs`, never past the deadline), else gets `UpstreamThrottledError` (status 429, our API's 429 with
 *   Retry-After). A caller that throws gets it with `slotAt`, the slot reserved for it, unless the slot is at most
 *   `taskInlineWaitMs` away; handing `slotAt` back as `paidSlotAt` makes the first attempt go without another token.
 *   A 429 parks the pacer until Retry-After. A pacer that fails is logged and skipped: Webex's own 429 still holds.
 */
import { RULES } from '../../domain/contract/rules';
import { ConfigurationError, type UpstreamError, UpstreamUnavailableError } from '../../domain/errors';
import { type Clock, systemClock } from '../../domain/ports/clock';
import type { WebexAccess, WebexCredentialsProvider } from '../../domain/ports/token';
import type { WebexCallOptions } from '../../domain/ports/webex';
import { type Logger, logger as rootLogger } from '../../shared/logger';
import { errorFromResponse } from './answers';
import { type Pacing, paceAttempt, parkPacer } from './call-pacing';
import type { AttemptOutcome, RawResponse, RequestSpec, WebexAttemptRecord } from './exchange';
import { parseRetryAfterSeconds } from './headers';
import type { WebexPacer } from './pacing';

export interface WebexHttpClientOptions {
  credentials: WebexCredentialsProvider;
  clock?: Clock;
  fetch?: typeof fetch;
  /** Longest single attempt, response body included (ms). Default 10 000. */
  attemptTimeoutMs?: number;
  /** Most attempts per call, the first included (a 401 token refresh does not count). Default 5. */
  maxAttempts?: number;
  /** Capped exponential backoff with full jitter for 5xx, timeouts and transport failures. Default 200 / 5 000 ms. */
  backoff?: { baseMs: number; capMs: number };
  /** Deadline for a call that gives none (ms from its start). Default 25 000. */
  defaultDeadlineMs?: number;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number;
  logger?: Logger;
  /** Told of every attempt, retries included (the composition root records the Webex call metrics with it). */
  onAttempt?: (attempt: WebexAttemptRecord) => void;
  /** The shared pacing of Webex calls; none = no pacing (Webex's own 429s only). */
  pacer?: WebexPacer | undefined;
}

const USER_AGENT = 'webex-bw-provisioning';
const TRACKING_ID_MAX = 200;

/** Runs one Webex call (every attempt of it) under the reliability rules above. */
export class WebexTransport {
  private readonly credentials: WebexCredentialsProvider;
  private readonly clock: Clock;
  private readonly fetchImpl: typeof fetch;
  private readonly attemptTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoff: { baseMs: number; capMs: number };
  private readonly defaultDeadlineMs: number;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly onAttempt: ((attempt: WebexAttemptRecord) => void) | undefined;
  private readonly pacing: Pacing;

  constructor(options: WebexHttpClientOptions) {
    this.credentials = options.credentials;
    this.clock = options.clock ?? systemClock;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.attemptTimeoutMs = positive(options.attemptTimeoutMs ?? 10_000, 'attemptTimeoutMs');
    this.maxAttempts = Math.max(1, Math.floor(positive(options.maxAttempts ?? 5, 'maxAttempts')));
    this.backoff = options.backoff ?? { baseMs: 200, capMs: 5_000 };
    if (!(this.backoff.baseMs >= 0) || !(this.backoff.capMs >= 0)) {
      throw new ConfigurationError('backoff.baseMs and backoff.capMs must be zero or more');
    }
    this.defaultDeadlineMs = positive(options.defaultDeadlineMs ?? 25_000, 'defaultDeadlineMs');
    this.random = options.random ?? Math.random;
    this.log = (options.logger ?? rootLogger).child({ component: 'webex-client' });
    this.onAttempt = options.onAttempt;
    this.pacing = { pacer: options.pacer, clock: this.clock };
  }

  /** Run one call with retries; resolves with a 2xx response or throws a named upstream error. */
  async execute(spec: RequestSpec, options: WebexCallOptions): Promise<RawResponse> {
    const deadline = options.deadline ?? this.clock.now() + this.defaultDeadlineMs;
    const onThrottle = options.onThrottle ?? 'wait';
    const log = this.log.child({ operation: spec.operation, trackingId: options.trackingId });
    let attempts = 0;
    let sent = 0;
    let backoffRetries = 0;
    let tokenRefreshed = false;
    let lastFailure: UpstreamError | undefined;

    for (;;) {
      const remaining = deadline - this.clock.now();
      if (remaining <= 0) {
        throw (
          lastFailure ??
          new UpstreamUnavailableError(`The deadline for ${spec.operation} passed before Webex was called.`, {
            status: 504,
          })
        );
      }
      const access = await this.credentials.getAccess();
      await paceAttempt(this.pacing, options, deadline, sent === 0, log);
      attempts += 1;
      sent += 1;
      const attemptStarted = performance.now();
      const outcome = await this.attempt(
        spec,
        access,
        trackingHeader(options.trackingId, sent),
        Math.min(this.attemptTimeoutMs, remaining),
      );
      this.onAttempt?.({
        operation: spec.operation,
        status:
          outcome.kind === 'response' ? outcome.response.status : outcome.kind === 'timeout' ? 'timeout' : 'network',
        latencyMs: performance.now() - attemptStarted,
      });

      let failure: UpstreamError;
      let waitMs: number;
      if (outcome.kind === 'response') {
        const { response } = outcome;
        const { status } = response;
        if (status >= 200 && status < 300) {
          log.debug('webex call succeeded', { status, attempts: sent, webexTrackingId: response.webexTrackingId });
          return response;
        }
        if (status === 401 && !tokenRefreshed) {
          tokenRefreshed = true;
          attempts -= 1;
          this.credentials.invalidate();
          log.warn('webex refused the access token; refreshing it and retrying once', {
            status,
            webexTrackingId: response.webexTrackingId,
          });
          continue;
        }
        if (status === 429 || status === 423) {
          const retryAfterSeconds =
            parseRetryAfterSeconds(
              response.headers.get('retry-after'),
              this.clock.now(),
              response.headers.get('date'),
            ) ?? RULES.defaultRetryAfterSeconds;
          failure = errorFromResponse(response, spec, { retryAfterSeconds });
          if (status === 429) await parkPacer(this.pacing, retryAfterSeconds, log);
          if (onThrottle === 'throw') throw failure;
          waitMs = retryAfterSeconds * 1000;
        } else if (isRetryableStatus(status, spec)) {
          failure = errorFromResponse(response, spec);
          const retryAfterSeconds = parseRetryAfterSeconds(
            response.headers.get('retry-after'),
            this.clock.now(),
            response.headers.get('date'),
          );
          backoffRetries += 1;
          waitMs = retryAfterSeconds === undefined ? this.backoffMs(backoffRetries) : retryAfterSeconds * 1000;
        } else {
          throw errorFromResponse(response, spec);
        }
      } else if (outcome.kind === 'timeout') {
        failure = new UpstreamUnavailableError(`Webex did not answer ${spec.operation} in time.`, { status: 504 });
        backoffRetries += 1;
        waitMs = this.backoffMs(backoffRetries);
      } else {
        failure = new UpstreamUnavailableError(`Webex could not be reached for ${spec.operation}.`, {
          status: 502,
          cause: outcome.error,
        });
        backoffRetries += 1;
        waitMs = this.backoffMs(backoffRetries);
      }
      lastFailure = failure;

      const failureFields = {
        attempts: sent,
        outcome: outcome.kind === 'response' ? outcome.response.status : outcome.kind,
        webexTrackingId: failure.webexTrackingId,
      };
      if (attempts >= this.maxAttempts) {
        log.warn('webex call failed; no attempts left', failureFields);
        throw failure;
      }
      if (this.clock.now() + waitMs >= deadline) {
        log.warn('webex call failed; the next wait would pass the deadline', { ...failureFields, waitMs });
        throw failure;
      }
      log.info('webex call failed; retrying', { ...failureFields, waitMs });
      await this.clock.sleep(waitMs);
    }
  }

  /** Capped exponential backoff with full jitter: uniform in [0, min(cap, base · 2^(retry-1))). */
  private backoffMs(retry: number): number {
    const ceiling = Math.min(this.backoff.capMs, this.backoff.baseMs * 2 ** (retry - 1));
    const r = Math.min(Math.max(this.random(), 0), 1);
    return Math.floor(r * ceiling);
  }

  /** One HTTP exchange, response body included, bounded by `timeoutMs` on the clock. */
  private async attempt(
    spec: RequestSpec,
    access: WebexAccess,
    trackingId: string,
    timeoutMs: number,
  ): Promise<AttemptOutcome> {
    if (!/^[\x21-\x7e]+$/.test(access.accessToken)) {
      throw new ConfigurationError('The Webex access token is empty or holds characters a header cannot carry.');
    }
    const url = buildUrl(access.baseUrl, spec.path, spec.query);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${access.accessToken}`,
      TrackingID: trackingId,
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
    };
    let body: string | undefined;
    if (spec.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.body);
    }

    const abort = new AbortController();
    const stopTimer = new AbortController();
    let timedOut = false;
    this.clock.sleep(timeoutMs, stopTimer.signal).then(
      () => {
        timedOut = true;
        abort.abort(new Error(`attempt timed out after ${timeoutMs} ms`));
      },
      () => {
        // The attempt ended first and cancelled the timer.
      },
    );
    try {
      const res = await this.fetchImpl(url, {
        method: spec.method,
        headers,
        body,
        signal: abort.signal,
        // Webex does not redirect; never carry the bearer token anywhere else.
        redirect: 'manual',
      });
      const text = await res.text();
      const webexTrackingId = res.headers.get('trackingid') ?? undefined;
      return { kind: 'response', response: { status: res.status, headers: res.headers, text, url, webexTrackingId } };
    } catch (error) {
      if (timedOut) return { kind: 'timeout' };
      return { kind: 'transport', error };
    } finally {
      stopTimer.abort();
    }
  }
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new ConfigurationError(`${name} must be a positive number`);
  return value;
}

/** 502/503/504 always; 500 only when repeating the call cannot apply it twice. */
function isRetryableStatus(status: number, spec: RequestSpec): boolean {
  if (status === 502 || status === 503 || status === 504) return true;
  return status === 500 && spec.safeToRepeat;
}

/** Our trackingId on the first attempt; `<id>_<n>` on the n-th, so every attempt is distinct yet correlatable. */
function trackingHeader(trackingId: string, attempt: number): string {
  const clean = trackingId.replace(/[^\x21-\x7e]/g, '').slice(0, TRACKING_ID_MAX) || 'unknown';
  return attempt === 1 ? clean : `${clean}_${attempt}`;
}

function buildUrl(baseUrl: string, path: string, query?: URLSearchParams): string {
  let url: URL;
  try {
    url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
  } catch {
    throw new ConfigurationError('The Webex base URL is not a valid URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError('The Webex base URL must be http or https.');
  }
  if (query) url.search = query.toString();
  return url.toString();
}
