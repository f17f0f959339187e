/**
 * The audit trail on DynamoDB: append-only and idempotent.
 *
 * `append` is a PutItem conditioned on `attribute_not_exists(id)`: the record id is deterministic, so a retried write of
 * the same event finds the first one and reports `{ written: false }`. Queries read a GSI newest first and page with an
 * opaque cursor (base64url JSON of DynamoDB's LastEvaluatedKey), checked before use: a cursor that is not one of ours is
 * a 400 (errorCode 1002, fieldName cursor), never a 500. There is no UpdateItem, DeleteItem or transaction here.
 *
 * A record's `follow` request (API Provision/Update) is stored on the same item, in the same put: the table's stream
 * delivers it to the follow-up consumer (`audit-outbox.ts`). Queries leave it out.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ERROR_CODES, RULES } from '../../domain/contract/rules';
import { ValidationError } from '../../domain/errors';
import type {
  AuditDayIndex,
  AuditLookup,
  AuditPage,
  AuditQuery,
  AuditRecord,
  AuditStore,
} from '../../domain/ports/audit';
import { FOLLOW_ATTRIBUTE } from './audit-outbox';
import { AUDIT_TABLE, type AuditIndexName, auditIndex, DEFAULT_AUDIT_RETENTION_DAYS } from './audit-table';

/** Longest cursor accepted (a LastEvaluatedKey of three short strings is far below). */
export const MAX_CURSOR_LENGTH = 1024;

export interface DynamoAuditStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Days a record is kept: its TTL attribute is `at` + this many days. Default 400. */
  retentionDays?: number;
}

/** Attributes that are not part of the trail as read: the indexes' keys and the outbox request; stripped when reading. */
const INTERNAL_ATTRIBUTES = ['atId', 'day', AUDIT_TABLE.timeToLiveAttribute, FOLLOW_ATTRIBUTE] as const;

const SECONDS_PER_DAY = 86_400;

/** The TTL value of a record written at `at` (ISO 8601): epoch seconds, `retentionDays` later. */
export function expiresAt(at: string, retentionDays: number): number {
  return Math.floor(Date.parse(at) / 1000) + retentionDays * SECONDS_PER_DAY;
}

export class DynamoAuditStore implements AuditStore, AuditLookup, AuditDayIndex {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #retentionDays: number;

  constructor(options: DynamoAuditStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#retentionDays = options.retentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS;
  }

  async append(record: AuditRecord): Promise<{ written: boolean }> {
    const item = {
      ...record,
      atId: `${record.at}#${record.id}`,
      day: record.at.slice(0, 10),
      [AUDIT_TABLE.timeToLiveAttribute]: expiresAt(record.at, this.#retentionDays),
    };
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#tableName,
          Item: marshall(item, { removeUndefinedValues: true }),
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': AUDIT_TABLE.partitionKey.name },
        }),
      );
      return { written: true };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return { written: false };
      throw error;
    }
  }

  /** One record by its id, strongly consistent. */
  async get(id: string): Promise<AuditRecord | undefined> {
    const result = await this.#client.send(
      new GetItemCommand({
        TableName: this.#tableName,
        Key: { [AUDIT_TABLE.partitionKey.name]: { S: id } },
        ConsistentRead: true,
      }),
    );
    return result.Item === undefined ? undefined : toRecord(result.Item);
  }

  listBySubscriber(subscriberId: string, query: AuditQuery): Promise<AuditPage> {
    return this.#query('bySubscriber', subscriberId, query);
  }

  listByOrder(orderId: string, query: AuditQuery): Promise<AuditPage> {
    return this.#query('byOrder', orderId, query);
  }

  /** Records of one UTC day (yyyy-mm-dd), newest first. */
  listByDay(day: string, query: AuditQuery): Promise<AuditPage> {
    return this.#query('byDay', day, query);
  }

  /**
   * Records of one day with one `step`, newest first. DynamoDB filters after it reads (`Limit` counts the records read),
   * so this reads page after page (at most `MAX_FILTERED_READS` per call) until it has `max`; the cursor then points
   * just after the last record returned, and stays a cursor of the byDay index.
   */
  async listStepByDay(day: string, step: string, query: AuditQuery): Promise<AuditPage> {
    const index = auditIndex('byDay');
    const max = Math.min(Math.max(Math.trunc(query.max), 1), RULES.listMaxMax);
    let startKey = query.cursor === undefined ? undefined : decodeCursor(query.cursor, index.partitionKey.name, day);
    const items: Array<Record<string, AttributeValue>> = [];
    for (let read = 0; read < MAX_FILTERED_READS; read++) {
      let result: QueryCommandOutput;
      try {
        result = await this.#client.send(
          new QueryCommand({
            TableName: this.#tableName,
            IndexName: 'byDay',
            KeyConditionExpression: '#pk = :pk',
            FilterExpression: '#step = :step',
            ExpressionAttributeNames: { '#pk': index.partitionKey.name, '#step': 'step' },
            ExpressionAttributeValues: { ':pk': { S: day }, ':step': { S: step } },
            ScanIndexForward: false,
            Limit: FILTERED_READ_SIZE,
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (error) {
        if (startKey !== undefined && (error as { name?: string }).name === 'ValidationException') {
          throw invalidCursor();
        }
        throw error;
      }
      for (const item of result.Items ?? []) {
        items.push(item);
        if (items.length === max) {
          const last = result.LastEvaluatedKey === undefined && item === result.Items?.at(-1);
          return { items: items.map(toRecord), cursor: last ? undefined : encodeCursor(keyOf(item)) };
        }
      }
      startKey = result.LastEvaluatedKey;
      if (startKey === undefined) return { items: items.map(toRecord), cursor: undefined };
    }
    return { items: items.map(toRecord), cursor: startKey === undefined ? undefined : encodeCursor(startKey) };
  }

  async #query(indexName: AuditIndexName, keyValue: string, query: AuditQuery): Promise<AuditPage> {
    const index = auditIndex(indexName);
    const max = Math.min(Math.max(Math.trunc(query.max), 1), RULES.listMaxMax);
    const exclusiveStartKey =
      query.cursor === undefined ? undefined : decodeCursor(query.cursor, index.partitionKey.name, keyValue);
    let result: QueryCommandOutput;
    try {
      result = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          IndexName: indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey.name },
          ExpressionAttributeValues: { ':pk': { S: keyValue } },
          ScanIndexForward: false,
          Limit: max,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
    } catch (error) {
      // DynamoDB refuses a start key that does not belong to this query: still the caller's bad cursor.
      if (exclusiveStartKey !== undefined && (error as { name?: string }).name === 'ValidationException') {
        throw invalidCursor();
      }
      throw error;
    }
    const items = (result.Items ?? []).map(toRecord);
    const last = result.LastEvaluatedKey;
    return { items, cursor: last === undefined ? undefined : encodeCursor(last) };
  }
}

