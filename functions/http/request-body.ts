/**
 * Reading a request body the way the contract wants it: at most `RULES.maxRequestBodyBytes` (base64 bodies counted
 * decoded), only `application/json` (a charset parameter is allowed if it is UTF-8), present when the route takes one,
 * and valid JSON — each refusal a named error the error mapper turns into 413, 415, 400 1001 or 400.
 */
import { ERROR_CODES, RULES } from '../domain/contract/rules';
import { ValidationError } from '../domain/errors';
import { MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors';

export interface RawBody {
  body?: string | undefined;
  isBase64Encoded?: boolean | undefined;
}

/** The body's size in bytes as received by the function (decoded when base64). */
export function bodyByteLength(event: RawBody): number {
  if (event.body === undefined || event.body === null) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body, 'utf8');
}

export function assertBodySize(event: RawBody, limit: number = RULES.maxRequestBodyBytes): void {
  if (bodyByteLength(event) > limit) {
    throw new PayloadTooLargeError(`The request body is larger than ${limit} bytes.`, [
      { description: `The request body must be at most ${limit} bytes.` },
    ]);
  }
}

/** `application/json`, optionally with `charset=utf-8`; anything else is refused. */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [mediaType, ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  for (const parameter of parameters) {
    if (parameter === '') continue;
    const [name, rawValue = ''] = parameter.split('=').map((s) => s.trim());
    if (name !== 'charset') return false;
    const value = rawValue.replace(/^"(.*)"$/, '$1');
    if (value !== 'utf-8' && value !== 'utf8') return false;
  }
  return true;
}

/** Parse a JSON request body, refusing a missing body, a non-JSON content type and malformed JSON. */
export function parseJsonBody(event: RawBody, contentType: string | undefined): unknown {
  const text = event.body === undefined || event.body === null ? '' : decodeBody(event);
  if (text.trim() === '') {
    throw new ValidationError('The request body is missing.', [
      { description: 'Missing mandatory parameter: request body', errorCode: ERROR_CODES.missingField },
    ]);
  }
  if (!isJsonContentType(contentType)) {
    throw new UnsupportedMediaTypeError('The request body must be application/json.', [
      { description: 'Content-Type must be application/json' },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedJsonError('The request body is malformed JSON.', [
      { description: 'The request body could not be parsed as JSON.' },
    ]);
  }
}

function decodeBody(event: RawBody): string {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}
