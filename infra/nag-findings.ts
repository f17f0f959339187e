/**
 * The cdk-nag findings the stack acknowledges for its functions and state machines, each with its reason: what every
 * traced function and every state machine with task functions has in common.
 */
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { ServiceFunction } from './constructs/service-function';
import { acknowledge, wildcardResourceFinding } from './nag';

const TRACING_FINDING = {
  id: 'AwsSolutions-IAM5[Resource::*]',
  reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
};

/** A traced function: its role's X-Ray wildcard, and why it has no dead-letter queue (`dlqReason`). */
export function acknowledgeFunction(fn: ServiceFunction, dlqReason: string): void {
  acknowledge(fn.role, TRACING_FINDING);
  acknowledge(fn.function, { id: 'Serverless-LambdaDLQ', reason: dlqReason });
}

/** A state machine: its logging and tracing wildcards, and the versions and aliases of each task function it invokes. */
export function acknowledgeStateMachine(
  stateMachine: sfn.IStateMachine,
  taskFunctions: ReadonlyMap<string, ServiceFunction>,
): void {
  acknowledge(stateMachine, {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Step Functions logging to CloudWatch Logs (logs:CreateLogDelivery, …) and X-Ray tracing support no ' +
      'resource-level permissions.',
  });
  for (const [name, fn] of taskFunctions) {
    acknowledge(stateMachine, {
      id: wildcardResourceFinding(stateMachine, `${fn.function.functionArn}:*`),
      reason: `lambda:InvokeFunction on the versions and aliases of the ${name} task function (CDK's LambdaInvoke grant).`,
    });
  }
}
