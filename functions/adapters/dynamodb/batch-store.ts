/**
 * The batch store on DynamoDB (`batch-table.ts` describes the items), with the SDK's document client. Only PutItem
 * (the batch and outcomes conditionally), GetItem and Query.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '../../domain/contract/order';
import {
  type BatchMembership,
  type BatchOrderEntry,
  type BatchStore,
  ORDER_CONFLICT,
  type OrderOutcome,
  type OutcomeStatus,
  type StoredBatch,
} from '../../domain/ports/batches';
import type { Clock } from '../../domain/ports/clock';
import { BATCH_TABLE, batchKeys } from './batch-table';

type Item = Record<string, unknown>;

export class DynamoBatchStore implements BatchStore {
  readonly #documents: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #clock: Clock;

  constructor(options: { client: DynamoDBClient; tableName: string; clock: Clock }) {
    this.#documents = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.#tableName = options.tableName;
    this.#clock = options.clock;
  }

  #expiresAt(): number {
    return Math.floor(this.#clock.now() / 1000) + BATCH_TABLE.retentionDays * 24 * 3600;
  }

  async create(batch: StoredBatch): Promise<boolean> {
    try {
      await this.#documents.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...batchKeys.batch(batch.batchId), ...batch, expiresAt: this.#expiresAt() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(batchId: string): Promise<StoredBatch | undefined> {
    const { Item } = await this.#documents.send(
      new GetCommand({ TableName: this.#tableName, Key: batchKeys.batch(batchId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      batchId: String(Item.batchId),
      digest: String(Item.digest),
      total: Number(Item.total),
      chunks: Number(Item.chunks),
      createdAt: String(Item.createdAt),
      actor: String(Item.actor),
    };
  }

  async putChunk(batchId: string, chunk: number, orders: readonly BatchOrderEntry[]): Promise<void> {
    await this.#documents.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: {
          ...batchKeys.chunk(batchId, chunk),
          chunk,
          orders: JSON.stringify(orders.map((o) => ({ index: o.index, orderId: o.orderId, order: o.order }))),
          expiresAt: this.#expiresAt(),
        },
      }),
    );
  }

  async getChunk(batchId: string, chunk: number): Promise<BatchOrderEntry[] | undefined> {
    const { Item } = await this.#documents.send(
      new GetCommand({ TableName: this.#tableName, Key: batchKeys.chunk(batchId, chunk), ConsistentRead: true }),
    );
    return Item ? parseOrders(Item.orders) : undefined;
  }

  async listOrderIds(batchId: string): Promise<Array<{ index: number; orderId: string }>> {
    const items = await this.#query(batchKeys.batch(batchId).pk, { prefix: batchKeys.chunkPrefix });
    return items.flatMap((item) => parseOrders(item.orders).map(({ index, orderId }) => ({ index, orderId })));
  }

  async recordOutcome(batchId: string, outcome: OrderOutcome): Promise<boolean> {
    try {
      await this.#documents.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...batchKeys.outcome(batchId, outcome.index), ...outcome, expiresAt: this.#expiresAt() },
          // An OrderConflict is final (`ORDER_CONFLICT`): it replaces any other outcome, nothing replaces it.
          ConditionExpression:
            outcome.error === ORDER_CONFLICT
              ? 'attribute_not_exists(pk) OR attribute_not_exists(#error) OR #error <> :conflict'
              : 'attribute_not_exists(pk) OR (stopDate < :stopDate AND (attribute_not_exists(#error) OR #error <> :conflict))',
          ExpressionAttributeNames: { '#error': 'error' },
          ExpressionAttributeValues:
            outcome.error === ORDER_CONFLICT
              ? { ':conflict': ORDER_CONFLICT }
              : { ':stopDate': outcome.stopDate, ':conflict': ORDER_CONFLICT },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listOutcomes(batchId: string, range?: { from: number; to: number }): Promise<OrderOutcome[]> {
    const items = await this.#query(
      batchKeys.batch(batchId).pk,
      range
        ? { between: [batchKeys.outcomeSortKey(range.from), batchKeys.outcomeSortKey(range.to)] }
        : { prefix: batchKeys.outcomePrefix },
    );
    return items.map(toOutcome);
  }

  async watch(orderId: string, membership: BatchMembership): Promise<void> {
    await this.#documents.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: { ...batchKeys.watch(orderId, membership.batchId), ...membership, expiresAt: this.#expiresAt() },
      }),
    );
  }

  async watchers(orderId: string): Promise<BatchMembership[]> {
    const items = await this.#query(batchKeys.orderPartition(orderId), { prefix: batchKeys.watchPrefix });
    return items.map((item) => ({
      batchId: String(item.batchId),
      index: Number(item.index),
      ...(typeof item.orderDigest === 'string' ? { orderDigest: item.orderDigest } : {}),
    }));
  }

  async #query(pk: string, sk: { prefix: string } | { between: [string, string] }): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.#documents.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression:
            'prefix' in sk ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues:
            'prefix' in sk
              ? { ':pk': pk, ':prefix': sk.prefix }
              : { ':pk': pk, ':from': sk.between[0], ':to': sk.between[1] },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      items.push(...((page.Items ?? []) as Item[]));
      startKey = page.LastEvaluatedKey as Item | undefined;
    } while (startKey);
    return items;
  }
}

function parseOrders(text: unknown): BatchOrderEntry[] {
  const parsed = JSON.parse(String(text)) as Array<{ index: number; orderId: string; order: Order }>;
  return parsed.map((o) => ({ index: o.index, orderId: o.orderId, order: o.order }));
}

function toOutcome(item: Item): OrderOutcome {
  const text = (key: string) => (typeof item[key] === 'string' ? (item[key] as string) : undefined);
  return {
    index: Number(item.index),
    orderId: String(item.orderId),
    status: String(item.status) as OutcomeStatus,
    error: text('error'),
    cause: text('cause'),
    subscriberId: text('subscriberId'),
    stopDate: String(item.stopDate),
  };
}
