/**
 * The deployable service: the Webex-compatible HTTP API (one Lambda per route of `functions/catalog/routes.ts`), the provisioning
 * workflow (one Lambda per task of `functions/catalog/workflow-tasks.ts`), the append-only audit table, the partner token secret with
 * its daily refresh, alarms and a dashboard.
 *
 * Least privilege: every function has its own role that can write its own logs and send X-Ray traces; everything else
 * comes from `infra/function-access.ts`, turned into exact IAM statements here (never CDK's broad `grant*Data` helpers:
 * `grantWriteData` would include UpdateItem and DeleteItem on an append-only trail).
 */
import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BATCH_TASKS, type BatchTaskName, ORDER_OUTCOME_RECORDER } from '../functions/catalog/batch-tasks';
import { ROUTES } from '../functions/catalog/routes';
import { WORKFLOW_TASKS } from '../functions/catalog/workflow-tasks';
import type { StackConfig } from './config';
import { AuditTable } from './constructs/audit-table';
import { BatchStateMachine } from './constructs/batch-state-machine';
import { BatchTable } from './constructs/batch-table';
import { deadLetterQueue } from './constructs/dead-letter-queue';
import { ProvisioningHttpApi } from './constructs/http-api';
import { Monitoring } from './constructs/monitoring';
import { PartnerCredentials } from './constructs/partner-token';
import { ProvisioningStateMachine } from './constructs/provisioning-state-machine';
import { ServiceFunction } from './constructs/service-function';
import { StatusSweeper } from './constructs/status-sweeper';
import { TrackingOutbox } from './constructs/tracking-outbox';
import { WebexStateTable } from './constructs/webex-state-table';
import {
  BATCH_TASK_ACCESS,
  FOLLOW_SUBSCRIBERS_ACCESS,
  type FunctionAccess,
  routeAccess,
  STATUS_SWEEPER_ACCESS,
  workflowTaskAccess,
} from './function-access';
import { acknowledge, wildcardResourceFinding } from './nag';
import { acknowledgeFunction, acknowledgeStateMachine } from './nag-findings';
import { TASK_FUNCTION_TIMEOUT } from './workflow/provisioning-workflow';

export interface ProvisioningStackProps extends StackProps {
  readonly config: StackConfig;
  /** Skip esbuild for a fast synth (tests). Not deployable. Default: context `skipBundling`. */
  readonly skipBundling?: boolean;
}

export class ProvisioningStack extends Stack {
  readonly auditTable: AuditTable;
  /** The shared token bucket of Webex calls and the status sweeper's records. */
  readonly webexState: WebexStateTable;
  readonly statusSweeper: StatusSweeper;
  readonly credentials: PartnerCredentials;
  readonly workflow: ProvisioningStateMachine;
  readonly httpApi: ProvisioningHttpApi;
  readonly monitoring: Monitoring;
  readonly trackingOutbox: TrackingOutbox;
  /** Route functions by operationId. */
  readonly routeFunctions: ReadonlyMap<string, ServiceFunction>;
  /** Workflow task functions by task name. */
  readonly taskFunctions: ReadonlyMap<string, ServiceFunction>;
  readonly batchTable: BatchTable;
  readonly batchWorkflow: BatchStateMachine;
  /** The batch workflow's task functions by task name. */
  readonly batchTaskFunctions: ReadonlyMap<string, ServiceFunction>;
  /** Records order outcomes for batches from the provisioning workflow's execution status change events. */
  readonly outcomeRecorder: ServiceFunction;
  readonly outcomeDeadLetters: sqs.Queue;
  readonly config: StackConfig;

