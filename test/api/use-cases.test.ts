import { describe, expect, it } from 'vitest';
import { HmacDigester } from '../../functions/adapters/digest/hmac-digester';
import type { ProvisionRequest } from '../../functions/domain/contract/provision-request';
import type { Subscriber } from '../../functions/domain/contract/subscriber';
import { NotFoundError, UpstreamError, UpstreamThrottledError } from '../../functions/domain/errors';
import type { AuditQuery, AuditRecord, AuditStore } from '../../functions/domain/ports/audit';
import type { Clock } from '../../functions/domain/ports/clock';
import {
  AUDIT_RETRY_DELAYS_MS,
  type CallContext,
  type MutationDependencies,
} from '../../functions/domain/use-cases/context';
import { listSubscriberAudit } from '../../functions/domain/use-cases/list-subscriber-audit';
import { listSubscribers } from '../../functions/domain/use-cases/list-subscribers';
import { precheckSubscriber } from '../../functions/domain/use-cases/precheck-subscriber';
import { provisionSubscriber } from '../../functions/domain/use-cases/provision-subscriber';
import { removeSubscriber } from '../../functions/domain/use-cases/remove-subscriber';
import { resendConsent } from '../../functions/domain/use-cases/resend-consent';
import { updateSubscriber } from '../../functions/domain/use-cases/update-subscriber';
import { createLogger } from '../../functions/shared/logger';
import { FakeWebex, type FakeWebexCall, type FakeWebexOptions, InMemoryAuditStore } from '../support/fakes';

// ---- in-memory fakes of the ports (test-only) ----

const SUBSCRIBER: Subscriber = {
  id: 'SUB1',
  userId: 'ada@sp.example.com',
  spEnterpriseId: 'SP1+acme',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@acme.example.com',
  primaryPhoneNumber: '+1-240-555-1212',
  language: 'en',
  package: 'standard',
  status: 'provisioning',
  created: '2025-01-01T00:00:00.000Z',
  lastStatusChange: '2025-01-01T00:00:00.000Z',
  provisioningId: 'prov-1',
  selfActivated: false,
};

const BODY: ProvisionRequest = {
  provisioningId: 'prov-1',
  userId: 'ada@sp.example.com',
  spEnterpriseId: 'SP1+acme',
  firstName: 'Ada',
  lastName: 'Lovelace',
  package: 'standard',
  primaryPhoneNumber: '+1-240-555-1212',
  email: 'ada@acme.example.com',
  timezone: 'Europe/London',
};

/** Webex holding SUBSCRIBER, answering each operation as these tests expect unless a test says otherwise. */
function fakeWebex(answers: FakeWebexOptions['answers'] = {}): { webex: FakeWebex; calls: FakeWebexCall[] } {
  const webex = new FakeWebex({
    subscribers: [SUBSCRIBER],
    answers: {
      list: async () => ({ value: { items: [SUBSCRIBER] } }),
      provision: async () => ({ value: SUBSCRIBER, webexTrackingId: 'WEBEX_T1' }),
      get: async () => ({ value: SUBSCRIBER }),
      update: async () => ({ value: { ...SUBSCRIBER, status: 'updating' as const } }),
      remove: async () => ({ value: undefined }),
      precheck: async () => ({ value: { message: 'success', info: [{ infoCode: 100, description: 'ok' }] } }),
      consentMove: async () => ({ value: undefined }),
      ...answers,
    },
  });
  return { webex, calls: webex.calls };
}

function instantClock(start = Date.UTC(2025, 5, 1, 12)): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

function setup(options: { webex?: FakeWebexOptions['answers'] } = {}) {
  const audit = new InMemoryAuditStore();
  const { webex, calls } = fakeWebex(options.webex);
  const logLines: string[] = [];
  const deps: MutationDependencies = {
    webex,
    audit,
    digester: new HmacDigester('k'.repeat(32)),
    clock: instantClock(),
    logger: createLogger({}, { level: 'debug', sink: (l) => logLines.push(l) }),
  };
  const context: CallContext = { requestId: 'req-1', trackingId: 'TRACK_1', actor: 'ordering-system' };
  return { deps, audit, calls, context, logLines };
}

const PERSONAL_VALUES = ['ada@sp.example.com', 'Ada', 'Lovelace', 'ada@acme.example.com', '+1-240-555-1212'];

