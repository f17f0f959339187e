/**
 * The local API gateway: an HTTP server that serves every route of `functions/catalog/routes.ts` (the table CDK
 * deploys) the way API Gateway's HTTP API does — JWT authorizer with route scopes (`auth.ts`), a payload format 2.0
 * event (`event.ts`) to the route's handler module (imported once, like a warm Lambda: `lambda.ts`), the handler's
 * result mapped back to HTTP (`response.ts`) — plus a `GET /health` for the local components (`health.ts`). Errors it
 * answers itself use the Webex error body (see `errors.ts`); the limits that keep it safe are in `hardening.ts`. Never
 * crashes on any request.
 *
 * This module listens and stops, and routes each request: mounted paths, identity provider documents, health, then the
 * route table.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ROUTES, type RouteDefinition } from '../../functions/catalog/routes';
import { createLogger, type Logger } from '../../functions/shared/logger';
import type { TokenVerifier } from '../auth/local-idp';
import { REPO_ROOT } from '../paths';
import { listen } from '../ports';
import { authorize, identityProviderDocument } from './auth';
import { GATEWAY_MESSAGES, type Refusal, resolveTrackingId, webexErrorBody } from './errors';
import { buildContext, buildEvent, newRequestId } from './event';
import {
  answerClientError,
  clientGone,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  errorCode,
  gatewayBodyCap,
  hardenedServerOptions,
  readBody,
  refuseMalformed,
  SERVER_MAX_HEADERS_COUNT,
} from './hardening';
import { type HealthCheck, healthResponse } from './health';
import { DEFAULT_TIMEOUTS_MS, HandlerInvoker, type LambdaHandler, MEMORY_MB, moduleHandlerLoader } from './lambda';
import { mapHandlerResult, writeResponse } from './response';
import { type CompiledRoute, compileRoutes, matchRoute } from './router';

export { bearerToken } from './auth';
export { DEFAULT_MAX_BODY_BYTES, gatewayBodyCap } from './hardening';
export type { HealthCheck } from './health';
export type { LambdaHandler } from './lambda';

/** How long `stop` waits for the handlers still running. */
const SHUTDOWN_SETTLE_MS = 2_000;

/** A handler for a mounted path prefix: the request in, the answer out (headers lower case). */
export type MountedHandler = (request: {
  method: string;
  path: string;
  query: URLSearchParams;
  req: IncomingMessage;
}) => Promise<{ statusCode: number; headers: Record<string, string>; body?: string }>;

export interface LocalGatewayOptions {
  routes?: readonly RouteDefinition[];
  /** Root the routes' `entry` paths are relative to. */
  repoRoot?: string;
  /** How a route's handler is obtained; default: import `entry` once and take its `handler` export. */
  loadHandler?: (route: RouteDefinition) => Promise<LambdaHandler>;
  /** Verifies bearer tokens; until set (see `setAuthorizer`), routes with a scope answer 503. */
  authorizer?: TokenVerifier;
  healthChecks?: Record<string, HealthCheck>;
  /** Per-check timeout for `/health` (default 2000 ms). */
  healthTimeoutMs?: number;
  timeoutsMs?: Partial<Record<RouteDefinition['role'], number>>;
  maxBodyBytes?: number;
  /**
   * How long a client may take to send a whole request, headers and body (default 300 s, Node's own); past it the
   * gateway answers 408 and closes the connection.
   */
  requestTimeoutMs?: number;
  /**
   * The base URL the gateway is reached at, for the `Link` URLs the handlers build (default the address it listens on,
   * `http://<host>:<port>`). Never taken from the request's `Host` header.
   */
  publicUrl?: string;
  logger?: Logger;
  region?: string;
  accountId?: string;
  apiId?: string;
  /** Prefix of the local function names (`<prefix>-<operationId>`). */
  functionNamePrefix?: string;
}

export interface LocalGateway {
  start(options: { port: number; host?: string }): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
  setAuthorizer(verifier: TokenVerifier): void;
  setHealthChecks(checks: Record<string, HealthCheck>): void;
  /** Serves every path under `prefix` with `handler` instead of the route table (the local IdP's OIDC endpoints). */
  mount(prefix: string, handler: MountedHandler): void;
  readonly url: string;
}

interface RequestLog {
  requestId: string;
  startedAt: number;
  method: string;
  routeKey: string;
}

