/**
 * Alarms (to one encrypted SNS topic) and one dashboard (`dashboard.ts`) for the whole service. Every alarm's description ends with the
 * link to its section of `docs/RUNBOOK.md` (a section per alarm, headed by the alarm's construct id).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { OUTCOME_METRIC } from '../../functions/domain/ports/metrics';
import { buildDashboard } from './dashboard';
import { deadLetterQueue, deadLettersOf } from './dead-letter-queue';
import { TOKEN_METRICS, tokenMetric } from './token-metrics';

export { TOKEN_METRIC_DIMENSIONS, TOKEN_METRICS } from './token-metrics';

/**
 * How workflow outcomes page (metric `OrderOutcome`, dimensions service, Kind and Outcome, emitted through
 * `functions/domain/ports/metrics.ts`). System failures page on the first one; business failures (the order or Webex
 * said no) page only as a share of all outcomes, never on a single one.
 */
export const OUTCOME_ALARMS = {
  /** Our side or Webex's is broken: each one pages. Task errors that exhausted their retries end in the first two. */
  systemFailures: ['UpstreamUnavailable', 'InternalError', 'ProvisioningTimedOut', 'UpstreamRejected'],
  /** The order, its data or Webex's decision: a rate pages. */
  businessFailures: ['InvalidOrder', 'PrecheckFailed', 'ProvisioningFailed', 'SubscriberConflict'],
  /** Page when more than this share (%) of the outcomes of an hour are business failures … */
  businessFailurePercent: 20,
  /** … and at least this many orders ended in that hour (a few bad orders are not an incident). */
  businessFailureMinimumOutcomes: 20,
} as const;

export const ALARM_THRESHOLDS = {
  /** API 5xx answers in 5 minutes (upstream Webex outages answer 502/503/504 and count too). */
  api5xxPerFiveMinutes: 5,
  /** Renew the partner's refresh token (re-authorize in Webex) before it runs out. */
  refreshTokenDaysRemaining: 14,
  /** API latency p99 (ms, API Gateway's Latency) over three 5-minute periods in a row. */
  apiLatencyP99Ms: 3000,
  /** Audit table requests throttled in 5 minutes (on-demand tables throttle only past their scaling). */
  auditThrottledRequestsPerFiveMinutes: 1,
  /** Age of the oldest stream record a consumer has not processed (ms). */
  streamIteratorAgeMs: 5 * 60 * 1000,
} as const;

/** Where the runbook is when no `runbookUrl` is given: the file in this repository. */
export const DEFAULT_RUNBOOK_URL = 'docs/RUNBOOK.md';

