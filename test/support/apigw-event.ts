/**
 * Builds real API Gateway HTTP API payload format 2.0 events (with the JWT authorizer's context) and Lambda contexts,
 * for invoking handler modules directly in tests.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { ROUTES, SCOPES, type ScopeName } from '../../functions/catalog/routes';
import type { ApiEvent } from '../../functions/http/types';

export interface EventOptions {
  /** Path parameters, substituted into the route's path. */
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON (with `content-type: application/json` unless headers say otherwise). */
  body?: unknown;
  isBase64Encoded?: boolean;
  /** Token claims; `null` for a request without the authorizer context (a public route). */
  claims?: Record<string, string | number | boolean | string[]> | null;
  /** Scopes the token holds; default the route's own scope. */
  scopes?: ScopeName[] | string[];
  requestId?: string;
  domainName?: string;
}

export function buildEvent(operationId: string, options: EventOptions = {}): ApiEvent {
  const route = ROUTES.find((r) => r.operationId === operationId);
  if (!route) throw new Error(`unknown operation ${operationId}`);
  let rawPath = route.path;
  for (const [name, value] of Object.entries(options.pathParameters ?? {})) {
    rawPath = rawPath.replace(`{${name}}`, encodeURIComponent(value));
  }
  const headers: Record<string, string> = {
    host: options.domainName ?? 'api.example.com',
    'user-agent': 'vitest',
    'x-forwarded-proto': 'https',
    ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    if (typeof options.body !== 'string' && headers['content-type'] === undefined) {
      headers['content-type'] = 'application/json';
    }
  }
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  const requestId = options.requestId ?? randomUUID();
  const routeKey = `${route.method} ${route.path}`;
  const scopes =
    options.scopes?.map((s) => (s in SCOPES ? SCOPES[s as ScopeName] : s)) ??
    (route.scope === null ? [] : [SCOPES[route.scope]]);
  const now = Date.now();
  const event = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    ...(options.query ? { queryStringParameters: { ...options.query } } : {}),
    ...(options.pathParameters ? { pathParameters: { ...options.pathParameters } } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'testapi',
      domainName: options.domainName ?? 'api.example.com',
      domainPrefix: 'api',
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId,
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
      ...(options.claims === null
        ? {}
        : {
            authorizer: {
              jwt: {
                claims: options.claims ?? {
                  sub: 'user-1',
                  client_id: 'ordering-system',
                  scope: scopes.join(' '),
                  iss: 'https://idp.example.com/',
                },
                scopes,
              },
            },
          }),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
  return event as unknown as ApiEvent;
}

export function lambdaContext(remainingMs = 29_000): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test-function',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test-function',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/test-function',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, remainingMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