export function createLocalGateway(options: LocalGatewayOptions = {}): LocalGateway {
  const compiled: CompiledRoute[] = compileRoutes(options.routes ?? ROUTES);
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const log = options.logger ?? createLogger({ component: 'local-gateway' });
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeouts = { ...DEFAULT_TIMEOUTS_MS, ...options.timeoutsMs };
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const apiId = options.apiId ?? 'local';
  const functionNamePrefix = options.functionNamePrefix ?? 'webex-bw-provisioning-local';
  const healthTimeoutMs = options.healthTimeoutMs ?? 2000;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  let authorizer = options.authorizer;
  let healthChecks = options.healthChecks ?? {};
  let server: Server | undefined;
  let listeningPort = 0;
  let baseUrl = '';
  let publicUrl = '';

  const invoker = new HandlerInvoker(options.loadHandler ?? moduleHandlerLoader(repoRoot));
  const mounts: Array<{ prefix: string; handler: MountedHandler }> = [];

  async function handle(req: IncomingMessage, res: ServerResponse, ctx: RequestLog): Promise<void> {
    const trackingId = resolveTrackingId(req.headers.trackingid);
    const sendError = (status: number, message: string, description?: string, headers: Record<string, string> = {}) =>
      writeResponse(res, ctx.requestId, {
        statusCode: status,
        headers: { 'content-type': 'application/json', trackingid: trackingId, ...headers },
        cookies: [],
        body: Buffer.from(JSON.stringify(webexErrorBody(message, trackingId, description))),
      });
    const refuse = (refusal: Refusal) =>
      sendError(refusal.status, refusal.message, refusal.description, refusal.headers);

    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const rawPath = (queryAt === -1 ? url : url.slice(0, queryAt)).split('#')[0] ?? '/';
    const rawQueryString = queryAt === -1 ? '' : (url.slice(queryAt + 1).split('#')[0] ?? '');
    const method = (req.method ?? 'GET').toUpperCase();

    const malformed = refuseMalformed(req);
    if (malformed) {
      res.shouldKeepAlive = false;
      return refuse(malformed);
    }

    const mounted = mounts.find((m) => rawPath === m.prefix || rawPath.startsWith(`${m.prefix}/`));
    if (mounted) {
      ctx.routeKey = `${method} ${mounted.prefix}/*`;
      const response = await mounted.handler({
        method,
        path: rawPath,
        query: new URLSearchParams(rawQueryString),
        req,
      });
      return writeResponse(res, ctx.requestId, { cookies: [], ...response, body: Buffer.from(response.body ?? '') });
    }

    const discovery = identityProviderDocument(authorizer, rawPath);
    if (discovery !== undefined) {
      ctx.routeKey = `GET ${rawPath}`;
      if (method !== 'GET') {
        return sendError(405, GATEWAY_MESSAGES.methodNotAllowed, `${method} is not supported here.`, { allow: 'GET' });
      }
      return writeResponse(res, ctx.requestId, {
        statusCode: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        cookies: [],
        body: Buffer.from(JSON.stringify(discovery)),
      });
    }

    if (rawPath === '/health') {
      ctx.routeKey = 'GET /health';
      if (method !== 'GET') {
        return sendError(405, GATEWAY_MESSAGES.methodNotAllowed, `${method} is not supported here.`, { allow: 'GET' });
      }
      const health = await healthResponse(healthChecks, healthTimeoutMs, () => authorizer !== undefined);
      return writeResponse(res, ctx.requestId, health);
    }

    const match = matchRoute(compiled, method, rawPath);
    if (match.kind === 'not-found') {
      return sendError(404, GATEWAY_MESSAGES.notFound, `No route for ${rawPath}.`);
    }
    if (match.kind === 'method-not-allowed') {
      return sendError(405, GATEWAY_MESSAGES.methodNotAllowed, `${method} is not supported on ${rawPath}.`, {
        allow: match.allow.join(', '),
      });
    }
    const { route, routeKey, pathParameters } = match;
    ctx.routeKey = routeKey;

    const verdict = await authorize(authorizer, route.scope, req.headers.authorization);
    if (verdict.kind === 'refused') return refuse(verdict.refusal);

    const bodyCap = gatewayBodyCap(route, maxBodyBytes);
    const body = await readBody(req, bodyCap);
    if (body === 'too-large') {
      res.shouldKeepAlive = false;
      return sendError(413, GATEWAY_MESSAGES.payloadTooLarge, `Request bodies are limited to ${bodyCap} bytes.`, {
        connection: 'close',
      });
    }

    const event = buildEvent({
      req,
      routeKey,
      rawPath,
      rawQueryString,
      pathParameters,
      body,
      requestId: ctx.requestId,
      receivedAt: ctx.startedAt,
      port: listeningPort,
      publicUrl,
      authorizer: verdict.result,
      accountId,
      apiId,
    });
    const timeoutMs = timeouts[route.role];
    const context = buildContext({
      functionName: `${functionNamePrefix}-${route.operationId}`,
      region,
      accountId,
      timeoutMs,
      memoryMb: MEMORY_MB[route.role],
      startedAt: Date.now(),
    });

    const outcome = await invoker.invoke(route, event, context, timeoutMs);
    if (outcome.kind === 'timeout') {
      log.error('handler timed out', { routeKey, requestId: ctx.requestId, timeoutMs });
      return sendError(504, GATEWAY_MESSAGES.gatewayTimeout, `No answer within ${timeoutMs} ms.`);
    }
    if (outcome.kind === 'error') {
      log.error('handler failed', { routeKey, requestId: ctx.requestId, error: outcome.error });
      return sendError(500, GATEWAY_MESSAGES.internal);
    }
    const mapped = mapHandlerResult(outcome.value);
    if (mapped.kind === 'invalid') {
      log.error('handler returned an invalid response', { routeKey, requestId: ctx.requestId, reason: mapped.reason });
      return sendError(502, GATEWAY_MESSAGES.badGateway);
    }
    return writeResponse(res, ctx.requestId, mapped.response);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const ctx: RequestLog = {
      requestId: newRequestId(),
      startedAt: Date.now(),
      method: (req.method ?? 'GET').toUpperCase(),
      routeKey: '-',
    };
    req.on('error', () => undefined);
    res.on('finish', () => {
      log.info('request', {
        method: ctx.method,
        routeKey: ctx.routeKey,
        status: res.statusCode,
        latencyMs: Date.now() - ctx.startedAt,
        requestId: ctx.requestId,
        trackingId: res.getHeader('trackingid'),
      });
    });
    handle(req, res, ctx).catch((error: unknown) => {
      if (clientGone(req, error)) {
        // The client stopped sending (went away, or was cut off for being too slow): its problem, not ours.
        log.warn('client cut off before its request was read', {
          requestId: ctx.requestId,
          routeKey: ctx.routeKey,
          reason: errorCode(error) ?? 'aborted',
        });
        res.destroy();
        return;
      }
      log.error('gateway failed', { requestId: ctx.requestId, routeKey: ctx.routeKey, error });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      try {
        const trackingId = resolveTrackingId(req.headers.trackingid);
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        writeResponse(res, ctx.requestId, {
          statusCode: 500,
          headers: { 'content-type': 'application/json', trackingid: trackingId },
          cookies: [],
          body: Buffer.from(JSON.stringify(webexErrorBody(GATEWAY_MESSAGES.internal, trackingId))),
        });
      } catch {
        res.destroy();
      }
    });
  }

  return {
    get url() {
      return baseUrl;
    },
    setAuthorizer(verifier) {
      authorizer = verifier;
    },
    mount(prefix, handler) {
      mounts.push({ prefix: prefix.replace(/\/+$/, ''), handler });
    },
    setHealthChecks(checks) {
      healthChecks = checks;
    },
    async start({ port, host = '127.0.0.1' }) {
      if (server) throw new Error('The local gateway is already started');
      const created = createServer(hardenedServerOptions(requestTimeoutMs), onRequest);
      created.maxHeadersCount = SERVER_MAX_HEADERS_COUNT;
      created.on('clientError', answerClientError(log));
      listeningPort = await listen(created, 'api', port, host);
      server = created;
      baseUrl = `http://${host}:${listeningPort}`;
      publicUrl = (options.publicUrl ?? `http://${host}:${listeningPort}`).replace(/\/+$/, '');
      return { url: baseUrl, port: listeningPort };
    },
    async stop() {
      const current = server;
      if (!current) return;
      server = undefined;
      const closed = new Promise<void>((resolve) => current.close(() => resolve()));
      current.closeAllConnections();
      await closed;
      // Handlers still running finish their writes before the runtime stops the tables (bounded: Ctrl-C stops
      // everything within 5 s).
      await invoker.settle(SHUTDOWN_SETTLE_MS);
    },
  };
}