/** The anchor of an alarm's runbook section: its heading is the construct id, which GitHub lower-cases. */
export function runbookAnchor(alarmId: string): string {
  return alarmId.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

export interface MonitoredFunction {
  readonly name: string;
  readonly function: lambda.IFunction;
}

export interface MonitoringProps {
  readonly api: apigw.HttpApi;
  readonly stateMachine: sfn.StateMachine;
  readonly functions: readonly MonitoredFunction[];
  readonly refreshFunction: lambda.IFunction;
  /** The audit table (throttling). */
  readonly auditTable: dynamodb.ITable;
  /** Functions fed by a stream (the oldest unprocessed record's age). */
  readonly streamConsumers: readonly MonitoredFunction[];
  readonly alarmEmail?: string | undefined;
  /** The runbook each alarm links to (default `docs/RUNBOOK.md`); anchors are added per alarm. */
  readonly runbookUrl?: string | undefined;
}

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: SnsAction;
  private readonly runbookUrl: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // A customer managed key: CloudWatch alarms cannot publish to a topic encrypted with the AWS managed SNS key.
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the alarm topic of the Webex for BroadWorks provisioning service',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Webex for BroadWorks provisioning alarms',
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.action = new SnsAction(this.topic);
    this.runbookUrl = props.runbookUrl ?? DEFAULT_RUNBOOK_URL;

    if (props.alarmEmail !== undefined) this.subscribeEmail(props.alarmEmail);

    this.apiAlarms(props.api);
    this.workflowAlarms(props.stateMachine);
    this.outcomeAlarms();
    for (const { name, function: fn } of props.functions) this.functionAlarms(name, fn);
    this.tokenAlarms(props.refreshFunction);
    this.auditTableAlarms(props.auditTable);
    for (const { name, function: fn } of props.streamConsumers) this.streamAlarms(name, fn);
    this.dashboard = buildDashboard(this, props);
  }

  /**
   * A depth alarm for every dead-letter queue of the stack (made with `deadLetterQueue`) that has none yet, named
   * after the queue's construct path (`TrackingOutbox/DeadLetters` → `TrackingOutboxDeadLettersDepth`). The stack
   * calls this once all its constructs exist.
   */
  alarmOnEveryDeadLetterQueue(): cloudwatch.Alarm[] {
    const stack = Stack.of(this);
    const added: cloudwatch.Alarm[] = [];
    for (const construct of stack.node.findAll()) {
      const of = deadLettersOf(construct);
      if (of === undefined || this.alarmedQueues.has(construct)) continue;
      const queue = construct as sqs.Queue;
      const name = queue.node.path
        .slice(stack.node.path.length + 1)
        .split('/')
        .map((part) => part.replace(/[^A-Za-z0-9]/g, ''))
        .join('');
      added.push(this.alarmOnDeadLetters(`${name}Depth`, queue, `A message is in the dead-letter queue of ${of}`));
    }
    return added;
  }

  private readonly alarmedQueues = new Set<unknown>();

  /**
   * The batch workflow failed or timed out: the chunk task gave up after its retries, so some of the batch's orders were
   * never started and the batch counts them as running until the execution is redriven.
   */
  alarmOnBatchWorkflow(stateMachine: sfn.IStateMachine): cloudwatch.Alarm {
    const fiveMinutes = Duration.minutes(5);
    return this.alarm('BatchWorkflowExecutionsFailed', {
      alarmDescription: 'A batch workflow execution failed or timed out: orders of that batch were not started',
      metric: new cloudwatch.MathExpression({
        expression: 'failed + timedOut',
        usingMetrics: {
          failed: stateMachine.metricFailed({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
          timedOut: stateMachine.metricTimedOut({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        },
        period: fiveMinutes,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Alarms on the first message in a dead-letter queue. */
  alarmOnDeadLetters(id: string, queue: sqs.IQueue, alarmDescription: string): cloudwatch.Alarm {
    this.alarmedQueues.add(queue);
    return this.alarm(id, {
      alarmDescription,
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private alarm(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const description = `${props.alarmDescription ?? id}. Runbook: ${this.runbookUrl}#${runbookAnchor(id)}`;
    const alarm = new cloudwatch.Alarm(this, id, { ...props, alarmDescription: description });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  private subscribeEmail(email: string): void {
    const undelivered = deadLetterQueue(this, 'AlarmEmailUndelivered', 'the alarm e-mail subscription');
    this.topic.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue: undelivered }));
  }

  private apiAlarms(api: apigw.HttpApi): void {
    this.alarm('ApiLatencyP99', {
      alarmDescription: `The API's p99 latency was above ${ALARM_THRESHOLDS.apiLatencyP99Ms} ms for 15 minutes`,
      metric: api.metricLatency({ period: Duration.minutes(5), statistic: cloudwatch.Stats.p(99) }),
      threshold: ALARM_THRESHOLDS.apiLatencyP99Ms,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm('Api5xx', {
      alarmDescription: `The API answered ${ALARM_THRESHOLDS.api5xxPerFiveMinutes} or more 5xx in 5 minutes`,
      metric: api.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: ALARM_THRESHOLDS.api5xxPerFiveMinutes,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** One outcome of `kind` ending in `outcome` (the error name, `Succeeded` or `Removed`). */
  static outcomeMetric(kind: 'order' | 'tracking', outcome: string, period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: OUTCOME_METRIC.namespace,
      metricName: OUTCOME_METRIC.name,
      dimensionsMap: {
        service: OUTCOME_METRIC.service,
        [OUTCOME_METRIC.kindDimension]: kind,
        [OUTCOME_METRIC.outcomeDimension]: outcome,
      },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  }

  /**
   * Workflow outcomes: every system failure pages (one alarm per error name, so the alarm says which), business
   * failures page on their share of the hour's outcomes. A failed execution alone never pages: an InvalidOrder is the
   * ordering system's to fix, not on-call's.
   */
  private outcomeAlarms(): void {
    const fiveMinutes = Duration.minutes(5);
    for (const error of OUTCOME_ALARMS.systemFailures) {
      const metrics = Object.fromEntries(
        (['order', 'tracking'] as const).map((kind) => [kind, Monitoring.outcomeMetric(kind, error, fiveMinutes)]),
      );
      this.alarm(`Workflow${error}`, {
        alarmDescription: `A workflow execution ended in ${error} (a system failure: see the execution's cause)`,
        metric: new cloudwatch.MathExpression({
          expression: 'FILL(order, 0) + FILL(tracking, 0)',
          usingMetrics: metrics,
          period: fiveMinutes,
          label: error,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    const hour = Duration.hours(1);
    const outcomes = ['Succeeded', ...OUTCOME_ALARMS.systemFailures, ...OUTCOME_ALARMS.businessFailures];
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    outcomes.forEach((outcome, i) => {
      usingMetrics[`o${i}`] = Monitoring.outcomeMetric('order', outcome, hour);
    });
    const sum = (names: string[]) => names.map((n) => `FILL(${n}, 0)`).join(' + ');
    const all = Object.keys(usingMetrics);
    const business = all.filter((_, i) =>
      (OUTCOME_ALARMS.businessFailures as readonly string[]).includes(outcomes[i] ?? ''),
    );
    this.alarm('OrderBusinessFailureRate', {
      alarmDescription:
        `More than ${OUTCOME_ALARMS.businessFailurePercent} % of the orders that ended in an hour failed for business ` +
        `reasons (${OUTCOME_ALARMS.businessFailures.join(', ')}), with at least ` +
        `${OUTCOME_ALARMS.businessFailureMinimumOutcomes} orders: look for a bad batch or a changed rule`,
      metric: new cloudwatch.MathExpression({
        expression: `IF((${sum(all)}) >= ${OUTCOME_ALARMS.businessFailureMinimumOutcomes}, 100 * (${sum(business)}) / (${sum(all)}), 0)`,
        usingMetrics,
        period: hour,
        label: 'business failures, % of orders ended',
      }),
      threshold: OUTCOME_ALARMS.businessFailurePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private auditTableAlarms(table: dynamodb.ITable): void {
    this.alarm('AuditTableThrottled', {
      alarmDescription:
        'Audit table requests (PutItem, Query) were throttled: audit writes retry, then land in error logs',
      metric: table.metricThrottledRequestsForOperations({
        operations: [dynamodb.Operation.PUT_ITEM, dynamodb.Operation.QUERY],
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: ALARM_THRESHOLDS.auditThrottledRequestsPerFiveMinutes,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private streamAlarms(name: string, fn: lambda.IFunction): void {
    this.alarm(`${name}IteratorAge`, {
      alarmDescription: `The stream consumer ${name} is more than ${ALARM_THRESHOLDS.streamIteratorAgeMs / 60_000} minutes behind its stream`,
      metric: fn.metric('IteratorAge', { period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: ALARM_THRESHOLDS.streamIteratorAgeMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private workflowAlarms(stateMachine: sfn.StateMachine): void {
    this.alarm('WorkflowExecutionsTimedOut', {
      alarmDescription: 'A provisioning workflow execution hit the state machine timeout',
      metric: stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private functionAlarms(name: string, fn: lambda.IFunction): void {
    this.alarm(`${name}Errors`, {
      alarmDescription: `Lambda ${name} failed (an unhandled error, a timeout or a crash)`,
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm(`${name}Throttles`, {
      alarmDescription: `Lambda ${name} was throttled (concurrency exhausted)`,
      metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private tokenAlarms(refreshFunction: lambda.IFunction): void {
    this.alarm('PartnerTokenRefreshFailed', {
      alarmDescription:
        'The Webex partner token refresh failed: the API will stop working when the access token expires',
      metric: tokenMetric(TOKEN_METRICS.refreshFailed, cloudwatch.Stats.MAXIMUM, Duration.hours(1)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm('RefreshTokenExpiring', {
      alarmDescription:
        `The Webex partner refresh token expires in less than ${ALARM_THRESHOLDS.refreshTokenDaysRemaining} days: ` +
        're-authorize the integration in Webex and load the new tokens into the secret',
      metric: tokenMetric(TOKEN_METRICS.refreshTokenDaysRemaining, cloudwatch.Stats.MINIMUM, Duration.days(1)),
      threshold: ALARM_THRESHOLDS.refreshTokenDaysRemaining,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // Keep the last state between the daily data points; a refresh that stops running alarms below.
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
    this.alarm('PartnerTokenRefreshNotRunning', {
      alarmDescription: 'The daily Webex partner token refresh has not run for two days (schedule disabled?)',
      metric: refreshFunction.metricInvocations({ period: Duration.days(1), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }
}
