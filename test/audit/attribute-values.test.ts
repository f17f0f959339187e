import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  marshallItem,
  UnsupportedAttributeError,
  unmarshallItem,
} from '../../functions/adapters/dynamodb/attribute-values';
import { DynamoAuditStore } from '../../functions/adapters/dynamodb/audit-store';
import { auditId } from '../../functions/domain/audit';
import type { AuditRecord } from '../../functions/domain/ports/audit';
import { startTestDynamo, type TestDynamo } from './dynalite';

const AT = '2025-03-04T05:06:07.089Z';

/** One record of every kind the code writes (API mutations, failures, status changes, workflow steps, the outbox). */
const RECORD_KINDS: Array<[string, AuditRecord]> = [
  [
    'API Provision success with its follow-up request',
    {
      id: auditId('req-1', 'provision'),
      at: AT,
      actor: 'client-1',
      action: 'provision',
      subscriberId: 'S-kinds',
      changes: [
        { field: 'email', digest: 'hmac-sha256:0123456789abcdef' },
        { field: 'package', value: 'standard' },
      ],
      outcome: { result: 'success', statusCode: 200 },
      status: { from: undefined, to: 'provisioning' },
      trackingId: 'WBXPROV_1',
      webexTrackingId: 'ROUTER_1',
      follow: { subscriberId: 'S-kinds', reason: 'provision', trackingId: 'WBXPROV_1', requestId: 'r', actor: 'c' },
    },
  ],
  [
    'API Update with a removed field and an undefined Webex tracking id',
    {
      id: auditId('req-2', 'update'),
      at: AT,
      actor: 'client-1',
      action: 'update',
      subscriberId: 'S-kinds',
      changes: [
        { field: 'extension', removed: true },
        { field: 'timezone', value: 'Europe/Paris' },
      ],
      outcome: { result: 'success', statusCode: 200 },
      status: { to: 'updating' },
      trackingId: 'WBXPROV_2',
      webexTrackingId: undefined,
    },
  ],
  [
    'a failed mutation with Webex error codes',
    {
      id: auditId('req-3', 'remove'),
      at: AT,
      actor: 'client-2',
      action: 'remove',
      subscriberId: 'S-kinds',
      outcome: { result: 'failure', statusCode: 409, errorCodes: [10022, 1002] },
      trackingId: 'WBXPROV_3',
      detail: 'UpstreamError',
    },
  ],
  [
    'a failure with an empty change list and no status code',
    {
      id: auditId('req-4', 'precheck'),
      at: AT,
      actor: 'client-2',
      action: 'precheck',
      changes: [],
      outcome: { result: 'failure', errorCodes: [] },
      detail: '',
    },
  ],
  [
    'a status change',
    {
      id: auditId('S-kinds', 'status', 'provisioned', AT),
      at: AT,
      actor: 'workflow:order-1',
      action: 'statusChange',
      subscriberId: 'S-kinds',
      orderId: 'order-1',
      outcome: { result: 'success' },
      status: { from: 'provisioning', to: 'provisioned' },
    },
  ],
  [
    'a workflow step',
    {
      id: auditId('order-1', 'step', 'precheck'),
      at: AT,
      actor: 'workflow:order-1',
      action: 'orderStep',
      orderId: 'order-1',
      step: 'precheck',
      outcome: { result: 'success', statusCode: 200 },
      detail: 'precheck skipped: no email',
    },
  ],
];

/** The item as the store writes it: the record plus its index attributes. */
function itemOf(record: AuditRecord): Record<string, unknown> {
  return { ...record, atId: `${record.at}#${record.id}`, day: record.at.slice(0, 10) };
}

/** JSON-like values: what an audit record is made of. */
const jsonLike: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ minLength: 1 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('audit attribute values', () => {
  it.each(RECORD_KINDS)('writes %s exactly as util-dynamodb marshall did', (_kind, record) => {
    // Act
    const ours = marshallItem(itemOf(record));

    // Assess
    expect(ours).toEqual(marshall(itemOf(record), { removeUndefinedValues: true }));
  });

  it.each(RECORD_KINDS)('reads %s back exactly as util-dynamodb unmarshall did', (_kind, record) => {
    // Prepare
    const item = marshall(itemOf(record), { removeUndefinedValues: true });

    // Act
    const ours = unmarshallItem(item);

    // Assess
    expect(ours).toStrictEqual(unmarshall(item));
  });

  it('agrees with util-dynamodb on any JSON-like map', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), jsonLike, { maxKeys: 6 }), (map) => {
        // Act
        const ours = marshallItem(map);

        // Assess
        expect(ours).toEqual(marshall(map, { removeUndefinedValues: true }));
        expect(unmarshallItem(ours)).toStrictEqual(unmarshall(ours));
      }),
      { seed: 20261130, numRuns: 300 },
    );
  });

  it.each([
    ['a Set', { tags: new Set(['a']) }, 'tags'],
    ['a Date', { outcome: { at: new Date(0) } }, 'outcome.at'],
    ['a bigint', { n: 10n }, 'n'],
    ['NaN', { changes: [{ n: Number.NaN }] }, 'changes[0].n'],
    ['an unsafe integer', { n: 2 ** 60 }, 'n'],
    ['binary', { b: new Uint8Array([1]) }, 'b'],
  ])('refuses %s, naming the attribute and not the value', (_name, item, path) => {
    // Act
    const failure = (() => {
      try {
        marshallItem(item as Record<string, unknown>);
      } catch (error) {
        return error;
      }
      return undefined;
    })();

    // Assess
    expect(failure).toBeInstanceOf(UnsupportedAttributeError);
    expect((failure as Error).message).toContain(`attribute ${path} is`);
  });

  it('refuses attribute types the audit trail never writes when reading', () => {
    // Act / Assess
    expect(() => unmarshallItem({ tags: { SS: ['a'] } })).toThrow(UnsupportedAttributeError);
    expect(() => unmarshallItem({ n: { N: '123456789012345678901234567890' } })).toThrow(UnsupportedAttributeError);
  });
});

describe('every record kind through the store and DynamoDB (dynalite)', () => {
  let dynamo: TestDynamo;
  let store: DynamoAuditStore;

  beforeAll(async () => {
    dynamo = await startTestDynamo('audit-kinds');
    store = new DynamoAuditStore({ client: dynamo.client, tableName: dynamo.tableName });
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  it.each(RECORD_KINDS)('reads %s back as written, without the outbox request', async (_kind, record) => {
    // Prepare
    const { follow: _follow, ...asRead } = record;

    // Act
    await store.append(record);
    const page =
      record.subscriberId === undefined
        ? await store.listByDay(AT.slice(0, 10), { max: 100 })
        : await store.listBySubscriber(record.subscriberId, { max: 100 });

    // Assess
    const found = page.items.find((item) => item.id === record.id);
    expect(found).toEqual(JSON.parse(JSON.stringify(asRead)));
  });
});
