/**
 * The batch table, described once as pure data (CDK and the local runtime build it from this), and its item keys.
 *
 * | item | pk | sk | holds |
 * |---|---|---|---|
 * | the batch | `BATCH#<batchId>` | `BATCH` | digest, total, chunks, createdAt, actor |
 * | a chunk of its orders | `BATCH#<batchId>` | `CHUNK#<n, 6 digits>` | up to 100 orders (JSON text) |
 * | an order's outcome | `BATCH#<batchId>` | `OUTCOME#<index, 6 digits>` | status, error, cause, subscriberId, stopDate |
 * | a batch watching an order it did not start | `ORDER#<orderId>` | `BATCH#<batchId>` | index |
 *
 * A batch's outcomes are one Query (`begins_with(sk, 'OUTCOME#')`): ~150–400 bytes each, so 5,000 orders read in one
 * or two pages. Every item carries `expiresAt` (TTL, epoch seconds): batches are kept 90 days, as Step Functions keeps
 * closed executions. No GSI, no transactions, no UpdateItem: items are put (outcomes conditionally) and read.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const BATCH_TABLE = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
  retentionDays: 90,
} as const;

const pad = (n: number) => String(n).padStart(6, '0');

export const batchKeys = {
  batch: (batchId: string) => ({ pk: `BATCH#${batchId}`, sk: 'BATCH' }),
  chunk: (batchId: string, chunk: number) => ({ pk: `BATCH#${batchId}`, sk: `CHUNK#${pad(chunk)}` }),
  outcome: (batchId: string, index: number) => ({ pk: `BATCH#${batchId}`, sk: `OUTCOME#${pad(index)}` }),
  watch: (orderId: string, batchId: string) => ({ pk: `ORDER#${orderId}`, sk: `BATCH#${batchId}` }),
  chunkPrefix: 'CHUNK#',
  outcomePrefix: 'OUTCOME#',
  outcomeSortKey: (index: number) => `OUTCOME#${pad(index)}`,
  watchPrefix: 'BATCH#',
  orderPartition: (orderId: string) => `ORDER#${orderId}`,
} as const;

/** The table as a DynamoDB CreateTable input (on-demand billing), for dynalite. */
export function batchTableCreateInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: BATCH_TABLE.partitionKey.name, AttributeType: 'S' },
      { AttributeName: BATCH_TABLE.sortKey.name, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: BATCH_TABLE.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: BATCH_TABLE.sortKey.name, KeyType: 'RANGE' },
    ],
  };
}
