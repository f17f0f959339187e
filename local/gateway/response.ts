/**
 * Turns what a handler returned into an HTTP response, as API Gateway does for payload format 2.0:
 * - a structured result (`statusCode`, `headers`, `body`, `isBase64Encoded`, `cookies`) is used as it is;
 * - a string is the body of a 200 `application/json` response; any other JSON value (object without `statusCode`,
 *   array, number, boolean) is serialized as the body of a 200 `application/json` response.
 * Anything API Gateway could not turn into a response (no value at all, a bad status code, a non-string body, a header
 * value that is not a primitive) is reported as `invalid`: the gateway answers 502.
 * `writeResponse` sends a response to the client.
 */
import type { ServerResponse } from 'node:http';

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

export type MappedResult = { kind: 'response'; response: HttpResponse } | { kind: 'invalid'; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const invalid = (reason: string): MappedResult => ({ kind: 'invalid', reason });

export function mapHandlerResult(result: unknown): MappedResult {
  if (result === undefined || result === null) return invalid('the handler returned no value');
  if (typeof result === 'string') {
    return {
      kind: 'response',
      response: {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        cookies: [],
        body: Buffer.from(result),
      },
    };
  }
  if (!isRecord(result) || !('statusCode' in result)) {
    let json: string | undefined;
    try {
      json = JSON.stringify(result);
    } catch {
      return invalid('the handler returned a value that is not JSON-serializable');
    }
    if (json === undefined) return invalid('the handler returned a value that is not JSON');
    return {
      kind: 'response',
      response: {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        cookies: [],
        body: Buffer.from(json),
      },
    };
  }

  const { statusCode, headers, body, isBase64Encoded, cookies } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return invalid(`statusCode must be an integer from 100 to 599 (got ${JSON.stringify(statusCode)})`);
  }
  const outHeaders: Record<string, string> = {};
  if (headers !== undefined) {
    if (!isRecord(headers)) return invalid('headers must be an object');
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        return invalid(`header ${name} must be a string, number or boolean`);
      }
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return invalid(`header name ${JSON.stringify(name)} is invalid`);
      const text = String(value);
      if (/[\r\n\0]/.test(text)) return invalid(`header ${name} contains control characters`);
      outHeaders[name.toLowerCase()] = text;
    }
  }
  if (body !== undefined && body !== null && typeof body !== 'string') return invalid('body must be a string');
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== 'boolean') {
    return invalid('isBase64Encoded must be a boolean');
  }
  let outCookies: string[] = [];
  if (cookies !== undefined) {
    if (!Array.isArray(cookies) || !cookies.every((c) => typeof c === 'string' && !/[\r\n\0]/.test(c))) {
      return invalid('cookies must be an array of strings');
    }
    outCookies = cookies;
  }
  let bytes = Buffer.alloc(0);
  if (typeof body === 'string') {
    if (isBase64Encoded === true) {
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(body.replace(/\s/g, ''))) return invalid('body is not valid base64');
      bytes = Buffer.from(body, 'base64');
    } else {
      bytes = Buffer.from(body, 'utf8');
    }
  }
  return { kind: 'response', response: { statusCode, headers: outHeaders, cookies: outCookies, body: bytes } };
}

/** Writes `response` to the client, with `nosniff` unless set and the request's `apigw-requestid`. */
export function writeResponse(res: ServerResponse, requestId: string, response: HttpResponse): void {
  res.statusCode = response.statusCode;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (!res.hasHeader('x-content-type-options')) res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('apigw-requestid', requestId);
  const cookies = [...response.cookies];
  const existing = res.getHeader('set-cookie');
  if (typeof existing === 'string') cookies.unshift(existing);
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.setHeader('content-length', response.body.length);
  res.end(response.body);
}
