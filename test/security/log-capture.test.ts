/**
 * The logs of a full run hold no secret and no personal data: every line the runtime, the gateway, the handlers, the
 * workflow tasks and the simulator write at debug level is captured while a caller provisions, orders, updates,
 * prechecks, removes and makes mistakes (bad tokens, invalid bodies, unknown ids) — then searched for every token,
 * credential, email, phone number and name that was used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../functions/domain/workflow/orders';
import type { LocalStepFunctions } from '../../local/stepfunctions';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

// Before any module creates its logger (they read LOG_LEVEL when created).
process.env.LOG_LEVEL = 'debug';

const captured: string[] = [];
const originalWrite = process.stdout.write.bind(process.stdout);
const originalErrorWrite = process.stderr.write.bind(process.stderr);
let t: TestRuntime;
let sfn: LocalStepFunctions | undefined;

const PERSON = {
  firstName: 'Zenobia',
  lastName: 'Quintessa-Marlowe',
  email: 'zenobia.quintessa@customer-secret.example.com',
  newEmail: 'z.marlowe.entered@customer-secret.example.com',
  phone: '+1 408 555 0177',
  mobile: '+1 650 555 0188',
  newPhone: '+1 408 555 0166',
  newFirstName: 'Ottoline',
};

/** The digits of a phone number, as they could appear reformatted. */
const digits = (phone: string) => phone.replace(/\D/g, '');

beforeAll(async () => {
  // Captured, not echoed: the structured logs go to stdout and stderr (warn, error), both CloudWatch in Lambda.
  const capture = ((chunk: string | Uint8Array) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  const { startLocalStepFunctions } = await import('../../local/stepfunctions');
  t = await startTestRuntime({
    stopAfterAll: false,
    logLevel: 'debug',
    stepFunctions: async ({ port, host, logger }) => {
      sfn = await startLocalStepFunctions({
        port,
        host,
        logger,
        timeScale: 0,
        onWait: (w) => t.clock.advance(w.seconds * 1000),
      });
      return sfn;
    },
  });
});
afterAll(async () => {
  await t?.stop();
  process.stdout.write = originalWrite;
  process.stderr.write = originalErrorWrite;
});

function subscriberBody(tag: string, extra: Record<string, unknown> = {}) {
  return {
    provisioningId:
      'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2OjQyODVmNTk0LTViNTEtNDdiZS05Mzk2LTZjMzZlMmFkODNhNQ',
    userId: `${tag}.zenobia@sp-secret.example.com`,
    spEnterpriseId: 'enterprise-logs',
    firstName: PERSON.firstName,
    lastName: PERSON.lastName,
    package: 'standard',
    primaryPhoneNumber: PERSON.phone,
    mobilePhoneNumber: PERSON.mobile,
    email: PERSON.email.replace('zenobia', `zenobia-${tag}`),
    ...extra,
  };
}

describe('logs of a full run', () => {
  it('hold no token, credential, email, phone number or name', async () => {
    // Prepare
    const { api, runtime, clock } = t;
    const writeToken = runtime.tokens.write;
    const readToken = runtime.tokens.read;
    const webex = runtime.simulator.credentials;

    // Act: the happy path
    const provisioned = await api.post<{ id: string }>('/v1/broadworks/subscribers', subscriberBody('api'));
    clock.advance(10_000);
    await api.get(`/v1/broadworks/subscribers/${provisioned.body.id}`, { token: readToken });
    await api.get(`/v1/broadworks/subscribers?${new URLSearchParams({ email: PERSON.email })}`, { token: readToken });
    await api.post('/v1/broadworks/subscribers/validate', subscriberBody('precheck'));
    const order = await api.post<OrderView>('/v1/orders', {
      orderId: 'log-capture-order-1',
      subscriber: subscriberBody('order'),
    });
    const ordered = sfn?.engine.waitForExecution(order.body.executionArn);
    await api.put(`/v1/broadworks/subscribers/${provisioned.body.id}`, {
      firstName: PERSON.newFirstName,
      primaryPhoneNumber: PERSON.newPhone,
    });
    clock.advance(60_000);
    await api.get(`/v1/orders/log-capture-order-1`, { token: readToken });
    await api.get(`/v1/broadworks/subscribers/${provisioned.body.id}/audit`, { token: readToken });
    await api.delete(`/v1/broadworks/subscribers/${provisioned.body.id}`);

    // Act: mistakes
    await api.get('/v1/broadworks/subscribers', { token: `${writeToken}tampered` });
    await api.get('/v1/broadworks/subscribers', {
      token: null,
      headers: { authorization: `Basic ${webex.clientSecret}` },
    });
    await api.post('/v1/broadworks/subscribers', subscriberBody('bad', { email: `not-an-email ${PERSON.newEmail}` }));
    await api.post('/v1/broadworks/subscribers', subscriberBody('bad2', { primaryPhoneNumber: `x${PERSON.newPhone}` }));
    await api.post('/v1/broadworks/subscribers', `{"firstName":"${PERSON.firstName}",`, {
      headers: { 'content-type': 'application/json' },
    });
    await api.post('/v1/broadworks/subscribers', subscriberBody('dup'));
    await api.post('/v1/broadworks/subscribers', subscriberBody('dup'));
    await api.get('/v1/broadworks/subscribers/unknown-subscriber-id', { token: readToken });
    await api.post('/v1/subscribers/unknown-subscriber-id/emails/consentMove');
    await api.post('/v1/orders', { orderId: 'log-capture-bad', subscriber: { firstName: PERSON.firstName } });
    const orderEnd = await ordered;
    await t.stop();

    // Assess
    expect(order.status).toBe(202);
    expect(orderEnd?.status).toBe('SUCCEEDED');
    const log = captured.join('');
    expect(log).toContain('"level":"info"');
    expect(log).toContain('"level":"debug"');
    expect(log.split('\n').filter((line) => line.startsWith('{')).length).toBeGreaterThan(20);
    const secrets: Record<string, string> = {
      'API write token': writeToken,
      'API read token': readToken,
      'API token signature': writeToken.split('.')[2] ?? writeToken,
      'Webex access token': webex.accessToken,
      'Webex refresh token': webex.refreshToken,
      'Webex client secret': webex.clientSecret,
      'audit digest key': runtime.env.AUDIT_DIGEST_KEY ?? 'missing',
      'first name': PERSON.firstName,
      'last name': PERSON.lastName,
      'new first name': PERSON.newFirstName,
      email: 'customer-secret.example.com',
      'email local part': 'zenobia.quintessa',
      'entered email': PERSON.newEmail,
      userId: 'zenobia@sp-secret',
      phone: PERSON.phone,
      'phone digits': digits(PERSON.phone),
      mobile: digits(PERSON.mobile),
      'new phone': digits(PERSON.newPhone),
    };
    const leaks = Object.entries(secrets).filter(([, value]) => log.includes(value));
    expect(leaks.map(([what]) => what)).toEqual([]);
  });
});
