/**
 * The provisioning workflow as Amazon States Language JSON, rendered from the SAME construct the stack deploys
 * (`buildProvisioningDefinition`), with imported task functions whose ARNs are
 * `arn:aws:lambda:us-east-1:000000000000:function:<task name>`. The local Step Functions endpoint runs exactly this.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BATCH_TASKS, type BatchTaskName } from '../../functions/catalog/batch-tasks';
import { WORKFLOW_TASKS, type WorkflowTaskName } from '../../functions/catalog/workflow-tasks';
import { BATCH_WORKFLOW_TIMEOUT, buildBatchDefinition } from './batch-workflow';
import { buildProvisioningDefinition, WORKFLOW_TIMEOUT } from './provisioning-workflow';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

export function localTaskFunctionArn(name: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
}

export interface AslState {
  Type: string;
  Resource?: string;
  SecondsPath?: string;
  Seconds?: number;
  Retry?: Array<{ ErrorEquals: string[]; IntervalSeconds?: number; [key: string]: unknown }>;
  [key: string]: unknown;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  Comment?: string;
  [key: string]: unknown;
}

export function renderProvisioningAsl(): AslDefinition {
  const app = new App();
  const stack = new Stack(app, 'ProvisioningWorkflowAsl', { env: { account: LOCAL_ACCOUNT, region: LOCAL_REGION } });
  const tasks = Object.fromEntries(
    WORKFLOW_TASKS.map((task) => [
      task.name,
      lambda.Function.fromFunctionArn(stack, `Task-${task.name}`, localTaskFunctionArn(task.name)),
    ]),
  ) as Record<WorkflowTaskName, lambda.IFunction>;
  const chain = buildProvisioningDefinition(stack, { tasks });
  const graph = new sfn.StateGraph(chain.startState, 'Provisioning workflow');
  graph.timeout = WORKFLOW_TIMEOUT;
  const json = stack.resolve(graph.toGraphJson()) as AslDefinition;
  return json;
}

/** The batch workflow as ASL, rendered from the construct the stack deploys (`buildBatchDefinition`). */
export function renderBatchAsl(): AslDefinition {
  const app = new App();
  const stack = new Stack(app, 'BatchWorkflowAsl', { env: { account: LOCAL_ACCOUNT, region: LOCAL_REGION } });
  const tasks = Object.fromEntries(
    BATCH_TASKS.map((task) => [
      task.name,
      lambda.Function.fromFunctionArn(stack, `Task-${task.name}`, localTaskFunctionArn(task.name)),
    ]),
  ) as Record<BatchTaskName, lambda.IFunction>;
  const chain = buildBatchDefinition(stack, { tasks });
  const graph = new sfn.StateGraph(chain.startState, 'Batch workflow');
  graph.timeout = BATCH_WORKFLOW_TIMEOUT;
  return stack.resolve(graph.toGraphJson()) as AslDefinition;
}
