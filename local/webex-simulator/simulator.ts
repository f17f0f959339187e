/**
 * The Webex for BroadWorks simulator: a stateful node:http server speaking the Subscribers contract under `/v1`, the
 * partner token grant at `/v1/access_token`, and a control API under `/_simulator/` for tests and demos.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import * as z from 'zod';
import { parseOrThrow } from '../../functions/domain/contract/validation';
import { ConflictError, type DomainError, NotFoundError, UnauthorizedError } from '../../functions/domain/errors';
import { type Clock, systemClock } from '../../functions/domain/ports/clock';
import { MethodNotAllowedError } from '../../functions/http/errors';
import { createLogger, type Logger } from '../../functions/shared/logger';
import { FaultInjector, type FaultOutcome } from './faults';
import {
  mediaTypeOf,
  parseJsonBody,
  parseOptionalJsonBody,
  type RequestBody,
  readBody,
  sendJson,
  sendNoContent,
  singleQueryParams,
  statusOfError,
  trackingIdOf,
  webexErrorBody,
} from './http';
import { isControllableClock } from './manual-clock';
import { matchRoute } from './routes';
import { EXISTING_WEBEX_DOMAINS, EXISTING_WEBEX_EMAILS, SEEDED_TEMPLATES } from './seed';
import { SubscriberStore, type SubscriberStoreSnapshot } from './subscribers';
import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS, OAuthError, TokenAuthority } from './tokens';
import type {
  FaultConfig,
  OperationId,
  PersonAction,
  SimulatorConfig,
  SimulatorCredentials,
  SimulatorOptions,
  SimulatorStats,
} from './types';

export interface WebexSimulator {
  /** Listen (default 127.0.0.1 on an ephemeral port); resolves with the base URL, without `/v1`. */
  start(options?: { port?: number; host?: string }): Promise<{ url: string }>;
  stop(): Promise<void>;
  /** Base URL (after start), e.g. `http://127.0.0.1:3001`; the Webex API is under `${url}/v1`. */
  readonly url: string;
  readonly credentials: SimulatorCredentials;
  setFaults(faults: FaultConfig): void;
  resetFaults(): void;
  /** Forget every subscriber, fault, counter and cursor and restore the configuration given at creation. */
  reset(): void;
  stats(): SimulatorStats;
  configure(
    patch: Partial<Pick<SimulatorOptions, 'provisioningDelayMs' | 'updateDelayMs' | 'duplicateUserIdMode'>>,
  ): void;
  /** What the person behind a pending subscriber does; throws NotFoundError / ConflictError / ValidationError. */
  personAction(subscriberId: string, action: PersonAction): void;
}

const MAX_DELAY_MS = 30 * 24 * 3600 * 1000;
/** How often a simulator with a state file checks whether its subscribers changed. */
const STATE_SAVE_INTERVAL_MS = 1000;
const delay = () =>
  z
    .number({ error: 'must be a number of milliseconds' })
    .int({ error: 'must be a whole number of milliseconds' })
    .min(0, { error: 'must be at least 0' })
    .max(MAX_DELAY_MS, { error: `must be at most ${MAX_DELAY_MS}` });

export const ConfigPatchSchema = z.strictObject(
  {
    provisioningDelayMs: delay().optional(),
    updateDelayMs: delay().optional(),
    duplicateUserIdMode: z.enum(['409', '10022'], { error: "must be '409' or '10022'" }).optional(),
  },
  { error: 'must be a JSON object' },
);

const ClockAdvanceSchema = z.strictObject(
  {
    ms: z
      .number({ error: 'must be a number of milliseconds' })
      .int({ error: 'must be a whole number of milliseconds' })
      .min(0, { error: 'must be at least 0' })
      .max(10 * 365 * 24 * 3600 * 1000, { error: 'must be at most ten years' }),
  },
  { error: 'must be a JSON object with ms' },
);

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

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  trackingId: string;
  url: URL;
  body: RequestBody;
  /** What the request counts as in the statistics. */
  operation?: OperationId | 'unrouted' | 'control';
}

