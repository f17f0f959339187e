/**
 * Property-based fuzzing of the API through the local gateway (the real JWT authorizer, handlers, simulator, dynalite):
 * random and malformed JSON, wrong types, nulls, arrays for objects, deep nesting, huge bodies and strings, odd unicode,
 * control characters, path traversal and over-long ids, bad query values, duplicate and missing headers, wrong methods.
 *
 * The property: the gateway always answers (no hang), never with a 5xx, and every 4xx is a Webex error body whose
 * trackingId is the TrackingID header. Random input may also be valid (a 2xx is fine).
 */
import fc from 'fast-check';
import { ROUTES, type RouteDefinition } from '../../../functions/catalog/routes';
import { TRUSTED_TEMPLATE_ID } from '../../../local/webex-simulator';
import { type RawRequest, type RawResponse, sendRaw, webexErrorProblem } from './raw-http';

export interface GatewayFuzzContext {
  apiUrl: string;
  tokens: { read: string; write: string };
  /** Counts of answers by status, per target (filled as cases run). */
  statuses: Map<string, Map<number, number>>;
}

export const VALID_SUBSCRIBER_ID = 'Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIvZnV6eg';

let sequence = 0;
function unique(): string {
  sequence += 1;
  return `${sequence}`;
}

function validSubscriber(): Record<string, unknown> {
  const n = unique();
  return {
    provisioningId: TRUSTED_TEMPLATE_ID,
    userId: `fuzz-${n}@sp.example.com`,
    spEnterpriseId: 'enterprise-fuzz',
    firstName: 'Fuzz',
    lastName: 'Tester',
    package: 'standard',
    primaryPhoneNumber: '+1 408 555 0142',
    email: `fuzz-${n}@customer.example.com`,
  };
}

/** A valid body for each body route (mutated by the fuzzer). */
function validBody(route: RouteDefinition): Record<string, unknown> | undefined {
  switch (route.operationId) {
    case 'provisionSubscriber':
    case 'precheckSubscriber':
      return validSubscriber();
    case 'updateSubscriber':
      return { firstName: 'Updated', package: 'basic' };
    case 'submitOrder':
      return { orderId: `fuzz-order-${unique()}`, subscriber: validSubscriber() };
    default:
      return undefined;
  }
}

const FIELD_NAMES = [
  'provisioningId',
  'userId',
  'spEnterpriseId',
  'firstName',
  'lastName',
  'package',
  'primaryPhoneNumber',
  'mobilePhoneNumber',
  'extension',
  'email',
  'language',
  'timezone',
  'customerInfo',
  'orderId',
  'subscriber',
  'options',
  '__proto__',
  'constructor',
  'prototype',
];

const SPECIAL_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u0007\b\f\v',
  '\r\n',
  '\u202eevil\u202c',
  '\ud83d\ude00\u200d\ud83d\udd25',
  '\ud800',
  '\ufeff',
  'ǅ̶̢̛',
  '../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%00',
  '%s%n%x',
  "' OR '1'='1",
  '<script>alert(1)</script>',
  ['$', '{jndi:ldap://127.0.0.1/x}'].join(''),
  '{{7*7}}',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  'true',
];

/** Strings that break things: unicode of every kind, control characters, injections, long runs. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 1, arbitrary: fc.integer({ min: 256, max: 20_000 }).map((n) => 'x'.repeat(n)) },
);

/** JSON values of the wrong type, nulls, arrays for objects, big numbers. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e300),
  nastyString,
  fc.array(nastyString, { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.dictionary(fc.constantFrom(...FIELD_NAMES), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

function nested(depth: number, open: string, close: string, leaf = '1'): string {
  return `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;
}

/** A request body as bytes: mutated valid JSON, random JSON, malformed text, deep nesting or a huge document. */
function bodyArbitrary(route: RouteDefinition): fc.Arbitrary<string | undefined> {
  const mutated = fc
    .tuple(fc.dictionary(fc.constantFrom(...FIELD_NAMES), wrongValue, { maxKeys: 3 }), fc.boolean())
    .map(([patch, drop]) => {
      const base = validBody(route) ?? {};
      const copy: Record<string, unknown> = { ...base };
      for (const [key, value] of Object.entries(patch)) {
        if (drop) delete copy[key];
        else Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return JSON.stringify(copy);
    });
  const nestedField = fc.integer({ min: 1, max: 3 }).chain((level) =>
    fc.constantFrom('subscriber', 'customerInfo', 'firstName').map((field) => {
      const base = validBody(route) ?? {};
      const inner = level === 1 ? [] : level === 2 ? [[{}]] : { a: { b: { c: [null] } } };
      return JSON.stringify({ ...base, [field]: inner });
    }),
  );
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: nestedField },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{',
        '{"a":',
        '{"userId":"a","userId":"b"}',
        '\ufeff{}',
        '[]',
        'null',
        '"string"',
        '123',
        'NaN',
        '{"a":1}garbage',
        "{'single':'quotes'}",
        '{"__proto__":{"polluted":true}}',
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1_000, max: 50_000 })
        .chain((depth) => fc.constantFrom(nested(depth, '[', ']'), nested(depth, '{"a":', '}'))),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 60 * 1024, max: 300 * 1024 })
        .map((size) => JSON.stringify({ ...validBody(route), firstName: 'y'.repeat(size) })),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** A path parameter: valid, encoded nasty strings, traversal, over-long, control characters, bad escapes. */