  constructor(scope: Construct, id: string, props: ProvisioningStackProps) {
    super(scope, id, {
      description:
        'Webex for BroadWorks provisioning service: Webex-compatible API, provisioning workflow, audit trail',
      ...props,
    });
    const { config } = props;
    this.config = config;
    const functionDefaults = {
      logRetentionDays: config.logRetentionDays,
      logLevel: config.logLevel,
      skipBundling: props.skipBundling,
    };

    this.auditTable = new AuditTable(this, 'Audit');
    this.webexState = new WebexStateTable(this, 'WebexState');
    this.credentials = new PartnerCredentials(this, 'PartnerCredentials', {
      webexBaseUrl: config.webexBaseUrl,
      ...functionDefaults,
    });

    const taskFunctions = new Map<string, ServiceFunction>();
    for (const task of WORKFLOW_TASKS) {
      const fn = new ServiceFunction(this, `Task${upperFirst(task.name)}`, {
        entry: task.entry,
        role: 'workflow',
        timeout: TASK_FUNCTION_TIMEOUT,
        description: `Workflow task ${task.name}: ${task.summary}`,
        ...functionDefaults,
      });
      taskFunctions.set(task.name, fn);
    }
    this.taskFunctions = taskFunctions;

    this.workflow = new ProvisioningStateMachine(this, 'ProvisioningWorkflow', {
      tasks: Object.fromEntries([...taskFunctions].map(([name, fn]) => [name, fn.function])),
      logRetentionDays: config.logRetentionDays,
    });
    for (const [name, fn] of taskFunctions) this.applyAccess(fn, workflowTaskAccess(name));

    // Batches: the table of their orders and outcomes, the batch workflow, and the recorder of order outcomes.
    this.batchTable = new BatchTable(this, 'Batches');
    const batchTaskFunctions = new Map<string, ServiceFunction>();
    for (const task of BATCH_TASKS) {
      const fn = new ServiceFunction(this, `BatchTask${upperFirst(task.name)}`, {
        entry: task.entry,
        role: 'workflow',
        timeout: Duration.seconds(90),
        description: `Batch task ${task.name}: ${task.summary}`,
        ...functionDefaults,
      });
      fn.function.addEnvironment('BATCH_START_RATE_PER_SECOND', String(config.batchStartRate));
      batchTaskFunctions.set(task.name, fn);
    }
    this.batchTaskFunctions = batchTaskFunctions;
    this.batchWorkflow = new BatchStateMachine(this, 'BatchWorkflow', {
      tasks: Object.fromEntries([...batchTaskFunctions].map(([name, fn]) => [name, fn.function])) as Record<
        BatchTaskName,
        ServiceFunction['function']
      >,
      logRetentionDays: config.logRetentionDays,
    });
    for (const [name, fn] of batchTaskFunctions) this.applyAccess(fn, BATCH_TASK_ACCESS[name] ?? {});

    this.outcomeRecorder = new ServiceFunction(this, 'RecordOrderOutcome', {
      entry: ORDER_OUTCOME_RECORDER.entry,
      role: 'stream',
      description: ORDER_OUTCOME_RECORDER.summary,
      ...functionDefaults,
    });
    this.applyAccess(this.outcomeRecorder, BATCH_TASK_ACCESS[ORDER_OUTCOME_RECORDER.name] ?? {});
    this.outcomeDeadLetters = deadLetterQueue(
      this,
      'OrderOutcomeDeadLetters',
      'the order outcome rule (execution status change events the recorder failed on for 24 hours)',
    );
    new events.Rule(this, 'OrderOutcomes', {
      description: "The provisioning workflow's execution ends, to the batch outcome recorder",
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [this.workflow.stateMachine.stateMachineArn],
          status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'],
        },
      },
      targets: [
        new targets.LambdaFunction(this.outcomeRecorder.function, {
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: this.outcomeDeadLetters,
        }),
      ],
    });

    this.statusSweeper = new StatusSweeper(this, 'StatusSweeper', functionDefaults);
    this.applyAccess(this.statusSweeper.sweeper, STATUS_SWEEPER_ACCESS);

    this.trackingOutbox = new TrackingOutbox(this, 'TrackingOutbox', {
      table: this.auditTable.table,
      ...functionDefaults,
    });
    this.applyAccess(this.trackingOutbox.consumer, FOLLOW_SUBSCRIBERS_ACCESS);

    const routeFunctions = new Map<string, ServiceFunction>();
    for (const route of ROUTES) {
      const fn = new ServiceFunction(this, upperFirst(route.operationId), {
        entry: route.entry,
        role: route.role,
        description: `${route.method} ${route.path}: ${route.summary}`,
        ...functionDefaults,
      });
      this.applyAccess(fn, routeAccess(route.operationId));
      routeFunctions.set(route.operationId, fn);
    }
    this.routeFunctions = routeFunctions;

    this.httpApi = new ProvisioningHttpApi(this, 'HttpApi', {
      functions: new Map([...routeFunctions].map(([operationId, fn]) => [operationId, fn.function])),
      jwtIssuer: config.jwtIssuer,
      jwtAudience: config.jwtAudience,
      throttleRateLimit: config.throttleRateLimit,
      throttleBurstLimit: config.throttleBurstLimit,
      logRetentionDays: config.logRetentionDays,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      api: this.httpApi.api,
      stateMachine: this.workflow.stateMachine,
      functions: [
        ...[...routeFunctions].map(([operationId, fn]) => ({ name: upperFirst(operationId), function: fn.function })),
        ...[...taskFunctions].map(([name, fn]) => ({ name: `Task${upperFirst(name)}`, function: fn.function })),
        { name: 'RefreshPartnerToken', function: this.credentials.refresh.function },
        { name: 'FollowSubscribers', function: this.trackingOutbox.consumer.function },
        ...[...batchTaskFunctions].map(([name, fn]) => ({
          name: `BatchTask${upperFirst(name)}`,
          function: fn.function,
        })),
        { name: 'RecordOrderOutcome', function: this.outcomeRecorder.function },
        { name: 'StatusSweeper', function: this.statusSweeper.sweeper.function },
      ],
      refreshFunction: this.credentials.refresh.function,
      auditTable: this.auditTable.table,
      streamConsumers: [{ name: 'FollowSubscribers', function: this.trackingOutbox.consumer.function }],
      alarmEmail: config.alarmEmail,
      runbookUrl: config.runbookUrl,
    });

    this.monitoring.alarmOnDeadLetters(
      'StatusSweeperFailures',
      this.statusSweeper.failures,
      'A status sweeper invocation failed: `Check status` falls back to a Get per order while the records are stale; ' +
        'see the StatusSweeper logs',
    );
    this.monitoring.alarmOnDeadLetters(
      'TrackingOutboxDeadLetters',
      this.trackingOutbox.deadLetters,
      'A tracking execution could not be started after all retries (the request stays on its audit record; see the ' +
        'dead-letter message for the stream records)',
    );

    this.monitoring.alarmOnDeadLetters(
      'OrderOutcomeDeadLetters',
      this.outcomeDeadLetters,
      "An order's end could not be recorded for its batch for 24 hours (event in the dead-letter queue): the batch " +
        'counts it as running; replay the event to the RecordOrderOutcome function',
    );

    this.monitoring.alarmOnBatchWorkflow(this.batchWorkflow.stateMachine);

    // Every dead-letter queue of the stack gets its depth alarm: keep this after the last construct that adds one.
    this.monitoring.alarmOnEveryDeadLetterQueue();

    this.outputs();
    for (const fn of [...routeFunctions.values(), ...taskFunctions.values(), ...batchTaskFunctions.values()]) {
      acknowledgeFunction(
        fn,
        'Invoked synchronously only (API Gateway, Step Functions): the caller gets the error and retries; a DLQ ' +
          'would never receive anything.',
      );
    }
    acknowledgeFunction(
      this.credentials.refresh,
      'Uses an on-failure destination (the refresh failures queue, with an alarm) instead of the legacy DLQ: ' +
        'destinations carry the error and the request.',
    );
    acknowledgeFunction(
      this.statusSweeper.sweeper,
      'Uses an on-failure destination (the sweep failures queue, with an alarm) instead of the legacy DLQ: ' +
        'destinations carry the error and the request.',
    );
    acknowledgeStateMachine(this.workflow.stateMachine, this.taskFunctions);
    acknowledgeFunction(
      this.outcomeRecorder,
      'Invoked by an EventBridge rule whose target has its own retry policy (24 h) and dead-letter queue, alarmed.',
    );
    acknowledgeStateMachine(this.batchWorkflow.stateMachine, this.batchTaskFunctions);
  }

  /** Turns one FunctionAccess into exact IAM statements plus the environment variables naming those resources. */
  private applyAccess(fn: ServiceFunction, access: FunctionAccess): void {
    const grant = (sid: string, actions: string[], resources: string[]) =>
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions, resources }));
    const table = this.auditTable.table;

    if (access.auditAppend || access.auditRead || (access.auditQuery?.length ?? 0) > 0) {
      fn.function.addEnvironment('AUDIT_TABLE_NAME', table.tableName);
    }
    if (access.auditAppend) {
      fn.function.addEnvironment('AUDIT_RETENTION_DAYS', String(this.config.auditRetentionDays));
      grant('AppendAuditRecords', ['dynamodb:PutItem'], [table.tableArn]);
    }
    if (access.auditRead) grant('ReadAuditRecords', ['dynamodb:GetItem'], [table.tableArn]);
    if (access.auditQuery && access.auditQuery.length > 0) {
      grant(
        'QueryAuditIndexes',
        ['dynamodb:Query'],
        access.auditQuery.map((index) => this.auditTable.indexArn(index)),
      );
    }
    if (access.webex) {
      fn.function.addEnvironment('WEBEX_BASE_URL', this.config.webexBaseUrl);
      fn.function.addEnvironment('PARTNER_TOKEN_SECRET_ID', this.credentials.tokenSecret.secretArn);
      grant('ReadPartnerToken', ['secretsmanager:GetSecretValue'], [this.credentials.tokenSecret.secretArn]);
    }
    const stateTable = this.webexState.table;
    if (access.webex || access.statusRecords) {
      fn.function.addEnvironment('WEBEX_STATE_TABLE_NAME', stateTable.tableName);
    }
    if (access.webex) {
      fn.function.addEnvironment('WEBEX_RATE_LIMIT_PER_SECOND', String(this.config.webexRateLimit));
      grant('PaceWebexCalls', ['dynamodb:GetItem', 'dynamodb:UpdateItem'], [stateTable.tableArn]);
    }
    if (access.statusRecords) {
      grant(
        access.statusRecords === 'write' ? 'WriteStatusRecords' : 'ReadStatusRecords',
        access.statusRecords === 'write'
          ? ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']
          : ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
        [stateTable.tableArn],
      );
    }
    if (access.digest) {
      fn.function.addEnvironment('AUDIT_DIGEST_SECRET_ID', this.credentials.digestSecret.secretArn);
      grant('ReadAuditDigestKey', ['secretsmanager:GetSecretValue'], [this.credentials.digestSecret.secretArn]);
    }
    if (access.startExecution || access.describeExecution) {
      fn.function.addEnvironment('STATE_MACHINE_ARN', this.workflow.stateMachine.stateMachineArn);
    }
    if (access.startExecution) {
      grant('StartWorkflowExecutions', ['states:StartExecution'], [this.workflow.stateMachine.stateMachineArn]);
    }
    if (access.jwtIssuer || access.console) fn.function.addEnvironment('JWT_ISSUER', this.config.jwtIssuer);
    if (access.console) fn.function.addEnvironment('CONSOLE_CLIENT_ID', this.config.consoleClientId);
    if (access.batchTable) {
      const batches = this.batchTable.table;
      fn.function.addEnvironment('BATCH_TABLE_NAME', batches.tableName);
      const actions = ['dynamodb:GetItem', 'dynamodb:Query'];
      if (access.batchTable === 'write') actions.push('dynamodb:PutItem');
      grant(access.batchTable === 'write' ? 'WriteBatches' : 'ReadBatches', actions, [batches.tableArn]);
    }
    if (access.startBatch) {
      fn.function.addEnvironment('BATCH_STATE_MACHINE_ARN', this.batchWorkflow.stateMachine.stateMachineArn);
      grant('StartBatchExecutions', ['states:StartExecution'], [this.batchWorkflow.stateMachine.stateMachineArn]);
    }
    if (access.describeExecution) {
      grant('DescribeWorkflowExecutions', ['states:DescribeExecution'], [this.executionArnPattern()]);
      acknowledge(fn.role, {
        id: wildcardResourceFinding(this, this.executionArnPattern()),
        reason:
          'DescribeExecution on the executions of THIS state machine only; execution names are order ids, not ' +
          'known at deploy time.',
      });
    }
  }

  /** Every execution of the provisioning state machine (execution names are order ids, unknown in advance). */
  executionArnPattern(): string {
    return this.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.workflow.stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private outputs(): void {
    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the Webex-compatible API (append /v1/broadworks/subscribers …)',
      value: this.httpApi.url,
      exportName: `${this.stackName}-ApiUrl`,
    });
    new CfnOutput(this, 'StateMachineArn', {
      description: 'Provisioning workflow: StartExecution with an order (execution name = orderId)',
      value: this.workflow.stateMachine.stateMachineArn,
      exportName: `${this.stackName}-StateMachineArn`,
    });
    new CfnOutput(this, 'PartnerTokenSecretArn', {
      description: 'Load the Webex partner tokens into this secret (see README, Deploy)',
      value: this.credentials.tokenSecret.secretArn,
    });
    new CfnOutput(this, 'RefreshFunctionName', {
      description: 'Invoke once after loading the partner tokens to check them',
      value: this.credentials.refresh.function.functionName,
    });
    new CfnOutput(this, 'AuditTableName', { value: this.auditTable.table.tableName });
    new CfnOutput(this, 'BatchStateMachineArn', {
      description: 'Batch workflow (POST /v1/batches starts it; execution name = batchId)',
      value: this.batchWorkflow.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'BatchTableName', { value: this.batchTable.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Subscribe your on-call channel to this topic',
      value: this.monitoring.topic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
  }
}

function upperFirst(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
