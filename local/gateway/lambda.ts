/**
 * The Lambda side of the local gateway: each route's handler module imported once (a warm Lambda; a failed load is
 * retried on the next request, like a failed cold start), sized per role like the stack sizes the functions, and
 * invoked with the role's timeout.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { RouteDefinition } from '../../functions/catalog/routes';
import { settleWithin } from '../settle';
import type { GatewayEvent } from './event';

export type LambdaHandler = (event: GatewayEvent, context: Context) => unknown;

/** The functions' timeouts and memory as the stack sizes them per role (infra/constructs/service-function.ts). */
export const DEFAULT_TIMEOUTS_MS: Record<RouteDefinition['role'], number> = { api: 29_000, docs: 10_000 };
export const MEMORY_MB: Record<RouteDefinition['role'], number> = { api: 512, docs: 256 };

/** Error of a handler module that cannot be loaded (missing file, no `handler` export). */
export class HandlerLoadError extends Error {
  constructor(route: RouteDefinition, cause: unknown) {
    super(`Cannot load the handler of ${route.operationId} from ${route.entry}`);
    // Enumerable, so the structured log shows why.
    this.cause = cause;
  }
}
// On the prototype, not the instance: the logger redacts an own `name` member as if it were a personal name.
HandlerLoadError.prototype.name = 'HandlerLoadError';

/** What an invocation came to: the handler's value, what it threw, or no answer within the timeout. */
export type Outcome = { kind: 'value'; value: unknown } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

/** Loads a route's handler: import `entry` (relative to `repoRoot`) and take its `handler` export. */
export function moduleHandlerLoader(repoRoot: string): (route: RouteDefinition) => Promise<LambdaHandler> {
  return async (route) => {
    const mod: unknown = await import(pathToFileURL(path.resolve(repoRoot, route.entry)).href);
    const handler = mod !== null && typeof mod === 'object' ? (mod as Record<string, unknown>).handler : undefined;
    if (typeof handler !== 'function') throw new Error(`${route.entry} does not export a handler function`);
    return handler as LambdaHandler;
  };
}

export class HandlerInvoker {
  private readonly handlers = new Map<string, Promise<LambdaHandler>>();
  /** Invocations whose handler has not returned yet (a timed-out one included: its work goes on, as in Lambda). */
  private readonly running = new Set<Promise<Outcome>>();

  constructor(private readonly loadHandler: (route: RouteDefinition) => Promise<LambdaHandler>) {}

  /** Import once per route (a warm Lambda); a failed load is retried on the next request, like a failed cold start. */
  private handlerFor(route: RouteDefinition): Promise<LambdaHandler> {
    let pending = this.handlers.get(route.operationId);
    if (!pending) {
      pending = this.loadHandler(route).catch((error: unknown) => {
        this.handlers.delete(route.operationId);
        throw new HandlerLoadError(route, error);
      });
      this.handlers.set(route.operationId, pending);
    }
    return pending;
  }

  /** Runs the route's handler with `event` and `context`, waiting at most `timeoutMs`. */
  async invoke(route: RouteDefinition, event: GatewayEvent, context: Context, timeoutMs: number): Promise<Outcome> {
    let timer: NodeJS.Timeout | undefined;
    const run: Promise<Outcome> = this.handlerFor(route)
      .then((handler) => handler(event, context))
      .then(
        (value): Outcome => ({ kind: 'value', value }),
        (error: unknown): Outcome => ({ kind: 'error', error }),
      );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    const timeout = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
    });
    try {
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Resolves when every running invocation has returned, or after `maxWaitMs`: at shutdown the gateway lets the
   * handlers finish what they write (the audit trail, the pacer) before the tables they write to stop.
   */
  settle(maxWaitMs: number): Promise<void> {
    return settleWithin(this.running, maxWaitMs);
  }
}
