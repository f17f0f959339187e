/**
 * Fuzzing the Webex simulator's own surfaces beyond the Subscribers API (which `test/simulator/robustness.test.ts`
 * covers): the control API (faults, config, clock, person actions) and the OAuth token endpoint. Never a 5xx, never a
 * hang; every refusal carries a body with the trackingId of the TrackingID header.
 */
import fc from 'fast-check';
import { nastyString, VALID_SUBSCRIBER_ID } from './gateway-fuzz';
import { type RawRequest, type RawResponse, sendRaw } from './raw-http';

const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .dictionary(
      fc.constantFrom(
        'rateLimit',
        'errorRate',
        'latencyMs',
        'dropShare',
        'lockedShare',
        'lockedRetryAfterSeconds',
        'operations',
        'provisioningDelayMs',
        'updateDelayMs',
        'duplicateUserIdMode',
        'ms',
        'action',
        'email',
      ),
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.double(),
        fc.constantFrom(-1, 0, 0.5, 1, 2, 1e12, '409', '10022', 'consent', 'enterEmail', 'validateEmail'),
      ),
      { maxKeys: 4 },
    )
    .map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '{', 'null', '[]'),
);

const formBody = fc
  .array(
    fc.tuple(
      fc.constantFrom('grant_type', 'refresh_token', 'client_id', 'client_secret', 'x'),
      fc.oneof(nastyString, fc.constantFrom('refresh_token', 'authorization_code', '')),
    ),
    { maxLength: 5 },
  )
  .map((pairs) =>
    new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, v.replace(/[\ud800-\udfff]/g, '?')])).toString(),
  );

const CONTROL: Array<[string, string]> = [
  ['PUT', '/_simulator/faults'],
  ['PUT', '/_simulator/config'],
  ['POST', '/_simulator/clock/advance'],
  ['POST', `/_simulator/subscribers/${VALID_SUBSCRIBER_ID}/actions`],
  ['POST', '/_simulator/subscribers/%2e%2e/actions'],
  ['POST', '/_simulator/reset'],
  ['GET', '/_simulator/stats'],
  ['DELETE', '/_simulator/health'],
  ['PATCH', '/_simulator/faults'],
];

export function simulatorRequestArbitrary(): fc.Arbitrary<RawRequest> {
  const control = fc
    .record({
      target: fc.constantFrom(...CONTROL),
      body: jsonBody,
      contentType: fc.constantFrom('application/json', 'text/plain', ''),
    })
    .map(({ target: [method, path], body, contentType }) => ({
      method,
      path,
      headers: contentType ? ([['content-type', contentType]] as Array<[string, string]>) : [],
      body: method === 'GET' || method === 'DELETE' ? undefined : body,
    }));
  const token = fc
    .record({
      body: fc.oneof(formBody, jsonBody),
      contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/json', ''),
      method: fc.constantFrom('POST', 'POST', 'GET', 'PUT'),
    })
    .map(({ body, contentType, method }) => ({
      method,
      path: '/v1/access_token',
      headers: contentType ? ([['content-type', contentType]] as Array<[string, string]>) : [],
      body: method === 'GET' ? undefined : body,
    }));
  return fc.oneof(control, token);
}

export function simulatorAnswerProblem(res: RawResponse): string | undefined {
  if (res.status >= 500) return `answered ${res.status}: ${res.text.slice(0, 200)}`;
  if (res.status >= 400) {
    const body = res.json as { trackingId?: unknown } | undefined;
    if (!body || typeof body !== 'object') return 'the error body is not JSON';
    if (typeof body.trackingId !== 'string' || body.trackingId !== res.headers.trackingid) {
      return 'the error body has no trackingId matching the TrackingID header';
    }
  }
  return undefined;
}

/** `afterEach` undoes what a case changed (faults, config) so the next case meets a sane simulator. */
export function simulatorProperty(url: string, afterEach: () => Promise<void> | void, statuses: Map<number, number>) {
  return fc.asyncProperty(simulatorRequestArbitrary(), async (req) => {
    try {
      const res = await sendRaw(url, req);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const problem = simulatorAnswerProblem(res);
      if (problem) throw new Error(`${req.method} ${req.path}: ${problem} (body ${String(req.body).slice(0, 200)})`);
    } finally {
      await afterEach();
    }
  });
}
