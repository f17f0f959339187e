/**
 * What every API use case gets: the ports it needs and the context of the call (who, which request, which trackingId),
 * plus the one way mutations write their audit record.
 */
import type { Logger } from '../../shared/logger';
import { auditId } from '../audit';
import { DomainError, UpstreamError } from '../errors';
import type { AuditAction, AuditChange, AuditRecord, AuditStore, FieldDigester } from '../ports/audit';
import type { Clock } from '../ports/clock';
import type { WebexCallOptions, WebexResult, WebexSubscribersPort } from '../ports/webex';

/** The caller and the request, as the HTTP layer established them. */
export interface CallContext {
  /** API Gateway's `requestContext.requestId`: stable across a retry of the same request, so audit ids are too. */
  requestId: string;
  /** Our trackingId (the caller's `TrackingID` header when sane, else generated); sent to Webex. */
  trackingId: string;
  /** Who: the token's `client_id`, else its `sub`. */
  actor: string;
  /** Epoch ms by which every upstream call must have ended (the function's own deadline, less a margin). */
  deadline?: number | undefined;
}

export interface MutationDependencies {
  webex: WebexSubscribersPort;
  audit: AuditStore;
  digester: FieldDigester;
  clock: Clock;
  logger: Logger;
}

/** Waits between attempts of an audit write (its id is deterministic, so retrying never duplicates). */
export const AUDIT_RETRY_DELAYS_MS = [100, 400] as const;

export function webexCallOptions(context: CallContext): WebexCallOptions {
  return context.deadline === undefined
    ? { trackingId: context.trackingId }
    : { trackingId: context.trackingId, deadline: context.deadline };
}

/** The fields every audit record of an API mutation shares. */
export function auditBase(
  deps: Pick<MutationDependencies, 'clock'>,
  context: CallContext,
  action: AuditAction,
): Pick<AuditRecord, 'id' | 'at' | 'actor' | 'action' | 'trackingId'> {
  return {
    id: auditId(context.requestId, action),
    at: new Date(deps.clock.now()).toISOString(),
    actor: context.actor,
    action,
    trackingId: context.trackingId,
  };
}

/** The outcome part of a record for a failed call: Webex's status when it answered, its error codes, the error kind. */
export function failureFields(error: unknown): Pick<AuditRecord, 'outcome' | 'webexTrackingId' | 'detail'> {
  const errorCodes =
    error instanceof DomainError
      ? error.errors.map((item) => item.errorCode).filter((code): code is number => typeof code === 'number')
      : [];
  const outcome: AuditRecord['outcome'] = { result: 'failure', errorCodes };
  if (error instanceof UpstreamError) outcome.statusCode = error.status;
  const fields: Pick<AuditRecord, 'outcome' | 'webexTrackingId' | 'detail'> = {
    outcome,
    detail: error instanceof DomainError ? error.kind : 'unexpected',
  };
  if (error instanceof UpstreamError && error.webexTrackingId !== undefined) {
    fields.webexTrackingId = error.webexTrackingId;
  }
  return fields;
}

/**
 * Append the record, retrying a failed write (the id is deterministic, so a write that did land is not duplicated).
 * If every attempt fails the record is logged in full — personal values in it are digests already — and the caller
 * still gets its answer: the mutation happened at Webex and must not be reported as failed because of the audit trail.
 */
export async function writeAudit(
  deps: Pick<MutationDependencies, 'audit' | 'clock' | 'logger'>,
  record: AuditRecord,
): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= AUDIT_RETRY_DELAYS_MS.length; attempt++) {
    try {
      await deps.audit.append(record);
      return;
    } catch (error) {
      lastError = error;
      const delay = AUDIT_RETRY_DELAYS_MS[attempt];
      if (delay !== undefined) await deps.clock.sleep(delay);
    }
  }
  deps.logger.error('audit record could not be written; it is kept in this log line', {
    auditRecord: record,
    errorName: lastError instanceof Error ? lastError.name : typeof lastError,
    errorMessage: lastError instanceof Error ? lastError.message : undefined,
  });
}

/**
 * The follow-up request a successful Provision/Update puts on its audit record (the outbox): the audit table's stream
 * hands it to the consumer that starts the tracking execution, so the subscriber's transitions reach the audit trail.
 */
export function followRequest(
  context: CallContext,
  subscriberId: string,
  reason: 'provision' | 'update',
): Pick<AuditRecord, 'follow'> {
  return {
    follow: {
      subscriberId,
      reason,
      trackingId: context.trackingId,
      requestId: context.requestId,
      actor: context.actor,
    },
  };
}

export interface AuditedMutation<T> {
  action: AuditAction;
  /** The subscriber the call is about, when the request names it. */
  subscriberId?: string | undefined;
  /** What the request sets (personal values already digested). */
  changes?: AuditChange[] | undefined;
  /** The status the service answers on success (Webex's: 200 or 204). */
  successStatusCode: number;
  /** The Webex call itself. */
  call: (options: WebexCallOptions) => Promise<WebexResult<T>>;
  /** Fields the success record takes from Webex's answer (the subscriber's id and status, a tracking detail). */
  onSuccess?: (result: WebexResult<T>) => Promise<Partial<AuditRecord>> | Partial<AuditRecord>;
}

/**
 * The one shape of every API mutation: call Webex, then write exactly one audit record — on failure with Webex's status
 * and error codes (and rethrow), on success with the outcome and whatever `onSuccess` adds.
 */
export async function auditedMutation<T>(
  deps: Pick<MutationDependencies, 'audit' | 'clock' | 'logger'>,
  context: CallContext,
  mutation: AuditedMutation<T>,
): Promise<WebexResult<T>> {
  const about = {
    ...(mutation.subscriberId === undefined ? {} : { subscriberId: mutation.subscriberId }),
    ...(mutation.changes === undefined ? {} : { changes: mutation.changes }),
  };
  let result: WebexResult<T>;
  try {
    result = await mutation.call(webexCallOptions(context));
  } catch (error) {
    await writeAudit(deps, { ...auditBase(deps, context, mutation.action), ...about, ...failureFields(error) });
    throw error;
  }
  const extra = mutation.onSuccess ? await mutation.onSuccess(result) : {};
  await writeAudit(deps, {
    ...auditBase(deps, context, mutation.action),
    ...about,
    outcome: { result: 'success', statusCode: mutation.successStatusCode },
    ...(result.webexTrackingId === undefined ? {} : { webexTrackingId: result.webexTrackingId }),
    ...extra,
  });
  return result;
}
