/**
 * The emulated audit table stream (local/audit-stream.ts): a proxy in front of dynalite that turns every successful
 * PutItem on the audit table into a stream record and delivers the ones matching the filter, in order, with retries and
 * a dead-letter list — what the Lambda event source mapping does in AWS.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FOLLOW_FILTER } from '../../functions/adapters/dynamodb/audit-outbox';
import { DynamoAuditStore } from '../../functions/adapters/dynamodb/audit-store';
import type { AuditRecord } from '../../functions/domain/ports/audit';
import { type AuditStreamProxy, matchesFilter, startAuditStreamProxy } from '../../local/audit-stream';
import { startTestDynamo, TEST_AWS_ENV, type TestDynamo } from '../support/dynalite';

let dynamo: TestDynamo;
let stream: AuditStreamProxy;
let store: DynamoAuditStore;
const slept: number[] = [];
let delivered: DynamoDBRecord[] = [];
let failuresLeft = 0;

function record(id: string, extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id,
    at: '2025-06-01T12:00:00.000Z',
    actor: 'ordering-system',
    action: 'provision',
    outcome: { result: 'success', statusCode: 200 },
    ...extra,
  };
}

function follow(subscriberId: string): Pick<AuditRecord, 'follow'> {
  return {
    follow: { subscriberId, reason: 'provision', trackingId: 'T', requestId: `req-${subscriberId}`, actor: 'a' },
  };
}

beforeAll(async () => {
  dynamo = await startTestDynamo('audit-stream');
  stream = await startAuditStreamProxy({
    target: dynamo.endpoint,
    port: 0,
    host: '127.0.0.1',
    tableName: dynamo.tableName,
    region: TEST_AWS_ENV.AWS_REGION,
    sleep: async (ms) => void slept.push(ms),
  });
  stream.subscribe({
    filter: FOLLOW_FILTER,
    retryDelaysMs: [10, 20],
    consumer: async (event: DynamoDBStreamEvent) => {
      const [first] = event.Records;
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        return { batchItemFailures: [{ itemIdentifier: first?.dynamodb?.SequenceNumber ?? '' }] };
      }
      delivered.push(...event.Records);
      return { batchItemFailures: [] };
    },
  });
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  store = new DynamoAuditStore({
    client: new DynamoDBClient({
      endpoint: stream.url,
      region: TEST_AWS_ENV.AWS_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    tableName: dynamo.tableName,
  });
});

afterAll(async () => {
  await stream.stop();
  await dynamo.stop();
});

beforeEach(() => {
  delivered = [];
  slept.length = 0;
  failuresLeft = 0;
});

describe('the emulated audit stream', () => {
  it('passes DynamoDB requests through unchanged', async () => {
    // Act
    const first = await store.append(record('pass-1'));
    const again = await store.append(record('pass-1'));
    const page = await store.listByDay('2025-06-01', { max: 10 });

    // Assess
    expect(first).toEqual({ written: true });
    expect(again).toEqual({ written: false });
    expect(page.items.map((r) => r.id)).toContain('pass-1');
  });

  it('delivers, in write order, only new items carrying a follow-up request, as NEW_IMAGE INSERT records', async () => {
    // Act
    await store.append(record('order-1', follow('S1')));
    await store.append(record('order-2'));
    await store.append(record('order-3', follow('S3')));
    await store.append(record('order-1', follow('S1'))); // a retried write: no new item, no new record
    await stream.idle();

    // Assess
    expect(delivered.map((r) => r.dynamodb?.NewImage?.follow?.M?.subscriberId?.S)).toEqual(['S1', 'S3']);
    expect(delivered[0]).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: { StreamViewType: 'NEW_IMAGE', Keys: { id: { S: 'order-1' } } },
    });
    const [a, b] = delivered.map((r) => r.dynamodb?.SequenceNumber ?? '');
    expect((a ?? '') < (b ?? '')).toBe(true);
  });

  it('retries a failed record after each delay, holding back the records behind it', async () => {
    // Prepare
    failuresLeft = 2;

    // Act
    await store.append(record('retry-1', follow('R1')));
    await store.append(record('retry-2', follow('R2')));
    await stream.idle();

    // Assess
    expect(slept).toEqual([10, 20]);
    expect(delivered.map((r) => r.dynamodb?.NewImage?.follow?.M?.subscriberId?.S)).toEqual(['R1', 'R2']);
  });

  it('dead-letters a record after the last retry and goes on with the next', async () => {
    // Prepare
    failuresLeft = 3;
    const before = stream.deadLetters.length;

    // Act
    await store.append(record('dead-1', follow('D1')));
    await store.append(record('dead-2', follow('D2')));
    await stream.idle();

    // Assess
    expect(stream.deadLetters.slice(before).map((d) => d.record.dynamodb?.Keys?.id?.S)).toEqual(['dead-1']);
    expect(delivered.map((r) => r.dynamodb?.NewImage?.follow?.M?.subscriberId?.S)).toEqual(['D2']);
  });

  it('writes on other tables never become records of the audit stream', async () => {
    // Act
    await dynamo.client
      .send(new PutItemCommand({ TableName: 'another-table', Item: { id: { S: 'x' } } }))
      .catch(() => undefined);
    await stream.idle();

    // Assess
    expect(delivered).toEqual([]);
  });
});

describe('matchesFilter (Lambda event filtering, the subset in use)', () => {
  it('matches listed values and exists rules, nested', () => {
    // Prepare
    const pattern = {
      eventName: ['INSERT'],
      dynamodb: { NewImage: { follow: { M: { s: { S: [{ exists: true }] } } } } },
    };
    const hit = { eventName: 'INSERT', dynamodb: { NewImage: { follow: { M: { s: { S: 'x' } } } } } };

    // Act / Assess
    expect(matchesFilter(hit, pattern)).toBe(true);
    expect(matchesFilter({ ...hit, eventName: 'MODIFY' }, pattern)).toBe(false);
    expect(matchesFilter({ eventName: 'INSERT', dynamodb: { NewImage: {} } }, pattern)).toBe(false);
    expect(matchesFilter({ a: undefined }, { a: [{ exists: false }] })).toBe(true);
  });
});
