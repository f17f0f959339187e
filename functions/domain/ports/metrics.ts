/**
 * Outcome metrics: one data point per order or tracking that ends, with the error name as a dimension, so alarms can
 * tell system failures (page at once) from business failures (page on a rate only). The adapter
 * (`adapters/metrics/emf-outcome-metrics.ts`) is the one module that knows how a metric is written.
 */

/** Metric names and dimensions, shared by the adapter and the alarms (`infra/constructs/monitoring.ts`). */
export const OUTCOME_METRIC = {
  namespace: 'WebexBwProvisioning',
  name: 'OrderOutcome',
  /** Powertools Metrics' `service` dimension, on every data point. */
  service: 'webex-bw-provisioning',
  /** `order` or `tracking`. */
  kindDimension: 'Kind',
  /** `Succeeded`, `Removed`, or the Fail state's error name (`InvalidOrder`, `UpstreamUnavailable`, …). */
  outcomeDimension: 'Outcome',
} as const;

export interface WorkflowOutcome {
  kind: 'order' | 'tracking';
  /** `Succeeded`, `Removed`, or the error name of the Fail state the execution ends in. */
  outcome: string;
}

export interface OutcomeMetrics {
  workflowEnded(outcome: WorkflowOutcome): void;
}
