/**
 * The provisioning workflow's state machine: the ONE definition from `infra/workflow/provisioning-workflow.ts`, on a
 * STANDARD state machine (a subscriber can stay pending for days), with logging and X-Ray tracing.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { buildProvisioningDefinition, WORKFLOW_TIMEOUT } from '../workflow/provisioning-workflow';

type DefinitionTasks = Parameters<typeof buildProvisioningDefinition>[1]['tasks'];

export interface ProvisioningStateMachineProps {
  /** The task functions, by task name (`WORKFLOW_TASKS`). */
  readonly tasks: Readonly<Record<string, lambda.IFunction>>;
  readonly logRetentionDays: number;
}

export class ProvisioningStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ProvisioningStateMachineProps) {
    super(scope, id);

    // Vended-logs prefix: keeps the CloudWatch Logs resource policy Step Functions needs small.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-ProvisioningWorkflow`,
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const definition = buildProvisioningDefinition(this, { tasks: props.tasks as DefinitionTasks });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Webex for BroadWorks provisioning: validate, precheck, provision, follow the status to a final state',
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: WORKFLOW_TIMEOUT,
      tracingEnabled: true,
      logs: {
        destination: this.logGroup,
        level: sfn.LogLevel.ALL,
        // Orders and task results carry names, e-mail addresses and phone numbers: state transitions only. The data
        // stays readable through GetExecutionHistory / DescribeExecution, which IAM controls.
        includeExecutionData: false,
      },
    });
  }
}
