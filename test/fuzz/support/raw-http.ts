/**
 * A raw HTTP/1.1 client for fuzzing: the path is sent exactly as given (no URL normalisation, so `..` and `%2e%2e`
 * reach the server), headers may repeat (`[name, value]` pairs), and every exchange is bounded in time — a server that
 * does not answer is a finding ("hang"), never a stuck test.
 */
import { request } from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query, sent as they are (Node refuses only bytes outside 0x21..0xff). */
  path: string;
  /** Header lines in order; a name may repeat. */
  headers: Array<[string, string]>;
  body?: Buffer | string | undefined;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed JSON body, when it is JSON. */
  json: unknown;
}

export class HangError extends Error {
  constructor(what: string, ms: number) {
    super(`no answer to ${what} within ${ms} ms`);
    this.name = 'HangError';
  }
}

export function sendRaw(baseUrl: string, req: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headerLines: Record<string, string[]> = {};
  for (const [name, value] of req.headers) headerLines[name] = [...(headerLines[name] ?? []), value];
  const headers: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(headerLines))
    headers[name] = values.length === 1 ? (values[0] ?? '') : values;
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
    headers['content-length'] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          if (/json/i.test(String(res.headers['content-type'] ?? '')) && text !== '') {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    const timer = setTimeout(() => {
      outgoing.destroy();
      reject(new HangError(`${req.method} ${req.path.slice(0, 120)}`, timeoutMs));
    }, timeoutMs);
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (body !== undefined) outgoing.end(body);
    else outgoing.end();
  });
}

/** Is `response` a Webex error body whose trackingId matches the TrackingID header? Returns the problem, if any. */
export function webexErrorProblem(response: RawResponse): string | undefined {
  const body = response.json as { message?: unknown; errors?: unknown; trackingId?: unknown } | undefined;
  if (body === undefined || body === null || typeof body !== 'object') return 'the error body is not JSON';
  if (typeof body.message !== 'string' || body.message === '') return 'the error body has no message';
  if (!Array.isArray(body.errors)) return 'the error body has no errors list';
  if (typeof body.trackingId !== 'string' || body.trackingId === '') return 'the error body has no trackingId';
  if (response.headers.trackingid !== body.trackingId) return 'the TrackingID header differs from the body';
  return undefined;
}