/** Records one filtered listing reads per DynamoDB page, and pages per call at most. */
const FILTERED_READ_SIZE = 200;
const MAX_FILTERED_READS = 10;

/** The byDay index's key of an item (table key + index keys): where a listing continues after it. */
function keyOf(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const names = [AUDIT_TABLE.partitionKey.name, auditIndex('byDay').partitionKey.name, 'atId'];
  return Object.fromEntries(names.map((name) => [name, item[name] as AttributeValue]));
}

function toRecord(item: Record<string, AttributeValue>): AuditRecord {
  const value = unmarshall(item);
  for (const attribute of INTERNAL_ATTRIBUTES) delete value[attribute];
  return value as unknown as AuditRecord;
}

function isConditionalCheckFailed(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException'
  );
}

/** The cursor: base64url of the JSON of LastEvaluatedKey's string attributes. */
export function encodeCursor(lastEvaluatedKey: Record<string, AttributeValue>): string {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(lastEvaluatedKey)) {
    if (value.S === undefined) throw new Error(`Unexpected non-string key attribute ${name} in LastEvaluatedKey`);
    plain[name] = value.S;
  }
  return Buffer.from(JSON.stringify(plain), 'utf8').toString('base64url');
}

/**
 * Decode and check a cursor: exactly the table key, the index key and the sort key, all strings, and the index key
 * equal to the value queried (a cursor from another subscriber's listing is refused).
 */
export function decodeCursor(
  cursor: string,
  partitionKeyName: string,
  partitionKeyValue: string,
): Record<string, AttributeValue> {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalidCursor();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidCursor();
  const entries = Object.entries(parsed as Record<string, unknown>);
  const expected = new Set([AUDIT_TABLE.partitionKey.name, partitionKeyName, 'atId']);
  if (
    entries.length !== expected.size ||
    entries.some(([k, v]) => !expected.has(k) || typeof v !== 'string' || v === '')
  ) {
    throw invalidCursor();
  }
  const key = Object.fromEntries(entries) as Record<string, string>;
  if (key[partitionKeyName] !== partitionKeyValue) throw invalidCursor();
  if (!key.atId?.endsWith(`#${key[AUDIT_TABLE.partitionKey.name]}`)) throw invalidCursor();
  return Object.fromEntries(Object.entries(key).map(([k, v]) => [k, { S: v }]));
}

function invalidCursor(): ValidationError {
  return new ValidationError('The request is invalid.', [
    { description: 'cursor is not a valid paging cursor', errorCode: ERROR_CODES.invalidValue, fieldName: 'cursor' },
  ]);
}
