/**
 * The service's one CloudWatch dashboard: API requests, errors and latency, workflow executions, every function's
 * errors and p99 duration, and the partner token's days remaining and refresh failures.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { MonitoringProps } from './monitoring';
import { TOKEN_METRICS, tokenMetric } from './token-metrics';

export function buildDashboard(scope: Construct, props: MonitoringProps): cloudwatch.Dashboard {
  const { api, stateMachine, functions } = props;
  const fiveMinutes = Duration.minutes(5);
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    defaultInterval: Duration.days(1),
  });
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'API requests and errors',
      left: [
        api.metricCount({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM, label: 'requests' }),
        api.metricClientError({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM, label: '4xx' }),
        api.metricServerError({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM, label: '5xx' }),
      ],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'API latency (ms)',
      left: [
        api.metricLatency({ period: fiveMinutes, statistic: cloudwatch.Stats.p(50), label: 'p50' }),
        api.metricLatency({ period: fiveMinutes, statistic: cloudwatch.Stats.p(99), label: 'p99' }),
        api.metricIntegrationLatency({
          period: fiveMinutes,
          statistic: cloudwatch.Stats.p(99),
          label: 'integration p99',
        }),
      ],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Workflow executions',
      left: [
        stateMachine.metricStarted({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM, label: 'started' }),
        stateMachine.metricSucceeded({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM, label: 'succeeded' }),
        stateMachine.metricFailed({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM, label: 'failed' }),
        stateMachine.metricTimedOut({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM, label: 'timed out' }),
      ],
      width: 8,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Lambda errors',
      left: functions.map(({ name, function: fn }) =>
        fn.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM, label: name }),
      ),
      stacked: true,
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'Lambda duration p99 (ms)',
      left: functions.map(({ name, function: fn }) =>
        fn.metricDuration({ period: fiveMinutes, statistic: cloudwatch.Stats.p(99), label: name }),
      ),
      width: 12,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.SingleValueWidget({
      title: 'Partner refresh token: days remaining',
      metrics: [tokenMetric(TOKEN_METRICS.refreshTokenDaysRemaining, cloudwatch.Stats.MINIMUM, Duration.days(1))],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Partner token refresh',
      left: [tokenMetric(TOKEN_METRICS.refreshTokenDaysRemaining, cloudwatch.Stats.MINIMUM, Duration.days(1))],
      right: [tokenMetric(TOKEN_METRICS.refreshFailed, cloudwatch.Stats.MAXIMUM, Duration.days(1))],
      width: 16,
    }),
  );
  return dashboard;
}
