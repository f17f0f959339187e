/**
 * The Webex state table (`functions/adapters/dynamodb/webex-state-table.ts`): the shared token bucket of our Webex calls,
 * the status sweeper's cursor and lease, and the latest status per subscriber. Unlike the audit table it is updated in
 * place (conditional UpdateItem/PutItem), which is why it is a table of its own: the audit table stays append-only.
 *
 * Latest-status records hold the subscriber as Webex lists it (personal values included, as an execution's input does);
 * they expire with TTL (`expiresAt`, 31 days). Encryption with the AWS managed key; point-in-time recovery on.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { WEBEX_STATE_TABLE } from '../../functions/adapters/dynamodb/webex-state-table';

export class WebexStateTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: WEBEX_STATE_TABLE.partitionKey.name, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: WEBEX_STATE_TABLE.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Coordination state only: the bucket and the records rebuild themselves (the first sweep lists what is open).
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
