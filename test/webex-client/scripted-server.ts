/**
 * A small scripted HTTP server on 127.0.0.1 and an ephemeral port: each test queues the answers it wants, in order, and
 * reads back every request the client sent.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  /** Never answer (until the client gives up or the server stops). */
  hang?: boolean;
  /** Destroy the connection without answering (a reset). */
  reset?: boolean;
  /** Do not send the automatic Date header. */
  noDate?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedServer {
  /** Base URL including `/v1`, as the credentials hand it to the client. */
  readonly baseUrl: string;
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** Queue answers; once the queue is empty every request gets the fallback (500 unless set). */
  script(...answers: ScriptedAnswer[]): void;
  /** Resolves once `count` requests have arrived. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startScriptedServer(fallback: ScriptedAnswer = { status: 500, body: { message: 'unscripted' } }) {
  const queue: ScriptedAnswer[] = [];
  const requests: RecordedRequest[] = [];
  const watchers: Array<{ count: number; resolve: () => void }> = [];
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      for (const w of watchers.filter((x) => requests.length >= x.count)) w.resolve();
      const answer = queue.shift() ?? fallback;
      if (answer.reset) {
        req.socket.destroy();
        return;
      }
      if (answer.hang) {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (answer.noDate) res.sendDate = false;
      const body =
        answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      const headers: Record<string, string> = { ...(answer.headers ?? {}) };
      if (typeof answer.body === 'object' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['Content-Type'] = 'application/json';
      }
      res.writeHead(answer.status ?? 200, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const scripted: ScriptedServer = {
    baseUrl: `${origin}/v1`,
    origin,
    requests,
    script: (...answers) => {
      queue.push(...answers);
    },
    received: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => watchers.push({ count, resolve })),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return scripted;
}
