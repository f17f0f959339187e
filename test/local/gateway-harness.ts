/**
 * A local gateway over the real route table with a spy in place of every handler, for the gateway's own tests.
 */
import { request } from 'node:http';
import type { Context } from 'aws-lambda';
import type { RouteDefinition } from '../../functions/catalog/routes';
import { createLogger } from '../../functions/shared/logger';
import { createLocalIdp, type LocalIdp, localIssuer, readJwtAudience } from '../../local/auth/local-idp';
import type { GatewayEvent } from '../../local/gateway/event';
import { createLocalGateway, type LocalGateway, type LocalGatewayOptions } from '../../local/gateway/server';

export interface HandlerCall {
  route: RouteDefinition;
  event: GatewayEvent;
  context: Context;
  remainingAtCall: number;
}

export interface GatewayHarness {
  gateway: LocalGateway;
  idp: LocalIdp;
  url: string;
  calls: HandlerCall[];
  /** How many times a handler module was loaded, by operationId. */
  loads: Record<string, number>;
  /** Log lines the gateway wrote. */
  logLines: Array<Record<string, unknown>>;
  /** What the spy handlers answer; replace per test. */
  respond: (call: HandlerCall) => unknown;
  stop(): Promise<void>;
}

export async function startGatewayHarness(
  options: Omit<LocalGatewayOptions, 'loadHandler' | 'authorizer' | 'logger'> = {},
): Promise<GatewayHarness> {
  const harness = {
    calls: [] as HandlerCall[],
    loads: {} as Record<string, number>,
    logLines: [] as Array<Record<string, unknown>>,
    respond: (_call: HandlerCall): unknown => ({ statusCode: 200, headers: { 'content-type': 'application/json' } }),
  } as GatewayHarness;
  const gateway = createLocalGateway({
    ...options,
    logger: createLogger({}, { level: 'debug', sink: (line) => harness.logLines.push(JSON.parse(line)) }),
    loadHandler: async (route) => {
      harness.loads[route.operationId] = (harness.loads[route.operationId] ?? 0) + 1;
      return async (event, context) => {
        const call = { route, event, context, remainingAtCall: context.getRemainingTimeInMillis() };
        harness.calls.push(call);
        return harness.respond(call);
      };
    },
  });
  const { url, port } = await gateway.start({ port: 0 });
  const idp = await createLocalIdp({ issuer: localIssuer(port), audience: readJwtAudience(), keyFile: false });
  gateway.setAuthorizer(idp);
  return Object.assign(harness, { gateway, idp, url, stop: () => gateway.stop() });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  bytes: Buffer;
}

/**
 * An HTTP request through node:http, for what fetch cannot send: repeated header lines, chunked bodies without a
 * content length.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string | string[]>; chunks?: Buffer[] } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => {
        const bytes = Buffer.concat(parts);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: bytes.toString('utf8'), bytes });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}