class Simulator implements WebexSimulator {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly initialConfig: SimulatorConfig;
  private config: SimulatorConfig;
  private readonly store: SubscriberStore;
  private readonly tokens: TokenAuthority;
  private readonly faults: FaultInjector;
  private requestCounts = new Map<string, Map<string, number>>();
  private server: Server | undefined;
  private baseUrl: string | undefined;
  private abort = new AbortController();
  private readonly sockets = new Set<Socket>();
  private readonly stateFile: string | undefined;
  private savedState: string | undefined;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(options: SimulatorOptions = {}) {
    this.stateFile = options.stateFile;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? createLogger({ component: 'webex-simulator' });
    this.initialConfig = parseOrThrow(
      ConfigPatchSchema.required(),
      {
        provisioningDelayMs: options.provisioningDelayMs ?? 5000,
        updateDelayMs: options.updateDelayMs ?? 3000,
        duplicateUserIdMode: options.duplicateUserIdMode ?? '409',
      },
      'simulator options',
    );
    this.config = { ...this.initialConfig };
    this.store = new SubscriberStore(this.clock, () => this.config);
    this.tokens = new TokenAuthority(this.clock, options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS);
    this.faults = new FaultInjector(this.clock, options.random ?? Math.random);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Programmatic API
  // -------------------------------------------------------------------------------------------------------------

  get url(): string {
    if (!this.baseUrl) throw new Error('The Webex simulator is not started: call start() first.');
    return this.baseUrl;
  }

  get credentials(): SimulatorCredentials {
    return this.tokens.credentials;
  }

  async start(options: { port?: number; host?: string } = {}): Promise<{ url: string }> {
    if (this.server) throw new Error('The Webex simulator is already started.');
    const host = options.host ?? '127.0.0.1';
    const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
      void this.handle(req, res);
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const shownHost =
      host === '0.0.0.0' || host === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : host;
    this.server = server;
    this.abort = new AbortController();
    this.baseUrl = `http://${shownHost}:${address.port}`;
    if (this.stateFile) {
      this.loadState(this.stateFile);
      this.saveTimer = setInterval(() => this.saveState(), STATE_SAVE_INTERVAL_MS);
      this.saveTimer.unref();
    }
    return { url: this.baseUrl };
  }

  private loadState(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      this.store.restore(JSON.parse(text) as SubscriberStoreSnapshot);
      this.savedState = text;
    } catch (error) {
      this.logger.warn('the simulator state file is unreadable: starting without subscribers', { file, error });
    }
  }

