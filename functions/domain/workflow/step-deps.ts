/** The ports a workflow step receives; the task handlers (`functions/workflow/`) build them. */
import type { Logger } from '../../shared/logger';
import type { AuditLookup, AuditStore, FieldDigester } from '../ports/audit';
import type { Clock } from '../ports/clock';
import type { OutcomeMetrics } from '../ports/metrics';
import type { StatusRecordReader } from '../ports/status-records';
import type { WebexSubscribersPort } from '../ports/webex';
import type { PollTuning } from './poll-policy';

export interface WorkflowDeps {
  webex: WebexSubscribersPort;
  audit: AuditStore;
  digester: FieldDigester;
  clock: Clock;
  /** Reads one audit record: a retried order's provision marker (was Provision sent in an earlier attempt?). */
  lookup?: AuditLookup | undefined;
  logger?: Logger | undefined;
  tuning?: PollTuning | undefined;
  /** One outcome data point per execution that ends (`ports/metrics.ts`). */
  metrics?: OutcomeMetrics | undefined;
  /** The status sweeper's records: `Check status` reads them and does a Get only when they are stale. */
  statusRecords?: StatusRecordReader | undefined;
}

/** What a step that never calls Webex needs (validate an order, start tracking, record a failure). */
export type AuditOnlyWorkflowDeps = Omit<WorkflowDeps, 'webex'>;

/** What StartTracking needs: the audit-only ports and a strongly consistent read of one record. */
export type TrackingDeps = AuditOnlyWorkflowDeps & { lookup: AuditLookup };
