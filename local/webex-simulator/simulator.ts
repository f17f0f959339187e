/**
 * The Webex for BroadWorks simulator: a stateful node:http server speaking the Subscribers contract under `/v1`, the
 * partner token grant at `/v1/access_token` (both in `webex-api.ts`), and a control API under `/_simulator/` for tests
 * and demos (`control.ts`). This module holds the simulator's state and programmatic API, listens and stops, and
 * dispatches each request, answering errors and counting requests for the statistics.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as z from 'zod';
import { parseOrThrow } from '../../functions/domain/contract/validation';
import { type DomainError, NotFoundError } from '../../functions/domain/errors';
import { type Clock, systemClock } from '../../functions/domain/ports/clock';
import { createLogger, type Logger } from '../../functions/shared/logger';
import { answerControl, type SimulatorControls } from './control';
import { FaultInjector } from './faults';
import {
  type Exchange,
  type RequestBody,
  readBody,
  sendJson,
  statusOfError,
  trackingIdOf,
  webexErrorBody,
} from './http';
import { SubscriberStateFile } from './state-file';
import { SubscriberStore } from './subscribers';
import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS, TokenAuthority } from './tokens';
import type {
  FaultConfig,
  OperationId,
  PersonAction,
  SimulatorConfig,
  SimulatorCredentials,
  SimulatorOptions,
  SimulatorStats,
} from './types';
import { WebexApi } from './webex-api';

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
  private readonly stateFile: SubscriberStateFile | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private readonly webexApi: WebexApi;
  private readonly controls: SimulatorControls;

  constructor(options: SimulatorOptions = {}) {
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
    this.stateFile = options.stateFile
      ? new SubscriberStateFile(options.stateFile, this.store, this.logger)
      : undefined;
    this.webexApi = new WebexApi({
      clock: this.clock,
      store: this.store,
      tokens: this.tokens,
      faults: this.faults,
      stopSignal: () => this.abort.signal,
      baseUrl: () => this.url,
    });
    this.controls = {
      clock: this.clock,
      faults: this.faults,
      store: this.store,
      credentials: () => this.credentials,
      config: () => this.config,
      configure: (patch) => this.configure(patch),
      reset: () => this.reset(),
      stats: () => this.stats(),
    };
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
      const stateFile = this.stateFile;
      stateFile.load();
      this.saveTimer = setInterval(() => stateFile.save(), STATE_SAVE_INTERVAL_MS);
      this.saveTimer.unref();
    }
    return { url: this.baseUrl };
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
    this.stateFile?.save();
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
        await answerControl(exchange, this.controls);
      } else {
        await this.webexApi.answer(exchange);
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
}

function emptyBody(): RequestBody {
  return { bytes: Buffer.alloc(0), tooLarge: false };
}

export function createWebexSimulator(options: SimulatorOptions = {}): WebexSimulator {
  return new Simulator(options);
}
