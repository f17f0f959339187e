/**
 * The service's CloudWatch metrics, through Powertools for AWS Lambda's Metrics: each call below writes one Embedded
 * Metric Format line to stdout at once (CloudWatch Logs turns it into metrics; no API call, nothing to flush), in the
 * namespace `WebexBwProvisioning` with Powertools' `service` dimension.
 *
 * - `OrderOutcome` (Count), dimension `Outcome`: `Succeeded` or the failure's error name (`ProvisioningFailed`,
 *   `UpstreamUnavailable`…), one per finished order or followed subscriber, and `Kind` (`order`, `tracking`).
 * - `WebexCalls` (Count) and `WebexLatency` (Milliseconds), dimensions `Operation` (list, provision, get…) and
 *   `Status` (the HTTP status, e.g. 200, 429, 503, or `timeout` / `network`): one per attempt, retries included, so
 *   429s and 5xx can be alarmed on by operation.
 * - `PartnerTokenRefreshFailed` (Count, 0 or 1) and `RefreshTokenDaysRemaining` (None): one per scheduled refresh.
 *
 * The Metrics instance is built on first use (no cost at load for a function that emits nothing). Powertools' own
 * switches apply: `POWERTOOLS_METRICS_DISABLED=true` (the local runtime and the tests set it) or `POWERTOOLS_DEV`.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const METRIC_NAMESPACE = 'WebexBwProvisioning';
/** The `service` dimension of every metric (and the logs' `service`). */
export const SERVICE_NAME = 'webex-bw-provisioning';

export const METRIC_NAMES = {
  orderOutcome: 'OrderOutcome',
  webexCalls: 'WebexCalls',
  webexLatency: 'WebexLatency',
  refreshFailed: 'PartnerTokenRefreshFailed',
  refreshTokenDaysRemaining: 'RefreshTokenDaysRemaining',
} as const;

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

let metrics: Metrics | undefined;

/** Forget the Metrics instance: the next metric builds it again from the environment (tests). */
export function resetMetricsForTests(): void {
  metrics = undefined;
}

/**
 * Write `values` as one EMF line with `dimensions` (and `service`), now. Synchronous from the first call to the
 * publication, so concurrent invocations of one process (the local runtime) cannot mix their dimensions.
 */
function publish(dimensions: Record<string, string>, values: ReadonlyArray<readonly [string, Unit, number]>): void {
  metrics ??= new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME });
  if (Object.keys(dimensions).length > 0) metrics.addDimensions(dimensions);
  for (const [name, unit, value] of values) metrics.addMetric(name, unit, value);
  metrics.publishStoredMetrics();
}

export interface WebexAttempt {
  operation: string;
  /** The HTTP status Webex answered, or why there was none. */
  status: number | 'timeout' | 'network';
  latencyMs: number;
}

/** One attempt of a Webex call. */
export function recordWebexCall(attempt: WebexAttempt): void {
  publish({ Operation: attempt.operation, Status: String(attempt.status) }, [
    [METRIC_NAMES.webexCalls, MetricUnit.Count, 1],
    [METRIC_NAMES.webexLatency, MetricUnit.Milliseconds, Math.max(0, attempt.latencyMs)],
  ]);
}

/** A finished order (or followed subscriber): `Succeeded` or the failure's error name. */
export function recordOrderOutcome(outcome: { kind: 'order' | 'tracking'; outcome: string }): void {
  publish({ Outcome: outcome.outcome, Kind: outcome.kind }, [[METRIC_NAMES.orderOutcome, MetricUnit.Count, 1]]);
}

/** One run of the scheduled partner-token refresh. */
export function recordPartnerTokenRefresh(run: { failed: boolean; daysRemaining?: number | undefined }): void {
  publish({}, [
    [METRIC_NAMES.refreshFailed, MetricUnit.Count, run.failed ? 1 : 0],
    ...(run.daysRemaining === undefined
      ? []
      : [[METRIC_NAMES.refreshTokenDaysRemaining, MetricUnit.NoUnit, run.daysRemaining] as const]),
  ]);
}