const pathParameter: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(VALID_SUBSCRIBER_ID) },
  { weight: 3, arbitrary: nastyString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?'))) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '..%2f..%2f..%2fetc%2fpasswd',
      '%2F',
      '%5C..%5C',
      '%00',
      '%0a%0d',
      '%ZZ',
      '%',
      '%u002e',
      '%C0%AE%C0%AE',
      '%E2%80%AE',
      '~',
      '*',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 256, max: 8_000 }).map((n) => 'a'.repeat(n)) },
);

const QUERY_KEYS = [
  'max',
  'cursor',
  'userId',
  'personId',
  'email',
  'provisioningId',
  'spEnterpriseId',
  'status',
  'lastStatusChange',
  'after',
  'selfActivated',
  'x',
  '',
];
const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('1', '0', '-1', '101', '1e2', '50.5', 'abc', '', 'true', 'provisioned,error', '2025-13-45', 'NaN'),
  nastyString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?'))),
  fc.constantFrom('%', '%ZZ', '&&', '==', '%00', '+', '%2B'),
);
const queryString: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue), { maxLength: 5 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

/** Header values Node can send: printable ASCII and latin-1, no control characters. */
const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  fc.constantFrom('', ' ', 'é€'.replace('€', 'e'), 'x'.repeat(300)),
);

function headersArbitrary(route: RouteDefinition, ctx: GatewayFuzzContext): fc.Arbitrary<Array<[string, string]>> {
  const good = route.scope === 'read' ? ctx.tokens.read : ctx.tokens.write;
  const other = route.scope === 'read' ? ctx.tokens.write : ctx.tokens.read;
  const authorization: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
    { weight: 8, arbitrary: fc.constant([['authorization', `Bearer ${good}`]] as Array<[string, string]>) },
    { weight: 1, arbitrary: fc.constant([] as Array<[string, string]>) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          'Bearer',
          'Bearer ',
          'bearer garbage',
          `Basic ${Buffer.from('a:b').toString('base64')}`,
          `Bearer ${good}x`,
          `Bearer ${good.split('.').slice(0, 2).join('.')}.`,
          `Bearer ${good} ${good}`,
          `Token ${good}`,
        )
        .map((value) => [['authorization', value]] as Array<[string, string]>),
    },
    {
      weight: 1,
      arbitrary: fc.constant([
        ['authorization', `Bearer ${good}`],
        ['authorization', `Bearer ${other}`],
      ] as Array<[string, string]>),
    },
    { weight: 1, arbitrary: fc.constant([['authorization', `Bearer ${other}`]] as Array<[string, string]>) },
  );
  const contentType: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
    { weight: 6, arbitrary: fc.constant([['content-type', 'application/json']] as Array<[string, string]>) },
    { weight: 1, arbitrary: fc.constant([] as Array<[string, string]>) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          'text/plain',
          'application/json; charset=utf-16',
          'application/json; charset=utf-8',
          'APPLICATION/JSON',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json, text/plain',
          '',
        )
        .map((value) => [['content-type', value]] as Array<[string, string]>),
    },
    {
      weight: 1,
      arbitrary: fc.constant([
        ['content-type', 'application/json'],
        ['content-type', 'text/plain'],
      ] as Array<[string, string]>),
    },
  );
  const extra: fc.Arbitrary<Array<[string, string]>> = fc.array(
    fc.tuple(
      fc.constantFrom('trackingid', 'x-forwarded-for', 'accept', 'x-amz-date', 'cookie', 'x-custom'),
      headerValue,
    ),
    { maxLength: 3 },
  );
  return fc.tuple(authorization, contentType, extra).map(([a, c, e]) => [...a, ...c, ...e]);
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const;

