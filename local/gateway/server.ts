/**
 * The local API gateway: an HTTP server that serves every route of `functions/catalog/routes.ts` (the table CDK deploys) the way API
 * Gateway's HTTP API does — JWT authorizer with route scopes, a payload format 2.0 event to the route's handler module
 * (imported once, like a warm Lambda), the handler's result mapped back to HTTP — plus a `GET /health` for the local
 * components. Errors it answers itself use the Webex error body (see `errors.ts`). Never crashes on any request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { ROUTES, type RouteDefinition, SCOPES } from '../../functions/catalog/routes';
import { createLogger, type Logger } from '../../functions/shared/logger';
import { type LocalIdp, TOKEN_ALGORITHM, TokenRejectedError, type TokenVerifier } from '../auth/local-idp';
import { REPO_ROOT } from '../paths';
import { listen } from '../ports';
import { GATEWAY_MESSAGES, parserErrorResponse, resolveTrackingId, webexErrorBody } from './errors';
import { type AuthorizerResult, buildContext, buildEvent, type GatewayEvent, newRequestId } from './event';
import { type HttpResponse, mapHandlerResult } from './response';
import { type CompiledRoute, compileRoutes, matchRoute } from './router';

export type LambdaHandler = (event: GatewayEvent, context: Context) => unknown;

/** Hard cap on a request body the gateway buffers; the handler enforces the documented (smaller) limit itself. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** The functions' timeouts and memory as the stack sizes them per role (infra/constructs/service-function.ts). */
export const DEFAULT_TIMEOUTS_MS: Record<RouteDefinition['role'], number> = { api: 29_000, docs: 10_000 };
const MEMORY_MB: Record<RouteDefinition['role'], number> = { api: 512, docs: 256 };
/** How long a client may take to send a whole request (Node's own default). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
/** Most header lines a request may carry (Node's default `maxHeadersCount`): more is refused with 431, not truncated. */
export const MAX_HEADER_COUNT = 2000;

/**
 * How much of a route's body the gateway buffers: the hard cap, or for a route with a larger documented limit
 * (POST /v1/batches, 4 MiB) that limit plus the same margin, so its handler judges the size and answers the 413.
 */
export function gatewayBodyCap(route: Pick<RouteDefinition, 'maxBodyBytes'>, hardCap = DEFAULT_MAX_BODY_BYTES): number {
  return route.maxBodyBytes === undefined ? hardCap : Math.max(hardCap, route.maxBodyBytes + DEFAULT_MAX_BODY_BYTES);
}

/** A component check for `/health`: resolves when the component is up, throws (with a reason) when it is not. */
export type HealthCheck = () => Promise<void>;

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

