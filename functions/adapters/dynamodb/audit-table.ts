/**
 * The audit table, described once as pure data. CDK (`infra/`) and the local runtime (`local/`, dynalite) both build the
 * table from this description, so the key schema and indexes cannot drift apart.
 *
 * - Partition key `id`: the record's deterministic id, so a retried conditional put (`attribute_not_exists(id)`) never
 *   duplicates a record.
 * - GSIs, each sorted by `atId` = `${at}#${id}` (time order, unique): `bySubscriber` (subscriberId), `byOrder` (orderId),
 *   `byDay` (day = yyyy-mm-dd of `at`, for time-range queries). Sparse: a record without the key is not in the index.
 * - TTL on `expiresAt` (epoch seconds): every record carries it (`at` + the retention, `AUDIT_RETENTION_DAYS`, default
 *   400 days) and DynamoDB deletes expired items itself. No code path updates or deletes an item. dynalite (the local
 *   runtime, tests) does not expire items: the attribute is written, nothing is removed.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export type AuditIndexName = 'bySubscriber' | 'byOrder' | 'byDay';

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S';
}

export interface AuditIndexDefinition {
  readonly indexName: AuditIndexName;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly projection: 'ALL';
}

/** How long an audit record is kept unless the deployment says otherwise (CDK context `auditRetentionDays`). */
export const DEFAULT_AUDIT_RETENTION_DAYS = 400;

export const AUDIT_TABLE = {
  partitionKey: { name: 'id', type: 'S' },
  /** The TTL attribute: epoch seconds after which DynamoDB deletes the record. */
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    {
      indexName: 'bySubscriber',
      partitionKey: { name: 'subscriberId', type: 'S' },
      sortKey: { name: 'atId', type: 'S' },
      projection: 'ALL',
    },
    {
      indexName: 'byOrder',
      partitionKey: { name: 'orderId', type: 'S' },
      sortKey: { name: 'atId', type: 'S' },
      projection: 'ALL',
    },
    {
      indexName: 'byDay',
      partitionKey: { name: 'day', type: 'S' },
      sortKey: { name: 'atId', type: 'S' },
      projection: 'ALL',
    },
  ],
} as const satisfies {
  partitionKey: KeyAttribute;
  timeToLiveAttribute: string;
  globalSecondaryIndexes: readonly AuditIndexDefinition[];
};

export function auditIndex(name: AuditIndexName): AuditIndexDefinition {
  const index = AUDIT_TABLE.globalSecondaryIndexes.find((i) => i.indexName === name);
  if (!index) throw new Error(`Unknown audit index ${name}`);
  return index;
}

/** The table as a DynamoDB CreateTable input (on-demand billing), for dynalite and scripts. */
export function auditTableCreateInput(tableName: string): CreateTableCommandInput {
  const attributes = new Map<string, 'S'>([[AUDIT_TABLE.partitionKey.name, AUDIT_TABLE.partitionKey.type]]);
  for (const index of AUDIT_TABLE.globalSecondaryIndexes) {
    attributes.set(index.partitionKey.name, index.partitionKey.type);
    attributes.set(index.sortKey.name, index.sortKey.type);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [{ AttributeName: AUDIT_TABLE.partitionKey.name, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: AUDIT_TABLE.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: index.projection },
    })),
  };
}
