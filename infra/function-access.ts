/**
 * What each function may touch: the one table the stack turns into IAM statements AND environment variables, so a
 * function gets a permission exactly when it gets the variable naming the resource (and nothing else).
 *
 * Pure data (no CDK import). A route in `functions/catalog/routes.ts` without an entry here fails the synth: adding a route forces a
 * decision about its permissions.
 */
import type { AuditIndexName } from '../functions/adapters/dynamodb/audit-table';

export interface FunctionAccess {
  /** `dynamodb:PutItem` on the audit table (append-only: never UpdateItem or DeleteItem). */
  readonly auditAppend?: boolean;
  /** `dynamodb:GetItem` on the audit table: one record by its id (never a Scan, never a write beyond PutItem). */
  readonly auditRead?: boolean;
  /** `dynamodb:Query` on these indexes of the audit table (never on the base table, never Scan). */
  readonly auditQuery?: readonly AuditIndexName[];
  /**
   * Calls Webex: `secretsmanager:GetSecretValue` on the partner token secret, and the shared pacing of Webex calls
   * (`dynamodb:GetItem` / `UpdateItem` on the Webex state table, `WEBEX_STATE_TABLE_NAME`, `WEBEX_RATE_LIMIT_PER_SECOND`).
   */
  readonly webex?: boolean;
  /**
   * The status sweeper's records in the Webex state table: `read` (`GetItem`, `BatchGetItem`: `Check status`) or
   * `write` (also `PutItem`, `UpdateItem`: the sweeper).
   */
  readonly statusRecords?: 'read' | 'write';
  /** Digests personal values for the audit trail: `secretsmanager:GetSecretValue` on the digest key secret. */
  readonly digest?: boolean;
  /** `states:StartExecution` on the provisioning state machine. */
  readonly startExecution?: boolean;
  /** `states:DescribeExecution` on the provisioning state machine's executions. */
  readonly describeExecution?: boolean;
  /** The operator console: the issuer it signs in at and its OAuth client id (no AWS permission). */
  readonly console?: boolean;
  /** The issuer API Gateway trusts (`JWT_ISSUER`), which the OpenAPI document names (no AWS permission). */
  readonly jwtIssuer?: boolean;
  /** The batch table: `read` = GetItem and Query; `write` = those and PutItem (never UpdateItem or DeleteItem). */
  readonly batchTable?: 'read' | 'write';
  /** `states:StartExecution` on the batch state machine. */
  readonly startBatch?: boolean;
}

/** Every subscriber operation that changes something at Webex writes one audit record with digested personal values. */
const MUTATING_SUBSCRIBER_OPERATION: FunctionAccess = { webex: true, auditAppend: true, digest: true };

export const ROUTE_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  listSubscribers: { webex: true },
  getSubscriber: { webex: true },
  // Provision and Update put the request to follow the subscriber on their audit record (the tracking outbox).
  provisionSubscriber: MUTATING_SUBSCRIBER_OPERATION,
  updateSubscriber: MUTATING_SUBSCRIBER_OPERATION,
  precheckSubscriber: MUTATING_SUBSCRIBER_OPERATION,
  removeSubscriber: MUTATING_SUBSCRIBER_OPERATION,
  resendConsent: MUTATING_SUBSCRIBER_OPERATION,
  listSubscriberAudit: { auditQuery: ['bySubscriber'] },
  // A repeated orderId answers the existing order, which needs DescribeExecution as well; the submission's audit record
  // (a conditional append, keyed by a digest of the content) decides which of concurrent callers was first.
  submitOrder: { startExecution: true, describeExecution: true, auditAppend: true, digest: true },
  getOrder: { describeExecution: true, auditQuery: ['byOrder'] },
  // Reads every attempt, records the retry (a conditional put) and starts the new attempt's execution.
  retryOrder: { startExecution: true, describeExecution: true, auditAppend: true },
  listOrders: { auditQuery: ['byDay', 'byOrder'] },
  // A batch: its orders and outcomes in the batch table; POST starts the batch workflow.
  submitBatch: { batchTable: 'write', startBatch: true },
  getBatch: { batchTable: 'read' },
  getBatchReport: { batchTable: 'read' },
  getOpenApiDocument: { jwtIssuer: true },
  getApiDocs: { jwtIssuer: true },
  getConsole: { console: true },
};

/** Workflow tasks call Webex and write one audit record per step and status change; `Check status` reads the sweeper's records. */
export const DEFAULT_WORKFLOW_TASK_ACCESS: FunctionAccess = {
  webex: true,
  auditAppend: true,
  digest: true,
  statusRecords: 'read',
};

/** Tasks that may adopt a subscriber: a retried order reads its provision marker (one GetItem) first. */
const ADOPTING_TASK_ACCESS: FunctionAccess = { ...DEFAULT_WORKFLOW_TASK_ACCESS, auditRead: true };

/** Tasks that need less than the default, by task name. */
export const WORKFLOW_TASK_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  // These tasks never call Webex (createAuditOnlyTaskHandler): no partner token for them.
  validateOrder: { auditAppend: true, digest: true },
  // Checks the API call's audit record before following its subscriber: only the service starts tracking.
  startTracking: { auditAppend: true, auditRead: true, digest: true },
  recordFailure: { auditAppend: true, digest: true },
  precheck: ADOPTING_TASK_ACCESS,
  provision: ADOPTING_TASK_ACCESS,
  checkStatus: ADOPTING_TASK_ACCESS,
};

/** The status sweeper: lists Webex's changes and writes the latest-status records (`Check status` audits them). */
export const STATUS_SWEEPER_ACCESS: FunctionAccess = { webex: true, statusRecords: 'write' };

/** The audit stream consumer starts the tracking executions the outbox asks for (its stream read comes with the source). */
export const FOLLOW_SUBSCRIBERS_ACCESS: FunctionAccess = { startExecution: true };

/**
 * The batch workflow's chunk task starts (and, when one exists, reads) orders' executions and records outcomes; the
 * outcome recorder (Step Functions' execution status change events) reads watchers and records outcomes.
 */
export const BATCH_TASK_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  startBatchChunk: { batchTable: 'write', startExecution: true, describeExecution: true },
  recordOrderOutcome: { batchTable: 'write' },
};

export function routeAccess(operationId: string): FunctionAccess {
  const access = ROUTE_ACCESS[operationId];
  if (access === undefined) {
    throw new Error(
      `Route ${operationId} has no entry in infra/function-access.ts ROUTE_ACCESS: declare what it may touch`,
    );
  }
  return access;
}

export function workflowTaskAccess(taskName: string): FunctionAccess {
  return WORKFLOW_TASK_ACCESS[taskName] ?? DEFAULT_WORKFLOW_TASK_ACCESS;
}
