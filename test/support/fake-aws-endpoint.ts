/**
 * A fake AWS JSON endpoint for the signed-request adapters' tests: it records every request and answers the scripted
 * answers in order (the last one repeats; none scripted: 200 `{}`). An answer may depend on the request, or be
 * `'hang'` (no answer at all, for timeouts).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type ScriptedAnswer = Reply | 'hang' | ((request: ReceivedRequest) => Reply);

export interface FakeAwsEndpoint {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The answers, in order; the last one repeats. */
  script: ScriptedAnswer[];
  /** Every request so far. */
  received: ReceivedRequest[];
  /** Called after each request is recorded, before it is answered. */
  onRequest: (() => void) | undefined;
  /** Forget the script and the requests, and drop kept-alive connections (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeAwsEndpoint(contentType = 'application/x-amz-json-1.0'): Promise<FakeAwsEndpoint> {
  let server: Server | undefined;
  const fake: FakeAwsEndpoint = {
    url: '',
    script: [],
    received: [],
    onRequest: undefined,
    reset() {
      fake.script = [];
      fake.received = [];
      fake.onRequest = undefined;
      server?.closeAllConnections();
    },
    async close() {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    },
  };
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      const request = { method: req.method, url: req.url, headers: req.headers, body };
      fake.received.push(request);
      const scripted = fake.script[Math.min(fake.received.length - 1, fake.script.length - 1)] ?? {
        status: 200,
        body: {},
      };
      fake.onRequest?.();
      if (scripted === 'hang') return;
      const answer = typeof scripted === 'function' ? scripted(request) : scripted;
      res.writeHead(answer.status, { 'content-type': contentType, ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  (fake as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}
