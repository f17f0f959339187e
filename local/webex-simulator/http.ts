/**
 * HTTP plumbing of the simulator: the exchange its handlers share, reading bounded bodies, TrackingIDs, and Webex-style
 * JSON and error responses.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebexErrorItem } from '../../functions/domain/contract/fields';
import type { WebexErrorBody } from '../../functions/domain/contract/responses';
import { RULES } from '../../functions/domain/contract/rules';
import { DomainError, ValidationError } from '../../functions/domain/errors';
import {
  MalformedJsonError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../functions/http/errors';

import type { OperationId } from './types';

/** Stop reading (and destroy the connection) after this many bytes of a refused oversized body. */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;

export interface RequestBody {
  bytes: Buffer;
  /** More than `RULES.maxRequestBodyBytes` arrived; `bytes` holds only the start. */
  tooLarge: boolean;
}

/** One request and its answer, as the simulator's handlers see it. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  trackingId: string;
  url: URL;
  body: RequestBody;
  /** What the request counts as in the statistics. */
  operation?: OperationId | 'unrouted' | 'control';
}

/** Read the whole request body, keeping at most the limit; an oversized body is drained so the client gets an answer. */
export function readBody(req: IncomingMessage, limit: number = RULES.maxRequestBodyBytes): Promise<RequestBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        if (size > MAX_DRAIN_BYTES) req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve({ bytes: Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

const TRACKING_ID_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** The caller's `TrackingID` header when it is sane, else a new one. */
export function trackingIdOf(req: IncomingMessage): string {
  const sent = req.headers.trackingid;
  const value = Array.isArray(sent) ? sent[0] : sent;
  if (value && TRACKING_ID_PATTERN.test(value)) return value;
  return `WEBEXSIM_${randomUUID()}`;
}

export function mediaTypeOf(req: IncomingMessage): string | undefined {
  const header = req.headers['content-type'];
  if (!header) return undefined;
  return header.split(';')[0]?.trim().toLowerCase();
}

/** Parse a JSON request body, refusing other media types (415), oversized (413) and malformed (400) bodies. */
export function parseJsonBody(req: IncomingMessage, body: RequestBody): unknown {
  if (body.tooLarge) {
    throw new PayloadTooLargeError('The request body is too large.', [
      { description: `The request body must be at most ${RULES.maxRequestBodyBytes} bytes.` },
    ]);
  }
  const mediaType = mediaTypeOf(req);
  if (mediaType !== 'application/json') {
    throw new UnsupportedMediaTypeError('Unsupported media type.', [
      { description: 'The request body must be application/json.' },
    ]);
  }
  const text = body.bytes.toString('utf8');
  if (text.trim() === '') {
    throw new MalformedJsonError('The request body is not valid JSON.', [
      { description: 'The request body is empty: a JSON object is required.' },
    ]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MalformedJsonError('The request body is not valid JSON.', [
      { description: 'The request body could not be parsed as JSON.' },
    ]);
  }
}

/** A body is optional (consentMove, control actions without input): when one is sent it must still be JSON. */
export function parseOptionalJsonBody(req: IncomingMessage, body: RequestBody): unknown {
  if (!body.tooLarge && body.bytes.length === 0) return undefined;
  return parseJsonBody(req, body);
}

/** Query parameters as a record, refusing a parameter given more than once (400 1002 on that parameter). */
export function singleQueryParams(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) {
    if (Object.hasOwn(out, key)) {
      throw new ValidationError('The request is invalid.', [
        { description: `${key} must not be repeated`, errorCode: 1002, fieldName: key },
      ]);
    }
    out[key] = value;
  }
  return out;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendNoContent(res: ServerResponse, headers: Record<string, string | number> = {}): void {
  res.writeHead(204, headers);
  res.end();
}

export function webexErrorBody(message: string, errors: WebexErrorItem[], trackingId: string): WebexErrorBody {
  return { message, errors: errors.length > 0 ? errors : [{ description: message }], trackingId };
}

const STATUS_BY_KIND: Record<string, number> = {
  validation: 400,
  'malformed-json': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
};

/** The HTTP status for a domain error, or undefined for anything else (a bug: 500). */
export function statusOfError(error: unknown): number | undefined {
  return error instanceof DomainError ? STATUS_BY_KIND[error.kind] : undefined;
}

/** 405 carrying the methods the resource allows (for the `Allow` header). */
export function methodNotAllowed(method: string, allowed: string[]): MethodNotAllowedError & { allow: string[] } {
  const error = new MethodNotAllowedError('The request method is not supported for this resource.', [
    { description: `${method} is not allowed here; allowed: ${allowed.join(', ')}.` },
  ]);
  return Object.assign(error, { allow: allowed });
}