/** Error of a handler module that cannot be loaded (missing file, no `handler` export). */
export class HandlerLoadError extends Error {
  constructor(route: RouteDefinition, cause: unknown) {
    super(`Cannot load the handler of ${route.operationId} from ${route.entry}`);
    // Enumerable, so the structured log shows why.
    this.cause = cause;
  }
}
// On the prototype, not the instance: the logger redacts an own `name` member as if it were a personal name.
HandlerLoadError.prototype.name = 'HandlerLoadError';

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

  const handlers = new Map<string, Promise<LambdaHandler>>();
  const importHandler =
    options.loadHandler ??
    (async (route: RouteDefinition): Promise<LambdaHandler> => {
      const mod: unknown = await import(pathToFileURL(path.resolve(repoRoot, route.entry)).href);
      const handler = mod !== null && typeof mod === 'object' ? (mod as Record<string, unknown>).handler : undefined;
      if (typeof handler !== 'function') throw new Error(`${route.entry} does not export a handler function`);
      return handler as LambdaHandler;
    });

  /** Import once per route (a warm Lambda); a failed load is retried on the next request, like a failed cold start. */
  function handlerFor(route: RouteDefinition): Promise<LambdaHandler> {
    let pending = handlers.get(route.operationId);
    if (!pending) {
      pending = importHandler(route).catch((error: unknown) => {
        handlers.delete(route.operationId);
        throw new HandlerLoadError(route, error);
      });
      handlers.set(route.operationId, pending);
    }
    return pending;
  }

  const mounts: Array<{ prefix: string; handler: MountedHandler }> = [];

  async function handle(req: IncomingMessage, res: ServerResponse, ctx: RequestLog): Promise<void> {
    const trackingId = resolveTrackingId(req.headers.trackingid);
    const sendError = (status: number, message: string, description?: string, headers: Record<string, string> = {}) =>
      writeResponse(res, ctx, {
        statusCode: status,
        headers: { 'content-type': 'application/json', trackingid: trackingId, ...headers },
        cookies: [],
        body: Buffer.from(JSON.stringify(webexErrorBody(message, trackingId, description))),
      });

    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const rawPath = (queryAt === -1 ? url : url.slice(0, queryAt)).split('#')[0] ?? '/';
    const rawQueryString = queryAt === -1 ? '' : (url.slice(queryAt + 1).split('#')[0] ?? '');
    const method = (req.method ?? 'GET').toUpperCase();

    // What Node's parser would refuse on its own, answered here so it gets the Webex body: HTTP/1.1 without Host
    // (RFC 9112 §3.2), and more header lines than Node keeps (it would drop the rest silently).
    if (req.httpVersion === '1.1' && req.headers.host === undefined) {
      res.shouldKeepAlive = false;
      return sendError(400, GATEWAY_MESSAGES.badRequest, 'An HTTP/1.1 request needs a Host header.', {
        connection: 'close',
      });
    }
    if (req.rawHeaders.length / 2 > MAX_HEADER_COUNT) {
      res.shouldKeepAlive = false;
      return sendError(
        431,
        GATEWAY_MESSAGES.headersTooLarge,
        `A request may carry at most ${MAX_HEADER_COUNT} headers.`,
        {
          connection: 'close',
        },
      );
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
      return writeResponse(res, ctx, { cookies: [], ...response, body: Buffer.from(response.body ?? '') });
    }

    const discovery = identityProviderDocument(authorizer, rawPath);
    if (discovery !== undefined) {
      ctx.routeKey = `GET ${rawPath}`;
      if (method !== 'GET') {
        return sendError(405, GATEWAY_MESSAGES.methodNotAllowed, `${method} is not supported here.`, { allow: 'GET' });
      }
      return writeResponse(res, ctx, {
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
      return writeHealth(res, ctx);
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

    let authorized: AuthorizerResult | undefined;
    if (route.scope !== null) {
      if (!authorizer) return sendError(503, GATEWAY_MESSAGES.starting, GATEWAY_MESSAGES.starting);
      const required = SCOPES[route.scope];
      const token = bearerToken(req.headers.authorization);
      try {
        const verified = await authorizer.verify(token ?? '');
        if (!verified.scopes.includes(required)) {
          return sendError(403, GATEWAY_MESSAGES.forbidden, `This operation requires the scope ${required}.`, {
            'www-authenticate': `Bearer error="insufficient_scope", scope="${required}"`,
          });
        }
        authorized = { claims: verified.claims, scopes: verified.scopes.filter((s) => s === required) };
      } catch (error) {
        const reason = error instanceof TokenRejectedError ? error : new TokenRejectedError('malformed');
        const challenge =
          reason.reason === 'missing'
            ? 'Bearer'
            : `Bearer error="invalid_token", error_description="${reason.message.replaceAll('"', "'")}"`;
        return sendError(401, GATEWAY_MESSAGES.unauthorized, reason.message, { 'www-authenticate': challenge });
      }
    }

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
      authorizer: authorized,
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

    const outcome = await invoke(route, event, context, timeoutMs);
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
    return writeResponse(res, ctx, mapped.response);
  }

  type Outcome = { kind: 'value'; value: unknown } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

  async function invoke(route: RouteDefinition, event: GatewayEvent, context: Context, timeoutMs: number) {
    let timer: NodeJS.Timeout | undefined;
    const run: Promise<Outcome> = handlerFor(route)
      .then((handler) => handler(event, context))
      .then(
        (value): Outcome => ({ kind: 'value', value }),
        (error: unknown): Outcome => ({ kind: 'error', error }),
      );
    const timeout = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
    });
    try {
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function writeHealth(res: ServerResponse, ctx: RequestLog): Promise<void> {
    const names = Object.keys(healthChecks);
    const results = await Promise.all(
      names.map(async (name) => {
        const check = healthChecks[name] as HealthCheck;
        try {
          await withTimeout(check(), healthTimeoutMs, `no answer within ${healthTimeoutMs} ms`);
          return [name, { status: 'ok' }] as const;
        } catch (error) {
          return [name, { status: 'down', error: error instanceof Error ? error.message : String(error) }] as const;
        }
      }),
    );
    const components: Record<string, { status: 'ok' | 'down'; error?: string }> = {
      gateway: authorizer ? { status: 'ok' } : { status: 'down', error: 'starting' },
      ...Object.fromEntries(results),
    };
    const up = Object.values(components).every((c) => c.status === 'ok');
    writeResponse(res, ctx, {
      statusCode: up ? 200 : 503,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      cookies: [],
      body: Buffer.from(JSON.stringify({ status: up ? 'ok' : 'unavailable', components })),
    });
  }

  interface RequestLog {
    requestId: string;
    startedAt: number;
    method: string;
    routeKey: string;
  }

  function writeResponse(res: ServerResponse, ctx: RequestLog, response: HttpResponse): void {
    res.statusCode = response.statusCode;
    for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
    if (!res.hasHeader('x-content-type-options')) res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('apigw-requestid', ctx.requestId);
    const cookies = [...response.cookies];
    const existing = res.getHeader('set-cookie');
    if (typeof existing === 'string') cookies.unshift(existing);
    if (cookies.length > 0) res.setHeader('set-cookie', cookies);
    res.setHeader('content-length', response.body.length);
    res.end(response.body);
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
        writeResponse(res, ctx, {
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
      const created = createServer(
        {
          // Answered by `handle` with a Webex body instead of Node's empty 400 / silent truncation.
          requireHostHeader: false,
          requestTimeout: requestTimeoutMs,
          headersTimeout: Math.min(60_000, requestTimeoutMs),
          connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(requestTimeoutMs / 4))),
        },
        onRequest,
      );
      created.maxHeadersCount = MAX_HEADER_COUNT + 1;
      created.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
        // Refused by Node's parser before any route: still the Webex error body, never an empty answer. A client
        // cut off for being slow is a warning; a request Node cannot parse is the caller's mistake (info).
        const fields = { code: error.code ?? 'unknown' };
        if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') log.warn('slow client cut off', fields);
        else if (error.code !== 'ECONNRESET') log.info('request refused by the HTTP parser', fields);
        if (socket.writable) socket.end(parserErrorResponse(error.code, error.rawPacket));
        else socket.destroy();
      });
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
    },
  };
}

