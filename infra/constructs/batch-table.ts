/**
 * The batch table (`functions/adapters/dynamodb/batch-table.ts` describes its items): a batch's orders, in chunks, and
 * their outcomes. Items expire after 90 days (TTL `expiresAt`), as Step Functions forgets closed executions.
 *
 * Encryption: the AWS managed key. Unlike the audit trail, chunk items hold the orders as submitted (names, e-mail
 * addresses, phone numbers), as the orders' execution inputs do: only the batch functions may read the table.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { BATCH_TABLE } from '../../functions/adapters/dynamodb/batch-table';

export class BatchTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: BATCH_TABLE.partitionKey.name, type: dynamodb.AttributeType.STRING },
      sortKey: { name: BATCH_TABLE.sortKey.name, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: BATCH_TABLE.timeToLiveAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