describe('provisionSubscriber', () => {
  it('provisions, writes exactly one success record with digested personal values and the follow-up request', async () => {
    // Prepare
    const { deps, audit, calls, context } = setup();

    // Act
    const result = await provisionSubscriber(deps, context, BODY);

    // Assess
    expect(result.value).toEqual(SUBSCRIBER);
    expect(calls.map((c) => c.op)).toEqual(['provision']);
    expect(calls[0]?.args[1]).toMatchObject({ trackingId: 'TRACK_1' });
    expect(audit.records.length).toBe(1);
    const record = audit.records[0] as AuditRecord;
    expect(record).toMatchObject({
      action: 'provision',
      actor: 'ordering-system',
      subscriberId: 'SUB1',
      outcome: { result: 'success', statusCode: 200 },
      status: { to: 'provisioning' },
      trackingId: 'TRACK_1',
      webexTrackingId: 'WEBEX_T1',
      at: '2025-06-01T12:00:00.000Z',
    });
    expect(record.changes).toContainEqual({ field: 'package', value: 'standard' });
    expect(record.changes).toContainEqual({ field: 'timezone', value: 'Europe/London' });
    expect(record.changes?.find((c) => c.field === 'email')?.digest).toMatch(/^hmac-sha256:[0-9a-f]{16}$/);
    const serialised = JSON.stringify(record);
    for (const value of PERSONAL_VALUES) expect(serialised).not.toContain(value);
    expect(record.follow).toEqual({
      subscriberId: 'SUB1',
      reason: 'provision',
      requestId: 'req-1',
      trackingId: 'TRACK_1',
      actor: 'ordering-system',
    });
  });

  it('writes one failure record with Webex status and error codes, and rethrows', async () => {
    // Prepare
    const error = new UpstreamError('dup', {
      status: 409,
      errors: [{ description: 'in use', errorCode: 10022 }],
      webexTrackingId: 'WEBEX_T2',
    });
    const { deps, audit, context } = setup({
      webex: {
        provision: async () => {
          throw error;
        },
      },
    });

    // Act
    const outcome = provisionSubscriber(deps, context, BODY);

    // Assess
    await expect(outcome).rejects.toBe(error);
    const records = audit.records;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      action: 'provision',
      outcome: { result: 'failure', statusCode: 409, errorCodes: [10022] },
      webexTrackingId: 'WEBEX_T2',
      detail: 'upstream',
    });
    expect(records[0]?.subscriberId).toBeUndefined();
    expect(records[0]?.follow).toBeUndefined();
  });

  it('does not write twice when the same request is retried (deterministic id)', async () => {
    // Prepare
    const { deps, audit, context } = setup();

    // Act
    await provisionSubscriber(deps, context, BODY);
    await provisionSubscriber(deps, context, BODY);

    // Assess
    expect(audit.records.length).toBe(1);
    expect(audit.appendCalls).toBe(2);
  });

  it('retries a failed audit write and succeeds without losing the record', async () => {
    // Prepare
    const { deps, audit, context } = setup();
    audit.failNextAppends(AUDIT_RETRY_DELAYS_MS.length);

    // Act
    await provisionSubscriber(deps, context, BODY);

    // Assess
    expect(audit.records.length).toBe(1);
    expect(audit.appendCalls).toBe(AUDIT_RETRY_DELAYS_MS.length + 1);
  });

  it('logs the full record (digested) and still answers when the audit write keeps failing', async () => {
    // Prepare
    const { deps, audit, context, logLines } = setup();
    audit.failNextAppends(99);

    // Act
    const result = await provisionSubscriber(deps, context, BODY);

    // Assess
    expect(result.value.id).toBe('SUB1');
    expect(audit.records.length).toBe(0);
    const errorLine = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 'error');
    expect(errorLine?.auditRecord).toMatchObject({ action: 'provision', subscriberId: 'SUB1' });
    for (const value of PERSONAL_VALUES) expect(JSON.stringify(errorLine)).not.toContain(value);
  });
});

