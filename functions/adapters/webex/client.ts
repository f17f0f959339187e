/**
 * The Webex for BroadWorks Subscribers API over HTTP: the adapter behind `WebexSubscribersPort`.
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
 * - Pacing (`pacing.ts`, rules `WEBEX_PACING`): with a pacer, every attempt first takes a token of its lane (`priority`
 *   for callers that wait, `bulk` for those that hand waits back). A caller that waits sleeps until its slot (at most
 *   `priorityMaxWaitMs`, never past the deadline), else gets `UpstreamThrottledError` (status 429, our API's 429 with
 *   Retry-After). A caller that throws gets it with `slotAt`, the slot reserved for it, unless the slot is at most
 *   `taskInlineWaitMs` away; handing `slotAt` back as `paidSlotAt` makes the first attempt go without another token.
 *   A 429 parks the pacer until Retry-After. A pacer that fails is logged and skipped: Webex's own 429 still holds.
 */
import { compact } from '../../domain/contract/fields';
import {
  PrecheckResponseFromWebexSchema,
  SubscriberFromWebexSchema,
  SubscriberListFromWebexSchema,
  WebexErrorBodyFromWebexSchema,
} from '../../domain/contract/from-webex';
import type { ListQuery } from '../../domain/contract/list-query';
import type { PrecheckRequest } from '../../domain/contract/precheck-request';
import type { ProvisionRequest } from '../../domain/contract/provision-request';
import type { PrecheckResponse } from '../../domain/contract/responses';
import { ERROR_CODES, RULES, WEBEX_PACING } from '../../domain/contract/rules';
import type { Subscriber } from '../../domain/contract/subscriber';
import type { UpdateRequest } from '../../domain/contract/update-request';
import * as z from '../../domain/contract/zod';
import {
  ConfigurationError,
  UpstreamError,
  UpstreamProtocolError,
  UpstreamThrottledError,
  UpstreamUnavailableError,
  ValidationError,
  type WebexErrorItem,
} from '../../domain/errors';
import { type Clock, systemClock } from '../../domain/ports/clock';
import type { WebexAccess, WebexCredentialsProvider } from '../../domain/ports/token';
import type { SubscriberPage, WebexCallOptions, WebexResult, WebexSubscribersPort } from '../../domain/ports/webex';
import { type Logger, logger as rootLogger } from '../../shared/logger';
import { nextPageQuery, parseRetryAfterSeconds } from './headers';
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

/** One attempt of a Webex call: the operation, Webex's HTTP status (or why there was none) and its duration. */
export interface WebexAttemptRecord {
  operation: WebexOperation;
  status: number | 'timeout' | 'network';
  latencyMs: number;
}

export type WebexOperation = 'list' | 'provision' | 'get' | 'update' | 'remove' | 'precheck' | 'consentMove';

interface RequestSpec {
  operation: WebexOperation;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the base URL, already encoded. */
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  /** Safe to repeat after a 500 (a response that says nothing about whether the call took effect). */
  safeToRepeat: boolean;
}

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  url: string;
  webexTrackingId: string | undefined;
}

type AttemptOutcome =
  | { kind: 'response'; response: RawResponse }
  | { kind: 'timeout' }
  | { kind: 'transport'; error: unknown };

const SUBSCRIBERS = '/broadworks/subscribers';
const USER_AGENT = 'webex-bw-provisioning';
const TRACKING_ID_MAX = 200;