export function requestArbitrary(route: RouteDefinition, ctx: GatewayFuzzContext): fc.Arbitrary<RawRequest> {
  const params = route.path.match(/\{[^}]+\}/g) ?? [];
  const path = fc
    .array(pathParameter, { minLength: params.length, maxLength: params.length })
    .map((values) => values.reduce((p, value, i) => p.replace(params[i] ?? '', value), route.path));
  const method = fc.oneof(
    { weight: 8, arbitrary: fc.constant(route.method) },
    { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
  );
  return fc
    .record({
      method,
      path,
      query: route.method === 'GET' ? queryString : fc.constantFrom('', '?x=1'),
      headers: headersArbitrary(route, ctx),
      body: route.method === 'POST' || route.method === 'PUT' ? bodyArbitrary(route) : fc.constant(undefined),
    })
    .map(({ method, path, query, headers, body }) => printable({ method, path: `${path}${query}`, headers, body }));
}

/** Counterexamples print as one short line (fast-check would print every byte of a 300 KiB body). */
function printable(req: RawRequest): RawRequest {
  return Object.defineProperty(req, fc.toStringMethod, { value: () => describeRequest(req), enumerable: false });
}

/** Paths and methods no route serves: random segments, traversal, encodings. */
export function unroutedArbitrary(): fc.Arbitrary<RawRequest> {
  const segment = fc.oneof(
    fc.constantFrom(
      'v1',
      'broadworks',
      'subscribers',
      'orders',
      'validate',
      'emails',
      'consentMove',
      'audit',
      'health',
    ),
    pathParameter,
    fc.constantFrom('', '..', '.', '%2e%2e', '%2F', '//', '?', '#'),
  );
  return fc
    .record({
      segments: fc.array(segment, { maxLength: 7 }),
      method: fc.constantFrom(...METHODS),
    })
    .map(({ segments, method }) => printable({ method, path: `/${segments.join('/')}`, headers: [] }));
}

function count(ctx: GatewayFuzzContext, target: string, status: number): void {
  const byStatus = ctx.statuses.get(target) ?? new Map<number, number>();
  byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  ctx.statuses.set(target, byStatus);
}

/** What is wrong with the answer to `req`, if anything. */
export function answerProblem(req: RawRequest, res: RawResponse): string | undefined {
  if (res.status >= 500) return `answered ${res.status}: ${res.text.slice(0, 300)}`;
  if (res.status < 100) return `answered no status (${res.status})`;
  if (res.status >= 400 && req.method !== 'HEAD') return webexErrorProblem(res);
  return undefined;
}

function describeRequest(req: RawRequest): string {
  const body =
    req.body === undefined ? '' : ` body(${Buffer.byteLength(req.body)} B)=${String(req.body).slice(0, 200)}`;
  return `${req.method} ${req.path.slice(0, 200)} headers=${JSON.stringify(req.headers.map(([n, v]) => [n, v.slice(0, 40)]))}${body}`;
}

export function routeProperty(route: RouteDefinition, ctx: GatewayFuzzContext) {
  const target = `${route.method} ${route.path}`;
  return fc.asyncProperty(requestArbitrary(route, ctx), async (req) => {
    const res = await sendRaw(ctx.apiUrl, req);
    count(ctx, target, res.status);
    const problem = answerProblem(req, res);
    if (problem) throw new Error(`${target}: ${problem}\n  request: ${describeRequest(req)}`);
  });
}

export function unroutedProperty(ctx: GatewayFuzzContext) {
  return fc.asyncProperty(unroutedArbitrary(), async (req) => {
    const res = await sendRaw(ctx.apiUrl, req);
    count(ctx, 'unrouted', res.status);
    const problem = answerProblem(req, res);
    if (problem) throw new Error(`unrouted: ${problem}\n  request: ${describeRequest(req)}`);
  });
}

export const FUZZED_ROUTES: readonly RouteDefinition[] = ROUTES;
