/**
 * What the local gateway refuses to let a client do to it: bodies over a cap (drained, then 413), requests Node would
 * mishandle (HTTP/1.1 without Host, more header lines than Node keeps), requests sent too slowly (408 by Node's
 * timeouts), and requests Node's parser refuses (still answered with the Webex error body). Also tells a client that
 * went away from a fault of ours.
 */
import type { IncomingMessage, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { RouteDefinition } from '../../functions/catalog/routes';
import type { Logger } from '../../functions/shared/logger';
import { GATEWAY_MESSAGES, parserErrorResponse, type Refusal } from './errors';

/** Hard cap on a request body the gateway buffers; the handler enforces the documented (smaller) limit itself. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
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

/** Node's server options for a gateway that lets a client take `requestTimeoutMs` to send a request. */
export function hardenedServerOptions(requestTimeoutMs: number): ServerOptions {
  return {
    // Answered by `refuseMalformed` with a Webex body instead of Node's empty 400 / silent truncation.
    requireHostHeader: false,
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(60_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(requestTimeoutMs / 4))),
  };
}

/** Node's `maxHeadersCount` for the gateway: one more than it accepts, so `refuseMalformed` sees a request with more. */
export const SERVER_MAX_HEADERS_COUNT = MAX_HEADER_COUNT + 1;

/**
 * What Node's parser would refuse on its own, answered by the gateway so it gets the Webex body: HTTP/1.1 without Host
 * (RFC 9112 §3.2), and more header lines than Node keeps (it would drop the rest silently). The connection is closed.
 */
export function refuseMalformed(req: IncomingMessage): Refusal | undefined {
  if (req.httpVersion === '1.1' && req.headers.host === undefined) {
    return {
      status: 400,
      message: GATEWAY_MESSAGES.badRequest,
      description: 'An HTTP/1.1 request needs a Host header.',
      headers: { connection: 'close' },
    };
  }
  if (req.rawHeaders.length / 2 > MAX_HEADER_COUNT) {
    return {
      status: 431,
      message: GATEWAY_MESSAGES.headersTooLarge,
      description: `A request may carry at most ${MAX_HEADER_COUNT} headers.`,
      headers: { connection: 'close' },
    };
  }
  return undefined;
}

/** The server's `clientError` listener: a request refused by Node's parser before any route still gets a Webex body. */
export function answerClientError(log: Logger) {
  return (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket): void => {
    // Refused by Node's parser before any route: still the Webex error body, never an empty answer. A client
    // cut off for being slow is a warning; a request Node cannot parse is the caller's mistake (info).
    const fields = { code: error.code ?? 'unknown' };
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') log.warn('slow client cut off', fields);
    else if (error.code !== 'ECONNRESET') log.info('request refused by the HTTP parser', fields);
    if (socket.writable) socket.end(parserErrorResponse(error.code, error.rawPacket));
    else socket.destroy();
  };
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

export function errorCode(error: unknown): string | undefined {
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Did reading the request fail because the client went away or was cut off (not because of a fault of ours)? */
export function clientGone(req: IncomingMessage, error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === 'ECONNRESET' ||
    code === 'ERR_HTTP_REQUEST_TIMEOUT' ||
    (error instanceof Error && error.message === 'aborted') ||
    (req.destroyed && !req.complete)
  );
}