export class WebexHttpClient implements WebexSubscribersPort {
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
  private readonly pacer: WebexPacer | undefined;

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
    this.pacer = options.pacer;
  }

  async list(query: ListQuery, options: WebexCallOptions): Promise<WebexResult<SubscriberPage>> {
    const response = await this.execute(
      { operation: 'list', method: 'GET', path: SUBSCRIBERS, query: toSearchParams(query), safeToRepeat: true },
      options,
    );
    const parsed = parseBody(response, SubscriberListFromWebexSchema, 'list');
    let nextQuery: Record<string, string> | undefined;
    try {
      nextQuery = nextPageQuery(response.headers.get('link'), response.url);
    } catch (error) {
      throw new UpstreamProtocolError('Webex answered a paging link that is not a URL.', {
        status: 502,
        webexTrackingId: response.webexTrackingId,
        cause: error,
      });
    }
    return {
      value: { items: parsed.items.map((item) => compact(item)), nextQuery },
      webexTrackingId: response.webexTrackingId,
    };
  }

  async *listAll(query: ListQuery, options: WebexCallOptions): AsyncIterable<Subscriber> {
    let current: ListQuery = query;
    const seen = new Set<string>();
    for (;;) {
      const page = await this.list(current, options);
      yield* page.value.items;
      const next = page.value.nextQuery;
      if (!next) return;
      const key = new URLSearchParams(next).toString();
      if (seen.has(key)) {
        throw new UpstreamProtocolError('Webex answered the same paging link twice.', {
          status: 502,
          webexTrackingId: page.webexTrackingId,
        });
      }
      seen.add(key);
      current = next;
    }
  }

  async provision(body: ProvisionRequest, options: WebexCallOptions): Promise<WebexResult<Subscriber>> {
    const response = await this.execute(
      { operation: 'provision', method: 'POST', path: SUBSCRIBERS, body, safeToRepeat: false },
      options,
    );
    return subscriberResult(response, 'provision');
  }

  async get(subscriberId: string, options: WebexCallOptions): Promise<WebexResult<Subscriber>> {
    const response = await this.execute(
      { operation: 'get', method: 'GET', path: subscriberPath(subscriberId), safeToRepeat: true },
      options,
    );
    return subscriberResult(response, 'get');
  }

  async update(subscriberId: string, body: UpdateRequest, options: WebexCallOptions): Promise<WebexResult<Subscriber>> {
    const response = await this.execute(
      { operation: 'update', method: 'PUT', path: subscriberPath(subscriberId), body, safeToRepeat: true },
      options,
    );
    return subscriberResult(response, 'update');
  }

  async remove(subscriberId: string, options: WebexCallOptions): Promise<WebexResult<void>> {
    const response = await this.execute(
      { operation: 'remove', method: 'DELETE', path: subscriberPath(subscriberId), safeToRepeat: true },
      options,
    );
    return { value: undefined, webexTrackingId: response.webexTrackingId };
  }

  async precheck(body: PrecheckRequest, options: WebexCallOptions): Promise<WebexResult<PrecheckResponse>> {
    const response = await this.execute(
      { operation: 'precheck', method: 'POST', path: `${SUBSCRIBERS}/validate`, body, safeToRepeat: true },
      options,
    );
    const parsed = parseBody(response, PrecheckResponseFromWebexSchema, 'precheck');
    return { value: { message: parsed.message, info: parsed.info }, webexTrackingId: response.webexTrackingId };
  }

  async consentMove(subscriberId: string, options: WebexCallOptions): Promise<WebexResult<void>> {
    const id = encodeURIComponent(checkSubscriberId(subscriberId));
    const response = await this.execute(
      { operation: 'consentMove', method: 'POST', path: `/subscribers/${id}/emails/consentMove`, safeToRepeat: false },
      options,
    );
    return { value: undefined, webexTrackingId: response.webexTrackingId };
  }

  // -------------------------------------------------------------------------------------------------------------
  // The retry loop
  // -------------------------------------------------------------------------------------------------------------

  /** Run one call with retries; resolves with a 2xx response or throws a named upstream error. */
  private async execute(spec: RequestSpec, options: WebexCallOptions): Promise<RawResponse> {
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
      await this.pace(options, deadline, sent === 0, log);
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
          if (status === 429) await this.parkPacer(retryAfterSeconds, log);
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

  /**
   * Take a token of the call's lane before an attempt: return when the attempt may go (after a short sleep when its
   * slot is near), or throw `UpstreamThrottledError` (status 429) with the wait, and the reserved slot if there is one.
   */
  private async pace(options: WebexCallOptions, deadline: number, first: boolean, log: Logger): Promise<void> {
    if (!this.pacer) return;
    const now = this.clock.now();
    const handsBack = options.onThrottle === 'throw';
    const paid = options.paidSlotAt;
    if (first && paid !== undefined) {
      if (now >= paid - WEBEX_PACING.ticketEarlyMs && now <= paid + WEBEX_PACING.ticketValidityMs) return;
      if (now < paid && paid - now <= WEBEX_PACING.taskInlineWaitMs) {
        await this.clock.sleep(paid - now);
        return;
      }
    }
    const lane = options.lane ?? (handsBack ? 'bulk' : 'priority');
    const maxWaitMs =
      lane === 'priority'
        ? Math.max(0, Math.min(WEBEX_PACING.priorityMaxWaitMs, deadline - now - 1))
        : WEBEX_PACING.bulkQueueHorizonSeconds * 1000;
    let grant: Awaited<ReturnType<WebexPacer['acquire']>>;
    try {
      grant = await this.pacer.acquire(lane, maxWaitMs);
    } catch (error) {
      log.warn('the pacer could not be reached; calling Webex unpaced', { error });
      return;
    }
    if (grant.kind === 'go') return;
    if (grant.kind === 'slot') {
      const waitMs = grant.at - now;
      const inline = handsBack ? WEBEX_PACING.taskInlineWaitMs : maxWaitMs;
      if (waitMs <= inline && now + waitMs < deadline) {
        await this.clock.sleep(waitMs);
        return;
      }
      throw new UpstreamThrottledError('Webex calls are paced: this call has a slot later.', {
        status: 429,
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
        slotAt: grant.at,
      });
    }
    throw new UpstreamThrottledError('Too many requests to Webex right now: retry later.', {
      status: 429,
      retryAfterSeconds: Math.max(1, Math.ceil((grant.retryAt - now) / 1000)),
    });
  }

  /** Webex said 429: nobody of this deployment calls again before Retry-After. */
  private async parkPacer(retryAfterSeconds: number, log: Logger): Promise<void> {
    if (!this.pacer) return;
    try {
      await this.pacer.park(this.clock.now() + retryAfterSeconds * 1000);
    } catch (error) {
      log.warn('the pacer could not be parked after a 429', { error });
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

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

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

function checkSubscriberId(subscriberId: string): string {
  if (typeof subscriberId !== 'string' || !RULES.subscriberIdPattern.test(subscriberId)) {
    throw new ValidationError('The subscriber id is invalid.', [
      {
        description: 'subscriberId is not a valid subscriber id',
        errorCode: ERROR_CODES.invalidValue,
        fieldName: 'subscriberId',
      },
    ]);
  }
  return subscriberId;
}

function subscriberPath(subscriberId: string): string {
  return `${SUBSCRIBERS}/${encodeURIComponent(checkSubscriberId(subscriberId))}`;
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

function toSearchParams(query: ListQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') params.append(key, value);
    else if (typeof value === 'number' || typeof value === 'boolean') params.append(key, String(value));
  }
  return params;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseBody<S extends z.core.$ZodType>(
  response: RawResponse,
  schema: S,
  operation: WebexOperation,
): z.output<S> {
  const result = z.safeParse(schema, parseJson(response.text));
  if (result.success) return result.data;
  throw new UpstreamProtocolError(`Webex answered ${operation} with a body that does not match the contract.`, {
    status: 502,
    webexTrackingId: response.webexTrackingId,
    cause: result.error,
  });
}

function subscriberResult(response: RawResponse, operation: WebexOperation): WebexResult<Subscriber> {
  const subscriber = parseBody(response, SubscriberFromWebexSchema, operation);
  return { value: compact(subscriber), webexTrackingId: response.webexTrackingId };
}

/** Webex's error body read leniently: message, error items and trackingId, whatever of them it sent. */
function readErrorBody(text: string): { message?: string; errors: WebexErrorItem[]; trackingId?: string } {
  const parsed = WebexErrorBodyFromWebexSchema.safeParse(parseJson(text));
  if (!parsed.success) return { errors: [] };
  const { message, trackingId } = parsed.data;
  const errors = (parsed.data.errors ?? []).map((item) =>
    compact({
      description: item.description ?? message ?? '',
      errorCode: item.errorCode,
      fieldName: item.fieldName,
    }),
  );
  return { message, errors, trackingId };
}

/** The named error for a non-2xx answer. */
function errorFromResponse(
  response: RawResponse,
  spec: RequestSpec,
  throttle?: { retryAfterSeconds: number },
): UpstreamError {
  const { status } = response;
  const body = readErrorBody(response.text);
  const webexTrackingId = response.webexTrackingId ?? body.trackingId;
  const message = body.message || `Webex answered ${status} to ${spec.operation}.`;
  const details = { errors: body.errors, webexTrackingId };
  if (throttle) return new UpstreamThrottledError(message, { ...details, status, ...throttle });
  if (status === 503) return new UpstreamUnavailableError(message, { ...details, status: 503 });
  if (status === 504) return new UpstreamUnavailableError(message, { ...details, status: 504 });
  if (status === 502) return new UpstreamUnavailableError(message, { ...details, status: 502 });
  // Webex's own answer (a 500 included: "Something went wrong on the server") passes through with its status.
  if (status >= 400 && status <= 599) return new UpstreamError(message, { ...details, status });
  return new UpstreamProtocolError(`Webex answered ${spec.operation} with an unexpected status ${status}.`, {
    ...details,
    status: 502,
  });
}
