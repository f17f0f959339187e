/**
 * The status sweeper's records in the Webex state table (`webex-state-table.ts`): the latest status per subscriber
 * (`status#<id>`: `lastStatusChange` epoch ms, `status`, the subscriber as JSON, `expiresAt` for TTL) and the sweep
 * item (`sweep`: `sweptThrough`, and the lease `leaseOwner` / `leaseUntil`). Conditional writes only: a latest-status
 * record never goes back in time, the cursor never moves back, a lease is taken only when free, expired or ours.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { STATUS_SWEEP } from '../../domain/contract/rules';
import { type Subscriber, SubscriberSchema } from '../../domain/contract/subscriber';
import * as z from '../../domain/contract/zod';
import type { Clock } from '../../domain/ports/clock';
import type { KnownStatus, LatestStatus, RecordedStatus, StatusRecordStore } from '../../domain/ports/status-records';
import { WEBEX_STATE_TABLE } from './webex-state-table';

export interface DynamoStatusRecordsOptions {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}

const PK = WEBEX_STATE_TABLE.partitionKey.name;
const BATCH_GET_MAX = 100;
const key = (pk: string): Record<string, AttributeValue> => ({ [PK]: { S: pk } });
const SWEEP_KEY = key(WEBEX_STATE_TABLE.keys.sweep);

export class DynamoStatusRecords implements StatusRecordStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly clock: Clock;

  constructor(options: DynamoStatusRecordsOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.clock = options.clock;
  }

  async read(subscriberId: string): Promise<RecordedStatus> {
    const statusKey = WEBEX_STATE_TABLE.keys.status(subscriberId);
    const items = await this.batchGet([statusKey, WEBEX_STATE_TABLE.keys.sweep]);
    const item = items.get(statusKey);
    const subscriber = item ? parseSubscriber(item.subscriber?.S) : undefined;
    const lastStatusChangeMs = numberOf(item?.lastStatusChange);
    return {
      latest:
        subscriber && lastStatusChangeMs !== undefined && subscriber.id === subscriberId
          ? { subscriber, lastStatusChangeMs }
          : undefined,
      sweptThroughMs: numberOf(items.get(WEBEX_STATE_TABLE.keys.sweep)?.sweptThrough),
    };
  }

  async sweptThrough(): Promise<number | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: SWEEP_KEY, ConsistentRead: true }),
    );
    return numberOf(Item?.sweptThrough);
  }

  async known(subscriberIds: readonly string[]): Promise<Map<string, KnownStatus>> {
    const keys = [...new Set(subscriberIds)].map((id) => WEBEX_STATE_TABLE.keys.status(id));
    const items = await this.batchGet(keys);
    const known = new Map<string, KnownStatus>();
    for (const id of subscriberIds) {
      const item = items.get(WEBEX_STATE_TABLE.keys.status(id));
      const lastStatusChangeMs = numberOf(item?.lastStatusChange);
      const status = item?.status?.S;
      if (lastStatusChangeMs !== undefined && status !== undefined) {
        known.set(id, { status: status as KnownStatus['status'], lastStatusChangeMs });
      }
    }
    return known;
  }

  async putLatest(latest: LatestStatus): Promise<boolean> {
    const { subscriber, lastStatusChangeMs } = latest;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...key(WEBEX_STATE_TABLE.keys.status(subscriber.id)),
            lastStatusChange: { N: String(lastStatusChangeMs) },
            status: { S: subscriber.status },
            subscriber: { S: JSON.stringify(subscriber) },
            recordedAt: { N: String(this.clock.now()) },
            [WEBEX_STATE_TABLE.timeToLiveAttribute]: {
              N: String(Math.floor(this.clock.now() / 1000) + STATUS_SWEEP.recordTtlSeconds),
            },
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #c < :c',
          ExpressionAttributeNames: { '#pk': PK, '#c': 'lastStatusChange' },
          ExpressionAttributeValues: { ':c': { N: String(lastStatusChangeMs) } },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async advance(sweptThroughMs: number): Promise<void> {
    await this.conditionalUpdate(
      'SET #s = :s',
      'attribute_not_exists(#s) OR #s < :s',
      { '#s': 'sweptThrough' },
      { ':s': { N: String(sweptThroughMs) } },
    );
  }

  async lease(owner: string, untilMs: number): Promise<boolean> {
    return this.conditionalUpdate(
      'SET #o = :o, #u = :u',
      'attribute_not_exists(#u) OR #u < :now OR #o = :o',
      { '#o': 'leaseOwner', '#u': 'leaseUntil' },
      { ':o': { S: owner }, ':u': { N: String(untilMs) }, ':now': { N: String(this.clock.now()) } },
    );
  }

  async release(owner: string): Promise<void> {
    await this.conditionalUpdate(
      'SET #u = :zero',
      '#o = :o',
      { '#o': 'leaseOwner', '#u': 'leaseUntil' },
      { ':o': { S: owner }, ':zero': { N: '0' } },
    );
  }

  private async conditionalUpdate(
    expression: string,
    condition: string,
    names: Record<string, string>,
    values: Record<string, AttributeValue>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: SWEEP_KEY,
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Consistent reads of up to 100 items a request, unprocessed keys asked again. */
  private async batchGet(pks: readonly string[]): Promise<Map<string, Record<string, AttributeValue>>> {
    const found = new Map<string, Record<string, AttributeValue>>();
    for (let i = 0; i < pks.length; i += BATCH_GET_MAX) {
      let keys: Array<Record<string, AttributeValue>> | undefined = pks.slice(i, i + BATCH_GET_MAX).map(key);
      for (let round = 0; keys && keys.length > 0 && round < 10; round++) {
        const result: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const pk = item[PK]?.S;
          if (pk !== undefined) found.set(pk, item);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
        if (keys && keys.length > 0) await this.clock.sleep(50 * 2 ** round);
      }
      if (keys && keys.length > 0) throw new Error('DynamoDB left keys of the Webex state table unprocessed');
    }
    return found;
  }
}

function numberOf(value: AttributeValue | undefined): number | undefined {
  const n = value?.N;
  if (n === undefined) return undefined;
  const parsed = Number(n);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** A stored subscriber, checked against the contract; anything else counts as no record (the check does a Get). */
function parseSubscriber(json: string | undefined): Subscriber | undefined {
  if (json === undefined) return undefined;
  try {
    const result = z.safeParse(SubscriberSchema, JSON.parse(json));
    return result.success ? (result.data as Subscriber) : undefined;
  } catch {
    return undefined;
  }
}

function isConditionalCheckFailed(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException'
  );
}
