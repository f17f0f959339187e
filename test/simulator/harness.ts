/**
 * Test harness for the simulator suites: starts a simulator on 127.0.0.1:0 with a manual clock and calls it with fetch.
 * Every answer of the Subscribers API is held to the spec (ajv) and to the strict contract schemas, every error body to
 * the Webex error body with the TrackingID header as its trackingId, so each test checks this on every call it makes.
 */
import { request } from 'node:http';
import { expect } from 'vitest';
import {
  PrecheckResponseSchema,
  SubscriberListResponseSchema,
  WebexErrorBodySchema,
} from '../../functions/domain/contract/responses';
import { SubscriberSchema } from '../../functions/domain/contract/subscriber';
import { createLogger } from '../../functions/shared/logger';
import { createWebexSimulator, type WebexSimulator } from '../../local/webex-simulator';
import { TRUSTED_TEMPLATE_ID } from '../../local/webex-simulator/seed';
import type { SimulatorOptions } from '../../local/webex-simulator/types';
import { createManualClock, type ManualClock } from '../support/fakes';
import { expectValidResponse, resolveSpecPath, specDocument, validateComponent } from '../support/spec-validator';

export const START = Date.parse('2025-03-01T10:00:00.000Z');

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

export interface CallOptions {
  /** JSON body (serialised) — or use `raw` for anything else. */
  json?: unknown;
  raw?: string | Buffer;
  contentType?: string | null;
  /** Bearer token: default the simulator's access token; null sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface Harness {
  sim: WebexSimulator;
  clock: ManualClock;
  url: string;
  /** Number of Subscribers API answers held to the spec so far. */
  validated: () => number;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  /** Shorthands returning the body of a call that must succeed with `status`. */
  provision(overrides?: Record<string, unknown>): Promise<SubscriberBody>;
  get(id: string): Promise<SubscriberBody>;
  stop(): Promise<void>;
}

export type SubscriberBody = ReturnType<typeof SubscriberSchema.parse>;

let userSeq = 0;

/** A valid Provision body; `userId` unique per call unless overridden. */
export function provisionBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  userSeq++;
  return {
    provisioningId: TRUSTED_TEMPLATE_ID,
    userId: `user${userSeq}@sp.example.com`,
    spEnterpriseId: 'SP1+acme',
    firstName: 'Ada',
    lastName: 'Lovelace',
    package: 'standard',
    primaryPhoneNumber: '+1-240-555-1212',
    extension: '1212',
    email: `ada${userSeq}@acme.example.com`,
    ...overrides,
  };
}

/** A small seeded generator (mulberry32) for deterministic fault injection. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function specChecks(method: string, path: string, reply: Reply): boolean {
  const pathname = path.split('?')[0] ?? path;
  if (!pathname.startsWith('/v1/') || pathname === '/v1/access_token') return false;
  const specPath = resolveSpecPath(pathname);
  if (specPath && specDocument().paths[specPath]?.[method.toLowerCase()]) {
    // Spec: the response for this path, method and status (ajv, compiled from the spec's response schema).
    expectValidResponse(method, pathname, reply.status, reply.body);
  } else {
    // No such operation (404/405): the error body is still the spec's WebexError.
    const result = validateComponent('WebexError', reply.body);
    if (!result.valid) throw new Error(result.errors);
  }
  return true;
}

function contractChecks(method: string, path: string, reply: Reply): void {
  const pathname = path.split('?')[0] ?? path;
  const tracking = reply.headers.get('trackingid');
  expect(tracking, 'every response carries a TrackingID header').toBeTruthy();
  if (reply.status >= 400 && reply.body !== undefined && pathname !== '/v1/access_token') {
    const error = WebexErrorBodySchema.parse(reply.body);
    expect(error.trackingId).toBe(tracking);
  }
  if (!pathname.startsWith('/v1/broadworks/') && !pathname.startsWith('/v1/subscribers/')) return;
  if (reply.status === 204) expect(reply.text).toBe('');
  if (reply.status !== 200) return;
  if (method === 'GET' && pathname === '/v1/broadworks/subscribers') SubscriberListResponseSchema.parse(reply.body);
  else if (pathname === '/v1/broadworks/subscribers/validate') PrecheckResponseSchema.parse(reply.body);
  else SubscriberSchema.parse(reply.body);
}

export async function startHarness(options: SimulatorOptions = {}): Promise<Harness> {
  const clock = createManualClock(START);
  const sim = createWebexSimulator({
    clock,
    logger: createLogger({}, { level: 'silent' }),
    provisioningDelayMs: 5000,
    updateDelayMs: 3000,
    ...options,
  });
  const { url } = await sim.start({ port: 0 });
  let validated = 0;

  const call = async (method: string, path: string, options: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? sim.credentials.accessToken : options.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    let body: string | Buffer | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['Content-Type'] = 'application/json';
    }
    if (options.raw !== undefined) body = options.raw;
    if (options.contentType === null) delete headers['Content-Type'];
    else if (options.contentType !== undefined) headers['Content-Type'] = options.contentType;
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = text;
      }
    }
    const reply: Reply = { status: response.status, headers: response.headers, text, body: parsed };
    contractChecks(method, path, reply);
    if (specChecks(method, path, reply)) validated++;
    return reply;
  };

  const expectStatus = (reply: Reply, status: number) => {
    expect(reply.status, `${reply.text}`).toBe(status);
    return reply.body as SubscriberBody;
  };

  return {
    sim,
    clock,
    url,
    validated: () => validated,
    call,
    provision: async (overrides = {}) =>
      expectStatus(await call('POST', '/v1/broadworks/subscribers', { json: provisionBody(overrides) }), 200),
    get: async (id) => expectStatus(await call('GET', `/v1/broadworks/subscribers/${id}`), 200),
    stop: () => sim.stop(),
  };
}

export function errorItems(reply: Reply): Array<{ errorCode?: number; fieldName?: string; description: string }> {
  return WebexErrorBodySchema.parse(reply.body).errors ?? [];
}

/**
 * A request through node:http, for what fetch refuses or normalises (a Host header, raw paths such as `//x` or `%zz`).
 * Resolves with the status, headers and text, or rejects when the connection is closed without an answer.
 */
export function rawRequest(
  baseUrl: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
