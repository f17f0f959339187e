/**
 * The local gateway's `GET /health`: every component check run with a timeout, the gateway itself up once its
 * authorizer is set; 200 when all are up, else 503, with each component's status.
 */
import type { HttpResponse } from './response';

/** A component check for `/health`: resolves when the component is up, throws (with a reason) when it is not. */
export type HealthCheck = () => Promise<void>;

/** The `/health` answer; `gatewayReady` is asked once every check has answered. */
export async function healthResponse(
  checks: Record<string, HealthCheck>,
  timeoutMs: number,
  gatewayReady: () => boolean,
): Promise<HttpResponse> {
  const names = Object.keys(checks);
  const results = await Promise.all(
    names.map(async (name) => {
      const check = checks[name] as HealthCheck;
      try {
        await withTimeout(check(), timeoutMs, `no answer within ${timeoutMs} ms`);
        return [name, { status: 'ok' }] as const;
      } catch (error) {
        return [name, { status: 'down', error: error instanceof Error ? error.message : String(error) }] as const;
      }
    }),
  );
  const components: Record<string, { status: 'ok' | 'down'; error?: string }> = {
    gateway: gatewayReady() ? { status: 'ok' } : { status: 'down', error: 'starting' },
    ...Object.fromEntries(results),
  };
  const up = Object.values(components).every((c) => c.status === 'ok');
  return {
    statusCode: up ? 200 : 503,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    cookies: [],
    body: Buffer.from(JSON.stringify({ status: up ? 'ok' : 'unavailable', components })),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
