/**
 * The simulated Webex API under `/v1`: routes each request to its operation, checks the access token, applies the
 * configured latency and faults, and answers the Subscribers operations (from the subscriber store) and the partner
 * token grant.
 */
import type { IncomingMessage } from 'node:http';
import { NotFoundError, UnauthorizedError } from '../../functions/domain/errors';
import type { Clock } from '../../functions/domain/ports/clock';
import type { FaultInjector, FaultOutcome } from './faults';
import {
  type Exchange,
  mediaTypeOf,
  methodNotAllowed,
  parseJsonBody,
  parseOptionalJsonBody,
  sendJson,
  sendNoContent,
  singleQueryParams,
  webexErrorBody,
} from './http';
import { matchRoute } from './routes';
import type { SubscriberStore } from './subscribers';
import { OAuthError, type TokenAuthority } from './tokens';

/** What the Webex API answers from. */
export interface WebexApiDeps {
  clock: Clock;
  store: SubscriberStore;
  tokens: TokenAuthority;
  faults: FaultInjector;
  /** Aborted when the simulator stops (a request sleeping on injected latency then gets no answer). */
  stopSignal(): AbortSignal;
  /** The simulator's base URL (for Link headers when the caller's Host header is not usable). */
  baseUrl(): string;
}

const FAULT_MESSAGES: Record<number, string> = {
  500: 'Internal Server Error (simulated fault).',
  502: 'Bad Gateway (simulated fault).',
  503: 'Service Unavailable: try again later (simulated fault).',
  504: 'Gateway Timeout: try again later (simulated fault).',
};

const UNAUTHORIZED_MESSAGES = {
  missing: 'The request requires a valid access token set in the Authorization request header.',
  unknown: 'The access token is not valid.',
  expired: 'The access token has expired.',
} as const;

export class WebexApi {
  constructor(private readonly deps: WebexApiDeps) {}

  /** Answers one Webex API request; throws the domain error to answer with. Sets `exchange.operation`. */
  async answer(exchange: Exchange): Promise<void> {
    const { req, res, trackingId, url, body } = exchange;
    const { clock, store, tokens, faults } = this.deps;
    const method = req.method ?? 'GET';
    const route = matchRoute(method, url.pathname);
    if (route.kind === 'notFound') {
      exchange.operation = 'unrouted';
      throw new NotFoundError('The requested resource could not be found.');
    }
    if (route.kind === 'methodNotAllowed') {
      exchange.operation = 'unrouted';
      throw methodNotAllowed(method, route.allow);
    }
    const { operation } = route;
    exchange.operation = operation;
    if (operation !== 'accessToken') {
      const check = tokens.checkAuthorization(req.headers.authorization);
      if (check !== 'valid') throw new UnauthorizedError(UNAUTHORIZED_MESSAGES[check]);
    }
    const latency = faults.latencyFor(operation);
    if (latency > 0) {
      const signal = this.deps.stopSignal();
      try {
        await clock.sleep(latency, signal);
      } catch (error) {
        // Stopped while the request waited: nobody to answer any more.
        if (this.deps.stopSignal().aborted) return void req.socket.destroy();
        throw error;
      }
    }
    const fault = faults.decide(operation);
    if (fault) return this.injectFault(exchange, fault);

    const id = route.subscriberId ?? '';
    switch (operation) {
      case 'accessToken':
        return this.accessToken(exchange);
      case 'listSubscribers':
        return this.list(exchange);
      case 'provisionSubscriber':
        return sendJson(res, 200, store.provision(parseJsonBody(req, body)));
      case 'getSubscriber':
        return sendJson(res, 200, store.get(id));
      case 'updateSubscriber': {
        const input = parseJsonBody(req, body);
        return sendJson(res, 200, store.update(id, input));
      }
      case 'removeSubscriber':
        store.remove(id);
        return sendNoContent(res);
      case 'precheckSubscriber':
        return sendJson(res, 200, store.precheck(parseJsonBody(req, body)));
      case 'resendConsent':
        parseOptionalJsonBody(req, body);
        store.consentMove(id);
        return sendNoContent(res);
      default: {
        const unreachable: never = operation;
        throw new Error(`no handler for ${String(unreachable)} (${trackingId})`);
      }
    }
  }

  private injectFault(exchange: Exchange, fault: FaultOutcome): void {
    const { req, res, trackingId } = exchange;
    switch (fault.kind) {
      case 'drop':
        req.socket.destroy();
        break;
      case 'rateLimited':
        sendJson(
          res,
          429,
          webexErrorBody(
            'Too Many Requests.',
            [{ description: `Rate limit exceeded (simulated fault): retry after ${fault.retryAfterSeconds} seconds.` }],
            trackingId,
          ),
          { 'Retry-After': String(fault.retryAfterSeconds) },
        );
        break;
      case 'locked':
        sendJson(
          res,
          423,
          webexErrorBody(
            'Locked.',
            [
              {
                description: `The resource is locked (simulated fault): retry after ${fault.retryAfterSeconds} seconds.`,
              },
            ],
            trackingId,
          ),
          { 'Retry-After': String(fault.retryAfterSeconds) },
        );
        break;
      case 'error':
        sendJson(res, fault.status, webexErrorBody(FAULT_MESSAGES[fault.status] ?? 'Simulated fault.', [], trackingId));
        break;
    }
  }

  private list(exchange: Exchange): void {
    const { req, res, url } = exchange;
    const query = singleQueryParams(url.searchParams);
    const page = this.deps.store.list(query);
    const headers: Record<string, string> = {};
    if (page.nextCursor) {
      const next = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (key !== 'cursor' && key !== 'max') next.append(key, value);
      next.append('max', String(page.max));
      next.append('cursor', page.nextCursor);
      headers.Link = `<${this.publicBase(req)}/v1/broadworks/subscribers?${next.toString()}>; rel="next"`;
    }
    sendJson(res, 200, { items: page.items }, headers);
  }

  /** The base URL the caller used (its Host header when sane), so Link URLs work through port forwards. */
  private publicBase(req: IncomingMessage): string {
    const host = req.headers.host;
    if (host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) return `http://${host}`;
    return this.deps.baseUrl();
  }

  private accessToken(exchange: Exchange): void {
    const { req, res, trackingId, body } = exchange;
    try {
      if (body.tooLarge) throw new OAuthError(400, 'invalid_request', 'The request body is too large.');
      if (mediaTypeOf(req) !== 'application/x-www-form-urlencoded') {
        throw new OAuthError(415, 'invalid_request', 'The request body must be application/x-www-form-urlencoded.');
      }
      const grant = this.deps.tokens.refresh(new URLSearchParams(body.bytes.toString('utf8')));
      sendJson(res, 200, grant, { 'Cache-Control': 'no-store' });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      sendJson(res, error.status, { error: error.error, error_description: error.description, trackingId });
    }
  }
}
