/**
 * The append-only audit trail table, built from the one description in `functions/adapters/dynamodb/audit-table.ts`
 * (the local runtime builds its dynalite table from the same description).
 *
 * Encryption: the AWS managed key (`aws/dynamodb`). Items hold no personal value in clear (personal fields are keyed
 * HMAC digests), KMS still encrypts at rest and CloudTrail logs the key's use, and no key policy has to be kept in step
 * with every function role. Switch to a customer managed key if your policy needs key-level revocation or cross-account
 * access; the functions then also need kms:Decrypt / kms:GenerateDataKey on it.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { AUDIT_TABLE, type KeyAttribute } from '../../functions/adapters/dynamodb/audit-table';

const ATTRIBUTE_TYPES: Readonly<Record<KeyAttribute['type'], dynamodb.AttributeType>> = {
  S: dynamodb.AttributeType.STRING,
};

function attribute(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}

export class AuditTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: attribute(AUDIT_TABLE.partitionKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // The tracking outbox: new items reach the follow-up consumer (constructs/tracking-outbox.ts).
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      // Retention: every record carries its expiry (AUDIT_RETENTION_DAYS after it was written); DynamoDB deletes it.
      timeToLiveAttribute: AUDIT_TABLE.timeToLiveAttribute,
    });
    for (const index of AUDIT_TABLE.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: dynamodb.ProjectionType[index.projection],
      });
    }
  }

  /** The ARN of one global secondary index (the resource of a `dynamodb:Query` on it). */
  indexArn(indexName: string): string {
    return `${this.table.tableArn}/index/${indexName}`;
  }
}
