/** The partner-token refresh's metrics as CloudWatch reads them: what the alarms and the dashboard watch. */
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** The namespace and metric names the refresh function emits (Powertools Metrics, `functions/shared/metrics.ts`). */
export const TOKEN_METRICS = {
  namespace: 'WebexBwProvisioning',
  refreshFailed: 'PartnerTokenRefreshFailed',
  refreshTokenDaysRemaining: 'RefreshTokenDaysRemaining',
} as const;

/** Dimensions the refresh function puts on its metrics: Powertools' `service` only (one partner token per stack). */
export const TOKEN_METRIC_DIMENSIONS: Readonly<Record<string, string>> = { service: 'webex-bw-provisioning' };

/** One of the refresh function's metrics, with its dimensions. */
export function tokenMetric(metricName: string, statistic: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: TOKEN_METRICS.namespace,
    metricName,
    dimensionsMap: { ...TOKEN_METRIC_DIMENSIONS },
    statistic,
    period,
  });
}
