/**
 * Validates response bodies against the response schemas of the Webex spec
 * (`../shared/specs/webex-broadworks-subscribers.openapi.json`, relative to the repository root), with ajv.
 *
 * - `path` is a spec path (`/broadworks/subscribers/{subscriberId}`); a concrete path (`/v1/broadworks/subscribers/abc`,
 *   with or without `/v1`, with or without a query) is matched to its spec path too.
 * - A status the spec documents without content (204, 429) must come without a body; except that an error status
 *   (>= 400) may carry a body, which must then be a `WebexError`.
 * - An error status the operation does not document (413 for example) is held against the spec's `WebexError` schema,
 *   the body every error of this project carries. An undocumented success status is invalid.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SPEC_FILE = resolve(REPO_ROOT, '../shared/specs/webex-broadworks-subscribers.openapi.json');

const SPEC_ID = 'https://spec.local/webex-broadworks-subscribers.openapi.json';
const WEBEX_ERROR_POINTER = '#/components/schemas/WebexError';

interface SpecResponse {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
}
interface SpecOperation {
  operationId?: string;
  responses?: Record<string, SpecResponse>;
}
interface SpecDocument {
  paths: Record<string, Record<string, SpecOperation>>;
  components?: { schemas?: Record<string, unknown> };
}

export interface ValidationResult {
  valid: boolean;
  /** Readable problems, one per line; empty when valid. */
  errors: string;
}

let cached: { spec: SpecDocument; ajv: Ajv; validators: Map<string, ValidateFunction> } | undefined;

function state() {
  if (cached) return cached;
  const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as SpecDocument;
  // OpenAPI 3.0 schemas carry keywords JSON Schema does not know (example, nullable…): strict off.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(spec as object, SPEC_ID);
  cached = { spec, ajv, validators: new Map() };
  return cached;
}

/** The parsed spec document (read once). */
export function specDocument(): SpecDocument {
  return state().spec;
}

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

function validatorFor(pointer: string): ValidateFunction {
  const { ajv, validators } = state();
  let validate = validators.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${SPEC_ID}${pointer}` });
    validators.set(pointer, validate);
  }
  return validate;
}

/** The spec path for `path`: exact, or without a leading `/v1`, or matched against the templates (literals first). */
export function resolveSpecPath(path: string): string | undefined {
  const { spec } = state();
  const bare = path.split('?')[0] ?? path;
  const candidates = [bare, bare.startsWith('/v1/') ? bare.slice(3) : bare];
  for (const candidate of candidates) if (spec.paths[candidate]) return candidate;
  const concrete = (candidates[1] ?? bare).split('/');
  const matches = Object.keys(spec.paths).filter((template) => {
    const parts = template.split('/');
    return (
      parts.length === concrete.length &&
      parts.every((part, i) => (part.startsWith('{') && part.endsWith('}') ? concrete[i] !== '' : part === concrete[i]))
    );
  });
  const literalCount = (template: string) => template.split('/').filter((p) => !p.startsWith('{')).length;
  matches.sort((a, b) => literalCount(b) - literalCount(a));
  return matches[0];
}

function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === null || body === '';
}

function readable(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map(
      (e) =>
        `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    )
    .join('\n');
}

function check(pointer: string, body: unknown, context: string): ValidationResult {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return { valid: false, errors: `${context}: the body is not JSON` };
    }
  }
  const validate = validatorFor(pointer);
  if (validate(value)) return { valid: true, errors: '' };
  return { valid: false, errors: `${context}:\n${readable(validate)}` };
}

/**
 * Does `body` (parsed JSON, a JSON string, or undefined for no body) match what the spec documents for `method path`
 * answering `status`?
 */
export function validateResponse(method: string, path: string, status: number, body: unknown): ValidationResult {
  const { spec } = state();
  const specPath = resolveSpecPath(path);
  const verb = method.toLowerCase();
  const operation = specPath ? spec.paths[specPath]?.[verb] : undefined;
  const where = `${method.toUpperCase()} ${specPath ?? path} ${status}`;
  if (!specPath || !operation)
    return { valid: false, errors: `the spec has no operation ${method.toUpperCase()} ${path}` };
  const responses = operation.responses ?? {};
  const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => responses[k] !== undefined);
  const response = key === undefined ? undefined : responses[key];
  if (!response || key === 'default') {
    if (status >= 400)
      return check(WEBEX_ERROR_POINTER, body, `${where} (undocumented error status, held to WebexError)`);
    if (!response) return { valid: false, errors: `${where}: the spec does not document status ${status}` };
  }
  const mediaType = response.content ? Object.keys(response.content)[0] : undefined;
  if (!mediaType) {
    if (isEmptyBody(body)) return { valid: true, errors: '' };
    if (status >= 400) return check(WEBEX_ERROR_POINTER, body, `${where} (error body held to WebexError)`);
    return { valid: false, errors: `${where}: the spec documents no body, got ${JSON.stringify(body).slice(0, 200)}` };
  }
  if (isEmptyBody(body)) return { valid: false, errors: `${where}: a ${mediaType} body is required, got none` };
  const pointer = `#/paths/${escapePointer(specPath)}/${verb}/responses/${key}/content/${escapePointer(mediaType)}/schema`;
  return check(pointer, body, where);
}

/** Throws with readable errors unless `body` matches the spec's response for `method path status`. */
export function expectValidResponse(method: string, path: string, status: number, body: unknown): void {
  const result = validateResponse(method, path, status, body);
  if (!result.valid) throw new Error(`Response does not match the spec: ${result.errors}`);
}

/** Validate `value` against a named schema of the spec's components (e.g. `Subscriber`, `WebexError`). */
export function validateComponent(name: string, value: unknown): ValidationResult {
  const { spec } = state();
  if (!spec.components?.schemas?.[name]) return { valid: false, errors: `the spec has no component schema ${name}` };
  return check(`#/components/schemas/${escapePointer(name)}`, value, `components.schemas.${name}`);
}
