/**
 * The batch workflow's state machine: the ONE definition from `infra/workflow/batch-workflow.ts`, STANDARD, with
 * logging (no execution data) and X-Ray tracing.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BatchTaskName } from '../../functions/catalog/batch-tasks';
import { BATCH_WORKFLOW_TIMEOUT, buildBatchDefinition } from '../workflow/batch-workflow';

export interface BatchStateMachineProps {
  readonly tasks: Readonly<Record<BatchTaskName, lambda.IFunction>>;
  readonly logRetentionDays: number;
}

export class BatchStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BatchStateMachineProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-BatchWorkflow`,
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Webex for BroadWorks batches: start every order of a batch on the provisioning workflow, paced',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(buildBatchDefinition(this, { tasks: { ...props.tasks } })),
      timeout: BATCH_WORKFLOW_TIMEOUT,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
  }
}
