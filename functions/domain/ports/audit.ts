/**
 * The audit trail port: append-only, idempotent. Every record has a deterministic id; appending a record whose id already
 * exists is a no-op that reports `written: false` (a retried write never duplicates). There is no update and no delete.
 */
import type { SubscriberStatus } from '../contract/fields';
import type { TrackSubscriberInput } from './workflow';

export const AUDIT_ACTIONS = [
  'provision',
  'update',
  'remove',
  'precheck',
  'resendConsent',
  'statusChange',
  'orderStep',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditChange {
  field: string;
  /** Clear value, only for non-personal fields (package, timezone, language…). */
  value?: string;
  /** Keyed digest of a personal field's value (`hmac-sha256:` + 16 hex chars); never the value itself. */
  digest?: string;
  /** The field was removed (an empty value on Update). */
  removed?: boolean;
}

export interface AuditRecord {
  /** Deterministic: derived from what makes the event unique, never from the time it was written. */
  id: string;
  /** ISO 8601 with ms and Z. */
  at: string;
  /** Who: the caller's subject / client id from the token, or `workflow:<orderId>`. */
  actor: string;
  action: AuditAction;
  subscriberId?: string;
  orderId?: string;
  /** A retried order's attempt (2 or more) that wrote the record, or that a `retry` record asks for. */
  attempt?: number;
  /** Which fields the call set or changed. */
  changes?: AuditChange[];
  outcome: {
    result: 'success' | 'failure';
    statusCode?: number;
    errorCodes?: number[];
  };
  /** A status transition (statusChange), or the status the call left the subscriber in. */
  status?: { from?: SubscriberStatus | undefined; to: SubscriberStatus };
  /** Workflow step name for orderStep records. */
  step?: string;
  trackingId?: string;
  webexTrackingId?: string;
  /** Short machine-readable note (a failure cause, a step outcome); never personal data. */
  detail?: string;
  /**
   * Outbox: the request to follow the subscriber with the workflow (successful API Provision/Update), written in the
   * same put as the record; the audit table's stream delivers it to the consumer that starts the tracking execution.
   * Not part of the trail as read back: the store's queries leave it out.
   */
  follow?: TrackSubscriberInput;
}

export interface AuditPage {
  items: AuditRecord[];
  /** Opaque cursor for the next (older) page; absent on the last page. */
  cursor?: string | undefined;
}

export interface AuditQuery {
  max: number;
  cursor?: string | undefined;
}

export interface AuditStore {
  append(record: AuditRecord): Promise<{ written: boolean }>;
  /** Newest first. */
  listBySubscriber(subscriberId: string, query: AuditQuery): Promise<AuditPage>;
  /** Newest first. */
  listByOrder(orderId: string, query: AuditQuery): Promise<AuditPage>;
}

/** Keyed digests of personal values (HMAC with a secret key the adapter holds). */
/** Reads one record by its id, strongly consistent (the record an API call wrote, before its tracking starts). */
export interface AuditLookup {
  get(id: string): Promise<AuditRecord | undefined>;
}

export interface FieldDigester {
  digest(value: string): string;
}

/** The audit trail by day (the `byDay` index): what lists the orders of a day. */
export interface AuditDayIndex {
  /**
   * Records of one UTC day (yyyy-mm-dd) whose `step` is `step`, newest first: at most `query.max`, and a cursor when
   * more may follow.
   */
  listStepByDay(day: string, step: string, query: AuditQuery): Promise<AuditPage>;
}
