/**
 * The local runtime for tests: ephemeral ports, an in-memory signing key, quiet logs and a manual clock for the
 * simulator, plus a tiny typed fetch helper for the API.
 *
 *   // at the top of a test file (top-level await): starts now, registers afterAll(stop)
 *   const { runtime, api, clock } = await startTestRuntime();
 *   const res = await api.get('/v1/broadworks/subscribers', { token: runtime.tokens.read });
 *   clock.advance(5_000);                              // move the simulator's time
 *
 *   // or inside a describe: starts in beforeAll, stops in afterAll
 *   const ctx = useTestRuntime();
 *   it('…', async () => { await ctx.api.get('/health'); });
 *
 * `afterAll` registered from inside a hook never runs (vitest), so from `beforeAll` call
 * `startTestRuntime({ stopAfterAll: false })` and stop it yourself. The handlers read `process.env`, so one runtime runs
 * per test file (vitest runs files in separate processes).
 */
import { afterAll, beforeAll } from 'vitest';
import type { LocalRuntime, LocalRuntimeOptions } from '../../local/runtime';
import type { ManualClock } from './fakes';

export interface ApiRequestOptions {
  /** Bearer token; default the runtime's write token (write + read scopes); `null` sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text (empty string for no body). */
  body: T;
  text: string;
}

export interface ApiClient {
  get<T = unknown>(path: string, options?: ApiRequestOptions): Promise<ApiResponse<T>>;
  delete<T = unknown>(path: string, options?: ApiRequestOptions): Promise<ApiResponse<T>>;
  /** `body` is sent as JSON unless it is a string (sent as it is, with the content type you pass). */
  post<T = unknown>(path: string, body?: unknown, options?: ApiRequestOptions): Promise<ApiResponse<T>>;
  put<T = unknown>(path: string, body?: unknown, options?: ApiRequestOptions): Promise<ApiResponse<T>>;
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options?: ApiRequestOptions,
  ): Promise<ApiResponse<T>>;
}

export interface TestRuntime {
  runtime: LocalRuntime;
  clock: ManualClock;
  api: ApiClient;
  stop(): Promise<void>;
}

export interface TestRuntimeOverrides extends Omit<LocalRuntimeOptions, 'simulator'> {
  simulator?: LocalRuntimeOptions['simulator'];
  /** Start of the manual clock (epoch ms). */
  clockStartMs?: number;
  /** Register `afterAll(stop)`; default true. */
  stopAfterAll?: boolean;
}

export function createApiClient(baseUrl: string, defaultToken: () => string | undefined): ApiClient {
  const request = async <T>(
    method: string,
    path: string,
    body?: unknown,
    options: ApiRequestOptions = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? defaultToken() : options.token;
    if (token) headers.authorization ??= `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      if (typeof body === 'string') payload = body;
      else {
        payload = JSON.stringify(body);
        headers['content-type'] ??= 'application/json';
      }
    }
    const response = await fetch(new URL(path, baseUrl), { method, headers, body: payload });
    const text = await response.text();
    const isJson = /json/i.test(response.headers.get('content-type') ?? '') && text !== '';
    return { status: response.status, headers: response.headers, body: (isJson ? JSON.parse(text) : text) as T, text };
  };
  return {
    request,
    get: (path, options) => request('GET', path, undefined, options),
    delete: (path, options) => request('DELETE', path, undefined, options),
    post: (path, body, options) => request('POST', path, body, options),
    put: (path, body, options) => request('PUT', path, body, options),
  };
}

export async function startTestRuntime(overrides: TestRuntimeOverrides = {}): Promise<TestRuntime> {
  const { clockStartMs, stopAfterAll = true, simulator, ...options } = overrides;
  // Quiet before the logger modules load (they read LOG_LEVEL once); tests can still pass logLevel.
  process.env.LOG_LEVEL ??= 'silent';
  const [{ startLocalRuntime }, { createManualClock }] = await Promise.all([
    import('../../local/runtime'),
    import('./fakes'),
  ]);
  const clock = createManualClock(clockStartMs ?? Date.now());
  const runtime = await startLocalRuntime({
    keyFile: false,
    logLevel: 'silent',
    // Tests drive the API hard and the simulator on a manual clock: pacing far above their load, no sweeper, unless
    // a test asks for them.
    webexRateLimitPerSecond: 10_000,
    statusSweeper: false,
    ...options,
    ports: { api: 0, dynamodb: 0, simulator: 0, stepFunctions: 0, ...options.ports },
    simulator: { clock, ...simulator },
  });
  const stop = () => runtime.stop();
  if (stopAfterAll) afterAll(stop);
  return { runtime, clock, api: createApiClient(runtime.urls.api, () => runtime.tokens.write), stop };
}

/** Describe-level helper: starts the runtime in `beforeAll`, stops it in `afterAll`; read the fields inside tests. */
export function useTestRuntime(overrides: Omit<TestRuntimeOverrides, 'stopAfterAll'> = {}): TestRuntime {
  let current: TestRuntime | undefined;
  const started = (): TestRuntime => {
    if (!current) throw new Error('The test runtime is not started yet: use it inside tests or hooks');
    return current;
  };
  beforeAll(async () => {
    current = await startTestRuntime({ ...overrides, stopAfterAll: false });
  });
  afterAll(async () => {
    await current?.stop();
  });
  return {
    get runtime() {
      return started().runtime;
    },
    get clock() {
      return started().clock;
    },
    get api() {
      return started().api;
    },
    stop: () => started().stop(),
  };
}
