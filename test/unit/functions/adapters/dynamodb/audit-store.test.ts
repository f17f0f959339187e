import { DescribeTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAuditStore, encodeCursor, expiresAt } from '../../../../../functions/adapters/dynamodb/audit-store';
import { AUDIT_TABLE } from '../../../../../functions/adapters/dynamodb/audit-table';
import { auditId } from '../../../../../functions/domain/audit';
import { ValidationError } from '../../../../../functions/domain/errors';
import type { AuditRecord } from '../../../../../functions/domain/ports/audit';
import { startTestDynamo, type TestDynamo } from '../../../../support/dynalite';

let dynamo: TestDynamo;
let store: DynamoAuditStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = new DynamoAuditStore({ client: dynamo.client, tableName: dynamo.tableName });
});

afterAll(async () => {
  await dynamo.stop();
});

function record(subscriberId: string, minute: number, extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: auditId('req', subscriberId, minute),
    at: new Date(Date.UTC(2025, 0, 1, 10, minute)).toISOString(),
    actor: 'ordering-system',
    action: 'update',
    subscriberId,
    changes: [
      { field: 'package', value: 'premium' },
      { field: 'firstName', digest: 'hmac-sha256:0123456789abcdef' },
    ],
    outcome: { result: 'success', statusCode: 200 },
    status: { to: 'updating' },
    trackingId: `T${minute}`,
    ...extra,
  };
}

describe('the audit table description', () => {
  it('creates the table with the id key and the three GSIs sorted by atId', async () => {
    // Act
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: dynamo.tableName }));

    // Assess
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    const indexes = Table?.GlobalSecondaryIndexes?.map((i) => ({
      name: i.IndexName,
      keys: i.KeySchema?.map((k) => k.AttributeName),
      projection: i.Projection?.ProjectionType,
    }));
    expect(indexes).toEqual(
      expect.arrayContaining([
        { name: 'bySubscriber', keys: ['subscriberId', 'atId'], projection: 'ALL' },
        { name: 'byOrder', keys: ['orderId', 'atId'], projection: 'ALL' },
        { name: 'byDay', keys: ['day', 'atId'], projection: 'ALL' },
      ]),
    );
    expect(AUDIT_TABLE.globalSecondaryIndexes).toHaveLength(3);
  });
});

describe('DynamoAuditStore', () => {
  it('appends a record once: the same id again is not written twice', async () => {
    // Prepare
    const first = record('S-idem', 1);

    // Act
    const a = await store.append(first);
    const b = await store.append({ ...first, detail: 'a retry that must not overwrite' });

    // Assess
    expect(a).toEqual({ written: true });
    expect(b).toEqual({ written: false });
    const page = await store.listBySubscriber('S-idem', { max: 10 });
    expect(page.items).toEqual([first]);
  });

  it('stores the index attributes atId and day but returns the record as written', async () => {
    // Prepare
    const r = record('S-shape', 2);

    // Act
    await store.append(r);
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: dynamo.tableName, Key: { id: { S: r.id } } }),
    );
    const page = await store.listBySubscriber('S-shape', { max: 10 });

    // Assess
    expect(Item?.atId?.S).toBe(`${r.at}#${r.id}`);
    expect(Item?.day?.S).toBe('2025-01-01');
    expect(page.items[0]).toEqual(r);
  });

  it('lists a subscriber newest first and pages with a cursor until the last page', async () => {
    // Prepare
    for (const minute of [5, 1, 4, 2, 3]) await store.append(record('S-page', minute));
    await store.append(record('S-other', 9));

    // Act
    const first = await store.listBySubscriber('S-page', { max: 2 });
    const second = await store.listBySubscriber('S-page', { max: 2, cursor: first.cursor });
    const third = await store.listBySubscriber('S-page', { max: 2, cursor: second.cursor });

    // Assess
    expect(first.items.map((r) => r.trackingId)).toEqual(['T5', 'T4']);
    expect(second.items.map((r) => r.trackingId)).toEqual(['T3', 'T2']);
    expect(third.items.map((r) => r.trackingId)).toEqual(['T1']);
    expect(first.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const all = [...first.items, ...second.items, ...third.items];
    expect(all.every((r) => r.subscriberId === 'S-page')).toBe(true);
    expect(
      third.cursor === undefined ||
        (await store.listBySubscriber('S-page', { max: 2, cursor: third.cursor })).items.length === 0,
    ).toBe(true);
  });

  it('lists an order by its orderId and a day by its date', async () => {
    // Prepare
    await store.append(
      record('S-order', 7, {
        id: auditId('order-1', 'step', 'Provision'),
        orderId: 'order-1',
        action: 'orderStep',
        step: 'Provision',
      }),
    );

    // Act
    const byOrder = await store.listByOrder('order-1', { max: 10 });
    const byDay = await store.listByDay('2025-01-01', { max: 100 });

    // Assess
    expect(byOrder.items.map((r) => r.step)).toEqual(['Provision']);
    expect(byDay.items.length).toBeGreaterThan(1);
    const times = byDay.items.map((r) => r.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('refuses a bad cursor with a 1002 validation error on the cursor field', async () => {
    // Prepare
    const foreign = encodeCursor({ id: { S: 'x' }, subscriberId: { S: 'S-someone-else' }, atId: { S: '2025#x' } });
    const bad = [
      'not base64!',
      Buffer.from('not json').toString('base64url'),
      Buffer.from('[]').toString('base64url'),
      Buffer.from(JSON.stringify({ id: 'x' })).toString('base64url'),
      Buffer.from(JSON.stringify({ id: 'x', subscriberId: 'S-page', atId: 1 })).toString('base64url'),
      foreign,
      'a'.repeat(5000),
    ];

    for (const cursor of bad) {
      // Act
      const outcome = store.listBySubscriber('S-page', { max: 2, cursor });

      // Assess
      await expect(outcome).rejects.toBeInstanceOf(ValidationError);
      await expect(outcome).rejects.toMatchObject({ errors: [{ errorCode: 1002, fieldName: 'cursor' }] });
    }
  });
});

describe('retention', () => {
  it('writes every record with its expiry, the retention after it happened, and reads it back without it', async () => {
    // Prepare
    const short = new DynamoAuditStore({ client: dynamo.client, tableName: dynamo.tableName, retentionDays: 30 });
    const kept = record('retention-sub', 1);
    const brief = record('retention-sub', 2);

    // Act
    await store.append(kept);
    await short.append(brief);
    const items = await Promise.all(
      [kept, brief].map((r) =>
        dynamo.client.send(new GetItemCommand({ TableName: dynamo.tableName, Key: { id: { S: r.id } } })),
      ),
    );
    const page = await store.listBySubscriber('retention-sub', { max: 10 });

    // Assess
    expect(items.map((i) => i.Item?.[AUDIT_TABLE.timeToLiveAttribute]?.N)).toEqual([
      String(expiresAt(kept.at, 400)),
      String(expiresAt(brief.at, 30)),
    ]);
    expect(expiresAt('2025-01-01T10:01:00.000Z', 400)).toBe(Date.UTC(2026, 1, 5, 10, 1) / 1000);
    expect(page.items).toEqual([brief, kept]);
  });
});
