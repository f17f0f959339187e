/**
 * The Webex state table, described once as pure data (CDK and the local runtime build it from here). The audit table is
 * append-only by IAM; what is shared and changes lives here instead, one item per key `pk`:
 *
 * | `pk` | what | written by |
 * |---|---|---|
 * | `pacer` | the shared token bucket of our Webex calls (`bulkTat`, `priorityTat`, `priorityUsedAt`: epoch ms) | every function that calls Webex (`webex-pacer.ts`) |
 * | `sweep` | the status sweeper's cursor (`sweptThrough`, `listedFrom`) and lease (`leaseUntil`, `leaseOwner`) | the sweeper |
 * | `status#<subscriberId>` | the latest status the sweeper saw (`lastStatusChange` epoch ms, `subscriber` JSON), expiring (`expiresAt`) | the sweeper; `Check status` reads it |
 *
 * On-demand billing; TTL on `expiresAt` (AWS; dynalite keeps the items, which only costs memory locally).
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const WEBEX_STATE_TABLE = {
  partitionKey: { name: 'pk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
  keys: {
    pacer: 'pacer',
    sweep: 'sweep',
    status: (subscriberId: string) => `status#${subscriberId}`,
  },
} as const;

export function webexStateTableCreateInput(tableName: string): CreateTableCommandInput {
  const { name, type } = WEBEX_STATE_TABLE.partitionKey;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: name, AttributeType: type }],
    KeySchema: [{ AttributeName: name, KeyType: 'HASH' }],
  };
}
