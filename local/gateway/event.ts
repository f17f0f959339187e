/**
 * Builds what API Gateway (HTTP API, payload format 2.0) hands a Lambda function: the event and a Lambda-like context.
 * Shapes follow AWS's documented format and what it actually sends (JWT claims as strings, `scopes` null on a route
 * without authorization scopes, `cookie` moved out of `headers` into `cookies`, `x-forwarded-*` headers added).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  Context,
} from 'aws-lambda';
import type { JWTPayload } from 'jose';

/** What the JWT authorizer found, for a route that has one. */
export interface AuthorizerResult {
  claims: JWTPayload;
  /** The token's scopes among the route's authorization scopes (API Gateway fills `jwt.scopes` this way). */
  scopes: string[];
}

export interface EventInput {
  req: IncomingMessage;
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  pathParameters: Record<string, string>;
  body: Buffer;
  requestId: string;
  receivedAt: number;
  /** Port the gateway listens on (for `x-forwarded-port`). */
  port: number;
  /**
   * The gateway's configured base URL: `requestContext.domainName` and `x-forwarded-proto` come from it, as API
   * Gateway's come from the API's own domain, never from the request's `Host` header (default `http://127.0.0.1:<port>`).
   */
  publicUrl?: string;
  authorizer?: AuthorizerResult | undefined;
  accountId: string;
  apiId: string;
}

export type GatewayEvent = APIGatewayProxyEventV2WithJWTAuthorizer | APIGatewayProxyEventV2;

/** A unique id per request, shaped like API Gateway's (`JKJaXmPLvHcESHA=`). */
export function newRequestId(): string {
  return randomBytes(11).toString('base64');
}

const TEXT_TYPES = [
  /^text\//,
  /^application\/(json|xml|javascript|x-www-form-urlencoded|graphql|yaml)$/,
  /^application\/[a-z0-9.+-]+\+(json|xml)$/,
];

/** API Gateway passes text bodies as they are and base64-encodes anything else (binary, or no content type at all). */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return TEXT_TYPES.some((pattern) => pattern.test(mediaType));
}

/** Lower-cased names; repeated headers joined with `,` as payload 2.0 does (Node's `req.headers` drops some repeats). */
export function collectHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const value = rawHeaders[i + 1] as string;
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}

/** Query parameters decoded, repeated names joined with `,`; undefined when the query string is empty. */
export function parseQuery(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    params[name] = name in params ? `${params[name]},${value}` : value;
  }
  return Object.keys(params).length > 0 ? params : undefined;
}

/** `12/Mar/2020:19:03:58 +0000`, API Gateway's `requestContext.time`. */
export function formatRequestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

/** JWT claims as API Gateway passes them: every value a string (arrays as `[a b]`, objects as JSON). */
export function stringifyClaims(claims: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) out[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') out[name] = JSON.stringify(value);
    else out[name] = String(value);
  }
  return out;
}

function traceId(epochMs: number): string {
  return `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

export function buildEvent(input: EventInput): GatewayEvent {
  const { req } = input;
  const headers = collectHeaders(req.rawHeaders);
  const cookieHeader = headers.cookie;
  delete headers.cookie;
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  const publicUrl = new URL(input.publicUrl ?? `http://127.0.0.1:${input.port}`);
  headers['x-forwarded-port'] = String(input.port);
  headers['x-forwarded-proto'] = publicUrl.protocol.replace(':', '');
  headers['x-amzn-trace-id'] ??= traceId(input.receivedAt);

  const domainName = publicUrl.host;
  const method = (req.method ?? 'GET').toUpperCase();
  const requestContext: APIGatewayEventRequestContextV2 = {
    accountId: input.accountId,
    apiId: input.apiId,
    domainName,
    domainPrefix: domainName.split('.')[0] ?? domainName,
    http: {
      method,
      path: input.rawPath,
      protocol: `HTTP/${req.httpVersion}`,
      sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: input.requestId,
    routeKey: input.routeKey,
    stage: '$default',
    time: formatRequestTime(input.receivedAt),
    timeEpoch: input.receivedAt,
  };

  const event: GatewayEvent = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString,
    headers,
    requestContext,
    isBase64Encoded: false,
  };
  if (input.authorizer) {
    const withAuthorizer: APIGatewayProxyEventV2WithJWTAuthorizer = {
      ...event,
      requestContext: {
        ...requestContext,
        authorizer: {
          principalId: '',
          integrationLatency: 0,
          jwt: {
            claims: stringifyClaims(input.authorizer.claims),
            scopes: input.authorizer.scopes.length > 0 ? input.authorizer.scopes : null,
          },
        },
      },
    };
    return finish(withAuthorizer, input, headers, cookieHeader);
  }
  return finish(event, input, headers, cookieHeader);
}

function finish<E extends GatewayEvent>(
  event: E,
  input: EventInput,
  headers: Record<string, string>,
  cookieHeader: string | undefined,
): E {
  const cookies = cookieHeader
    ?.split(/[;,]/)
    .map((c) => c.trim())
    .filter(Boolean);
  if (cookies && cookies.length > 0) event.cookies = cookies;
  const query = parseQuery(input.rawQueryString);
  if (query) event.queryStringParameters = query;
  if (Object.keys(input.pathParameters).length > 0) event.pathParameters = { ...input.pathParameters };
  if (input.body.length > 0) {
    if (isTextContentType(headers['content-type'])) {
      event.body = input.body.toString('utf8');
    } else {
      event.body = input.body.toString('base64');
      event.isBase64Encoded = true;
    }
  }
  return event;
}

export interface ContextInput {
  functionName: string;
  region: string;
  accountId: string;
  timeoutMs: number;
  startedAt: number;
  memoryMb?: number;
  now?: () => number;
}

/** A Lambda-like context: request id, function identity and the time left before the route's timeout. */
export function buildContext(input: ContextInput): Context {
  const now = input.now ?? Date.now;
  const deadline = input.startedAt + input.timeoutMs;
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name}() is not supported: return a value or a promise from the handler`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: input.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${input.region}:${input.accountId}:function:${input.functionName}`,
    memoryLimitInMB: String(input.memoryMb ?? 1024),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${input.functionName}`,
    logStreamName: `${new Date(input.startedAt).toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]local`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