  /** Writes the subscribers when they changed since the last write (write to a temporary file, then rename). */
  private saveState(): void {
    if (!this.stateFile) return;
    const text = JSON.stringify(this.store.snapshot());
    if (text === this.savedState) return;
    try {
      mkdirSync(path.dirname(this.stateFile), { recursive: true });
      const temporary = `${this.stateFile}.${process.pid}.tmp`;
      writeFileSync(temporary, text, { mode: 0o600 });
      renameSync(temporary, this.stateFile);
      this.savedState = text;
    } catch (error) {
      this.logger.warn('cannot write the simulator state file', { file: this.stateFile, error });
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.baseUrl = undefined;
    this.abort.abort(new Error('The Webex simulator stopped.'));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
    if (this.saveTimer) clearInterval(this.saveTimer);
    this.saveTimer = undefined;
    this.saveState();
  }

  setFaults(faults: FaultConfig): void {
    this.faults.set(faults);
  }

  resetFaults(): void {
    this.faults.clear();
  }

  reset(): void {
    this.store.reset();
    this.faults.reset();
    this.requestCounts = new Map();
    this.config = { ...this.initialConfig };
  }

  stats(): SimulatorStats {
    const byOperation: SimulatorStats['requests']['byOperation'] = {};
    let unrouted: Record<string, number> = {};
    let total = 0;
    for (const [operation, statuses] of this.requestCounts) {
      const byStatus = Object.fromEntries(statuses);
      const count = [...statuses.values()].reduce((a, b) => a + b, 0);
      if (operation === 'unrouted') unrouted = byStatus;
      else byOperation[operation as OperationId] = { total: count, byStatus };
      total += count;
    }
    return {
      requests: { total, byOperation, unrouted },
      faults: this.faults.counters(),
      subscribers: this.store.countsByStatus(),
      consentResends: this.store.consentResendCounts(),
    };
  }

  configure(
    patch: Partial<Pick<SimulatorOptions, 'provisioningDelayMs' | 'updateDelayMs' | 'duplicateUserIdMode'>>,
  ): void {
    const parsed = parseOrThrow(ConfigPatchSchema, patch, 'configuration');
    this.config = {
      provisioningDelayMs: parsed.provisioningDelayMs ?? this.config.provisioningDelayMs,
      updateDelayMs: parsed.updateDelayMs ?? this.config.updateDelayMs,
      duplicateUserIdMode: parsed.duplicateUserIdMode ?? this.config.duplicateUserIdMode,
    };
  }

  personAction(subscriberId: string, action: PersonAction): void {
    this.store.personAction(subscriberId, action);
  }

  // -------------------------------------------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------------------------------------------

  /** Never rejects: a failure while answering is logged and the connection closed. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.handleExchange(req, res);
    } catch (error) {
      this.logger.error('webex simulator could not answer a request', { error });
      if (!res.headersSent) res.destroy();
    }
  }

  private async handleExchange(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = this.clock.now();
    const trackingId = trackingIdOf(req);
    res.setHeader('TrackingID', trackingId);
    let exchange: Exchange | undefined;
    try {
      let body: RequestBody;
      try {
        body = await readBody(req);
      } catch {
        // The client went away while sending: nobody to answer.
        return;
      }
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://simulator.invalid');
      } catch {
        exchange = { req, res, trackingId, url: new URL('http://simulator.invalid/'), body, operation: 'unrouted' };
        throw new NotFoundError('The requested resource could not be found.');
      }
      exchange = { req, res, trackingId, url, body };
      if (url.pathname === '/_simulator' || url.pathname.startsWith('/_simulator/')) {
        exchange.operation = 'control';
        await this.control(exchange);
      } else {
        await this.webex(exchange);
      }
    } catch (error) {
      this.fail(
        exchange ?? { req, res, trackingId, url: new URL('http://simulator.invalid/'), body: emptyBody() },
        error,
      );
    } finally {
      if (exchange) this.record(exchange, started);
    }
  }

  private record(exchange: Exchange, started: number): void {
    const { res, operation } = exchange;
    const status = res.headersSent ? String(res.statusCode) : 'dropped';
    if (operation && operation !== 'control') {
      const statuses = this.requestCounts.get(operation) ?? new Map<string, number>();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      this.requestCounts.set(operation, statuses);
    }
    this.logger.debug('webex simulator request', {
      operation: operation ?? 'unknown',
      method: exchange.req.method,
      path: exchange.url.pathname,
      status,
      trackingId: exchange.trackingId,
      durationMs: this.clock.now() - started,
    });
  }

  private fail(exchange: Exchange, error: unknown): void {
    const { res, trackingId } = exchange;
    if (res.headersSent || res.destroyed) return;
    const status = statusOfError(error);
    if (status === undefined) {
      this.logger.error('webex simulator bug', { trackingId, error });
      sendJson(res, 500, webexErrorBody('Internal error in the Webex simulator.', [], trackingId));
      return;
    }
    const domain = error as DomainError;
    const headers: Record<string, string> = {};
    if (status === 405) {
      const allow = (error as { allow?: string[] }).allow;
      if (allow) headers.Allow = allow.join(', ');
    }
    sendJson(res, status, webexErrorBody(domain.message, domain.errors, trackingId), headers);
  }

  private async webex(exchange: Exchange): Promise<void> {
    const { req, res, trackingId, url, body } = exchange;
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
      const check = this.tokens.checkAuthorization(req.headers.authorization);
      if (check !== 'valid') throw new UnauthorizedError(UNAUTHORIZED_MESSAGES[check]);
    }
    const latency = this.faults.latencyFor(operation);
    if (latency > 0) {
      try {
        await this.clock.sleep(latency, this.abort.signal);
      } catch (error) {
        // Stopped while the request waited: nobody to answer any more.
        if (this.abort.signal.aborted) return void req.socket.destroy();
        throw error;
      }
    }
    const fault = this.faults.decide(operation);
    if (fault) return this.injectFault(exchange, fault);

    const id = route.subscriberId ?? '';
    switch (operation) {
      case 'accessToken':
        return this.accessToken(exchange);
      case 'listSubscribers':
        return this.list(exchange);
      case 'provisionSubscriber':
        return sendJson(res, 200, this.store.provision(parseJsonBody(req, body)));
      case 'getSubscriber':
        return sendJson(res, 200, this.store.get(id));
      case 'updateSubscriber': {
        const input = parseJsonBody(req, body);
        return sendJson(res, 200, this.store.update(id, input));
      }
      case 'removeSubscriber':
        this.store.remove(id);
        return sendNoContent(res);
      case 'precheckSubscriber':
        return sendJson(res, 200, this.store.precheck(parseJsonBody(req, body)));
      case 'resendConsent':
        parseOptionalJsonBody(req, body);
        this.store.consentMove(id);
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
    const page = this.store.list(query);
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
    return this.url;
  }

  private accessToken(exchange: Exchange): void {
    const { req, res, trackingId, body } = exchange;
    try {
      if (body.tooLarge) throw new OAuthError(400, 'invalid_request', 'The request body is too large.');
      if (mediaTypeOf(req) !== 'application/x-www-form-urlencoded') {
        throw new OAuthError(415, 'invalid_request', 'The request body must be application/x-www-form-urlencoded.');
      }
      const grant = this.tokens.refresh(new URLSearchParams(body.bytes.toString('utf8')));
      sendJson(res, 200, grant, { 'Cache-Control': 'no-store' });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      sendJson(res, error.status, { error: error.error, error_description: error.description, trackingId });
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Control API
  // -------------------------------------------------------------------------------------------------------------

  private async control(exchange: Exchange): Promise<void> {
    const { req, res, url, body } = exchange;
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const allow = (allowed: string[]) => {
      throw methodNotAllowed(method, allowed);
    };

    if (path === '/_simulator/health') {
      if (method !== 'GET') return allow(['GET']);
      return sendJson(res, 200, { status: 'ok' });
    }
    if (path === '/_simulator/templates') {
      if (method !== 'GET') return allow(['GET']);
      return sendJson(res, 200, { items: SEEDED_TEMPLATES.map((t) => ({ ...t })) });
    }
    if (path === '/_simulator/existing-users') {
      if (method !== 'GET') return allow(['GET']);
      return sendJson(res, 200, { domains: [...EXISTING_WEBEX_DOMAINS], emails: [...EXISTING_WEBEX_EMAILS] });
    }
    if (path === '/_simulator/credentials') {
      if (method !== 'GET') return allow(['GET']);
      return sendJson(res, 200, this.credentials, { 'Cache-Control': 'no-store' });
    }
    if (path === '/_simulator/faults') {
      if (method === 'GET') return sendJson(res, 200, this.faults.current());
      if (method === 'PUT') return sendJson(res, 200, this.faults.set(parseJsonBody(req, body)));
      if (method === 'DELETE') {
        this.faults.clear();
        return sendNoContent(res);
      }
      return allow(['GET', 'PUT', 'DELETE']);
    }
    if (path === '/_simulator/reset') {
      if (method !== 'POST') return allow(['POST']);
      this.reset();
      return sendNoContent(res);
    }
    if (path === '/_simulator/stats') {
      if (method !== 'GET') return allow(['GET']);
      return sendJson(res, 200, this.stats());
    }
    if (path === '/_simulator/config') {
      if (method === 'GET') return sendJson(res, 200, this.config);
      if (method === 'PUT') {
        this.configure(parseJsonBody(req, body) as Partial<SimulatorConfig>);
        return sendJson(res, 200, this.config);
      }
      return allow(['GET', 'PUT']);
    }
    if (path === '/_simulator/clock') {
      if (method !== 'GET') return allow(['GET']);
      return sendJson(res, 200, {
        now: new Date(this.clock.now()).toISOString(),
        controllable: isControllableClock(this.clock),
      });
    }
    if (path === '/_simulator/clock/advance') {
      if (method !== 'POST') return allow(['POST']);
      const { ms } = parseOrThrow(ClockAdvanceSchema, parseJsonBody(req, body));
      if (!isControllableClock(this.clock)) {
        throw new ConflictError('The clock cannot be advanced.', [
          { description: 'The simulator runs on the system clock; start it with a manual clock to advance time.' },
        ]);
      }
      this.clock.advance(ms);
      return sendJson(res, 200, { now: new Date(this.clock.now()).toISOString() });
    }
    const action = /^\/_simulator\/subscribers\/([^/]+)\/actions$/.exec(path);
    if (action?.[1]) {
      if (method !== 'POST') return allow(['POST']);
      let id: string;
      try {
        id = decodeURIComponent(action[1]);
      } catch {
        throw new NotFoundError('The requested resource could not be found.');
      }
      return sendJson(res, 200, this.store.personAction(id, parseJsonBody(req, body)));
    }
    throw new NotFoundError('The requested resource could not be found.', [
      { description: 'Unknown control endpoint; see local/webex-simulator/README.md.' },
    ]);
  }
}

/** 405 carrying the methods the resource allows (for the `Allow` header). */
function methodNotAllowed(method: string, allowed: string[]): MethodNotAllowedError & { allow: string[] } {
  const error = new MethodNotAllowedError('The request method is not supported for this resource.', [
    { description: `${method} is not allowed here; allowed: ${allowed.join(', ')}.` },
  ]);
  return Object.assign(error, { allow: allowed });
}

function emptyBody(): RequestBody {
  return { bytes: Buffer.alloc(0), tooLarge: false };
}

export function createWebexSimulator(options: SimulatorOptions = {}): WebexSimulator {
  return new Simulator(options);
}