/**
 * The local identity provider's public documents, below its issuer URL on this gateway: the OpenID discovery document
 * (the OpenAPI document's `openIdConnectUrl`) and its JWKS, so a client or tool can find how tokens are verified.
 * Undefined when `rawPath` is neither, or the authorizer is not the local identity provider.
 */
function identityProviderDocument(authorizer: TokenVerifier | undefined, rawPath: string): object | undefined {
  if (!authorizer || !('issuer' in authorizer) || !('publicJwk' in authorizer)) return undefined;
  const idp = authorizer as LocalIdp;
  const issuerPath = new URL(idp.issuer).pathname.replace(/\/+$/, '');
  if (rawPath === `${issuerPath}/jwks.json`) return { keys: [idp.publicJwk] };
  if (rawPath !== `${issuerPath}/.well-known/openid-configuration`) return undefined;
  return {
    issuer: idp.issuer,
    jwks_uri: `${idp.issuer}/jwks.json`,
    response_types_supported: ['token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [TOKEN_ALGORITHM],
    scopes_supported: Object.values(SCOPES),
    claims_supported: ['iss', 'aud', 'sub', 'client_id', 'scope', 'iat', 'nbf', 'exp', 'jti'],
    service_documentation: 'Sandbox tokens of the local runtime: npm run -s token -- write (or: read).',
  };
}

function errorCode(error: unknown): string | undefined {
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Did reading the request fail because the client went away or was cut off (not because of a fault of ours)? */
function clientGone(req: IncomingMessage, error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === 'ECONNRESET' ||
    code === 'ERR_HTTP_REQUEST_TIMEOUT' ||
    (error instanceof Error && error.message === 'aborted') ||
    (req.destroyed && !req.complete)
  );
}

/** The token of `Authorization: Bearer <token>`; API Gateway also accepts the bare token. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  if (match?.[1]) return match[1];
  const bare = header.trim();
  return bare === '' || /\s/.test(bare) ? undefined : bare;
}

/** Reads the body up to `limit` bytes; past it, stops buffering, drains what is still coming and reports too-large. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        chunks.length = 0;
        req.resume();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