describe('updateSubscriber', () => {
  it('updates, audits once with the removed field marked, and with the follow-up request', async () => {
    // Prepare
    const { deps, audit, calls, context } = setup();

    // Act
    const result = await updateSubscriber(deps, context, 'SUB1', { mobilePhoneNumber: '', package: 'premium' });

    // Assess
    expect(result.value.status).toBe('updating');
    expect(calls[0]?.args.slice(0, 2)).toEqual(['SUB1', { mobilePhoneNumber: '', package: 'premium' }]);
    const record = audit.records[0];
    expect(record).toMatchObject({ action: 'update', subscriberId: 'SUB1', status: { to: 'updating' } });
    expect(record?.changes).toEqual([
      { field: 'mobilePhoneNumber', removed: true },
      { field: 'package', value: 'premium' },
    ]);
    expect(record?.follow).toMatchObject({ subscriberId: 'SUB1', reason: 'update', requestId: 'req-1' });
  });

  it('audits a failed update with the subscriber id', async () => {
    // Prepare
    const { deps, audit, context } = setup({
      webex: {
        update: async () => {
          throw new NotFoundError('gone');
        },
      },
    });

    // Act
    const outcome = updateSubscriber(deps, context, 'SUB9', { package: 'basic' });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(NotFoundError);
    expect(audit.records[0]).toMatchObject({
      subscriberId: 'SUB9',
      outcome: { result: 'failure', errorCodes: [] },
      detail: 'not-found',
    });
  });
});

describe('removeSubscriber, resendConsent and precheckSubscriber', () => {
  it('audits a removal with 204', async () => {
    // Prepare
    const { deps, audit, context } = setup();

    // Act
    await removeSubscriber(deps, context, 'SUB1');

    // Assess
    expect(audit.records).toEqual([
      expect.objectContaining({
        action: 'remove',
        subscriberId: 'SUB1',
        outcome: { result: 'success', statusCode: 204 },
      }),
    ]);
  });

  it('audits a consent resend and a throttled failure of it', async () => {
    // Prepare
    const ok = setup();
    const throttled = setup({
      webex: {
        consentMove: async () => {
          throw new UpstreamThrottledError('slow', { status: 429, retryAfterSeconds: 30 });
        },
      },
    });

    // Act
    await resendConsent(ok.deps, ok.context, 'SUB1');
    await expect(resendConsent(throttled.deps, throttled.context, 'SUB1')).rejects.toThrow('slow');

    // Assess
    expect(ok.audit.records[0]).toMatchObject({ action: 'resendConsent', outcome: { statusCode: 204 } });
    expect(throttled.audit.records[0]).toMatchObject({
      action: 'resendConsent',
      outcome: { result: 'failure', statusCode: 429 },
      detail: 'upstream-throttled',
    });
  });

  it('audits a precheck with the customer email digested', async () => {
    // Prepare
    const { deps, audit, context } = setup();

    // Act
    await precheckSubscriber(deps, context, {
      email: 'ada@acme.example.com',
      customerInfo: { primaryEmail: 'boss@acme.example.com' },
    });

    // Assess
    const record = audit.records[0];
    expect(record?.action).toBe('precheck');
    expect(record?.changes?.map((c) => c.field)).toEqual(['customerInfo.primaryEmail', 'email']);
    expect(JSON.stringify(record)).not.toContain('acme.example.com');
  });

  it('gives different record ids to different operations of the same request', async () => {
    // Prepare
    const { deps, audit, context } = setup();

    // Act
    await removeSubscriber(deps, context, 'SUB1');
    await resendConsent(deps, context, 'SUB1');

    // Assess
    expect(audit.records.length).toBe(2);
  });
});

describe('listSubscribers', () => {
  it('keeps the caller max on the next page when Webex leaves it out', async () => {
    // Prepare
    const { deps, context } = setup({
      webex: { list: async () => ({ value: { items: [], nextQuery: { cursor: 'abc' } } }) },
    });

    // Act
    const result = await listSubscribers(deps, context, { max: '10' });

    // Assess
    expect(result.value.nextQuery).toEqual({ cursor: 'abc', max: '10' });
  });
});

describe('listSubscriberAudit', () => {
  it('reads the audit trail with the default page size', async () => {
    // Prepare
    const queries: AuditQuery[] = [];
    const store: AuditStore = {
      append: async () => ({ written: true }),
      listByOrder: async () => ({ items: [] }),
      listBySubscriber: async (_id, query) => {
        queries.push(query);
        return { items: [] };
      },
    };

    // Act
    await listSubscriberAudit({ audit: store }, 'SUB1', {});
    await listSubscriberAudit({ audit: store }, 'SUB1', { max: '5', cursor: 'c' });

    // Assess
    expect(queries).toEqual([
      { max: 50, cursor: undefined },
      { max: 5, cursor: 'c' },
    ]);
  });
});
