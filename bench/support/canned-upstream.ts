/**
 * Upstreams that answer instantly, for measuring the time spent INSIDE a handler: a canned Webex (bodies recorded once
 * from the Webex simulator, so they are real Webex shapes) and a canned DynamoDB (PutItem `{}`, Query no items).
 * They run in a worker thread, so their own CPU does not count in the handler's measured time.
 */
import { Worker } from 'node:worker_threads';
import { createWebexSimulator, EXISTING_WEBEX_DOMAINS, TRUSTED_TEMPLATE_ID } from '../../local/webex-simulator';
import { createManualClock } from '../../test/support/fakes';

export interface CannedResponse {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** Key: `METHOD /path` where an id segment is written `{id}`. */
export type CannedRoutes = Record<string, CannedResponse>;

export interface Recorded {
  routes: CannedRoutes;
  subscriberId: string;
  pendingSubscriberId: string;
  provisionBody: Record<string, unknown>;
  credentials: { refreshToken: string; clientId: string; clientSecret: string };
}

/** One call of every Webex operation the API handlers make, answered by the simulator and kept as a canned reply. */
export async function recordWebexAnswers(): Promise<Recorded> {
  const clock = createManualClock(Date.UTC(2025, 0, 6, 9));
  const sim = createWebexSimulator({ clock, provisioningDelayMs: 1000 });
  const { url } = await sim.start({ port: 0, host: '127.0.0.1' });
  const routes: CannedRoutes = {};
  const call = async (key: string, method: string, path: string, body?: unknown, form?: string) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${sim.credentials.accessToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    routes[key] = { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: text };
    return text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
  };
  try {
    const provisionBody = {
      provisioningId: TRUSTED_TEMPLATE_ID,
      userId: 'bench-user@sp.example.com',
      spEnterpriseId: 'enterprise-1',
      firstName: 'Ada',
      lastName: 'Lovelace',
      package: 'standard',
      primaryPhoneNumber: '+1 408 555 0100',
      email: 'ada@customer.example.com',
    };
    const { credentials } = sim;
    await call(
      'POST /v1/access_token',
      'POST',
      '/v1/access_token',
      undefined,
      new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        refresh_token: credentials.refreshToken,
      }).toString(),
    );
    await call('POST /v1/broadworks/subscribers/validate', 'POST', '/v1/broadworks/subscribers/validate', {
      ...provisionBody,
    });
    const created = await call('POST /v1/broadworks/subscribers', 'POST', '/v1/broadworks/subscribers', provisionBody);
    const subscriberId = String(created?.id);
    clock.advance(2000);
    await call('GET /v1/broadworks/subscribers/{id}', 'GET', `/v1/broadworks/subscribers/${subscriberId}`);
    await call('GET /v1/broadworks/subscribers', 'GET', '/v1/broadworks/subscribers?max=10');
    await call('PUT /v1/broadworks/subscribers/{id}', 'PUT', `/v1/broadworks/subscribers/${subscriberId}`, {
      package: 'premium',
    });
    const moving = await call('POST /v1/broadworks/subscribers', 'POST', '/v1/broadworks/subscribers', {
      ...provisionBody,
      userId: 'bench-moving@sp.example.com',
      email: `moving@${EXISTING_WEBEX_DOMAINS[0]}`,
    });
    const pendingSubscriberId = String(moving?.id);
    clock.advance(2000);
    await call(
      'POST /v1/subscribers/{id}/emails/consentMove',
      'POST',
      `/v1/subscribers/${pendingSubscriberId}/emails/consentMove`,
    );
    await call('DELETE /v1/broadworks/subscribers/{id}', 'DELETE', `/v1/broadworks/subscribers/${subscriberId}`);
    // The provision answer again for the canned route (the moving subscriber's overwrote it).
    routes['POST /v1/broadworks/subscribers'] = {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ ...created }),
    };
    return {
      routes,
      subscriberId,
      pendingSubscriberId,
      provisionBody,
      credentials: {
        refreshToken: credentials.refreshToken,
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
      },
    };
  } finally {
    await sim.stop();
  }
}

const WORKER_SOURCE = `
const { createServer } = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const routes = workerData.routes;
const keyOf = (method, url) => {
  const path = url.split('?')[0];
  const generic = path
    .replace(/^(\\/v1\\/broadworks\\/subscribers)\\/(?!validate$)[^/]+$/, '$1/{id}')
    .replace(/^(\\/v1\\/subscribers)\\/[^/]+(\\/emails\\/consentMove)$/, '$1/{id}$2');
  return method + ' ' + generic;
};
const webex = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const canned = routes[keyOf(req.method, req.url)];
    if (!canned) { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"message":"not canned"}'); return; }
    res.writeHead(canned.status, canned.contentType ? { 'content-type': canned.contentType } : {});
    res.end(canned.body);
  });
});
const dynamo = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const target = String(req.headers['x-amz-target'] || '');
    const body = target.endsWith('.Query') ? '{"Count":0,"Items":[],"ScannedCount":0}' : '{}';
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'canned' });
    res.end(body);
  });
});
webex.keepAliveTimeout = 60000;
dynamo.keepAliveTimeout = 60000;
webex.listen(0, '127.0.0.1', () => dynamo.listen(0, '127.0.0.1', () =>
  parentPort.postMessage({ webexPort: webex.address().port, dynamoPort: dynamo.address().port })));
parentPort.on('message', (m) => { if (m === 'stop') { webex.close(); dynamo.close(); webex.closeAllConnections(); dynamo.closeAllConnections(); parentPort.close(); } });
`;

export interface CannedUpstreams {
  webexUrl: string;
  dynamoUrl: string;
  stop(): Promise<void>;
}

export async function startCannedUpstreams(routes: CannedRoutes): Promise<CannedUpstreams> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { routes } });
  const ports = await new Promise<{ webexPort: number; dynamoPort: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    webexUrl: `http://127.0.0.1:${ports.webexPort}/v1`,
    dynamoUrl: `http://127.0.0.1:${ports.dynamoPort}`,
    async stop() {
      worker.postMessage('stop');
      await Promise.race([new Promise((resolve) => worker.once('exit', resolve)), worker.terminate()]);
    },
  };
}
