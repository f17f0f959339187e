/**
 * The document the provisioning workflow passes from state to state.
 *
 * Every task receives the whole document and returns the whole next document (ResultPath `$`), so the Choice states
 * only ever read three fields: `throttled` (Wait exactly `retryAfterSeconds`, then the same task again), `route` (where
 * to go next) and, when `route` is `failed`, `failure.error` (which Fail state). Wait states read `waitSeconds` or
 * `retryAfterSeconds`; the Fail states read `failure.cause`; the Succeed state outputs `result`.
 */
import { StatusSchema, SubscriberIdSchema, WebexErrorItemSchema } from '../contract/fields';
import { OrderSchema } from '../contract/order';
import { RULES } from '../contract/rules';
import { SubscriberSchema } from '../contract/subscriber';
import * as z from '../contract/zod';

/** Limits of the workflow; the state machine's overall timeout is derived from them (infra/workflow). */
export const WORKFLOW_LIMITS = {
  /** The state machine's own timeout (Step Functions ends the execution as TimedOut). */
  workflowTimeoutSeconds: 30 * 24 * 3600,
  /** An order's deadline when it sets none: pending states wait on a person and may last days. */
  defaultDeadlineSeconds: 14 * 24 * 3600,
  /** The longest deadline an order may ask for: one day below the state machine's timeout. */
  maxDeadlineSeconds: RULES.maxOrderDeadlineSeconds,
  /**
   * Safety net on status checks per execution (throttled checks count too): a check is one turn of the loop, 9 history
   * events (Wait entered/exited, Check status entered/scheduled/started/succeeded/exited, Choice entered/exited), so
   * 2,000 checks are 18,000 events, below Step Functions' 25,000-event limit with room for retries. The poll policy
   * keeps the 29-day worst case far below this (`npm run bench:workflow-cost`).
   */
  maxStatusChecks: 2000,
  /** Budget of one Webex call made by a task (all of the client's own attempts included). */
  webexCallBudgetMs: 20_000,
} as const;

/** Names of the Fail states, and the `error` of an execution that ends there. */
export const FAILURES = [
  'InvalidOrder',
  'PrecheckFailed',
  'ProvisioningFailed',
  /** The userId is taken at Webex by a subscriber that is not provably this order's own (errorCode 10022). */
  'SubscriberConflict',
  'ProvisioningTimedOut',
  'UpstreamUnavailable',
  'UpstreamRejected',
  'InternalError',
] as const;
export type FailureName = (typeof FAILURES)[number];

export const ROUTES = ['precheck', 'provision', 'poll', 'resendConsent', 'succeeded', 'removed', 'failed'] as const;
export type Route = (typeof ROUTES)[number];

export const TrackingSchema = z.strictObject({
  subscriberId: SubscriberIdSchema,
  reason: z.enum(['provision', 'update'], { error: 'must be provision or update' }),
  trackingId: z
    .string({ error: 'must be a string' })
    .check(z.regex(/^[A-Za-z0-9_.:-]{1,128}$/, { error: 'must be 1 to 128 letters, digits or _.:-' })),
  actor: z.string({ error: 'must be a string' }).check(z.minLength(1), z.maxLength(255)),
  /** The API call's request id: with `reason` it names the audit record the call wrote, which the tracking must match. */
  requestId: z
    .string({ error: 'must be a string' })
    .check(z.regex(/^[A-Za-z0-9_.:=+/-]{1,128}$/, { error: 'must be 1 to 128 letters, digits or _.:=+/-' })),
});
export type Tracking = z.infer<typeof TrackingSchema>;

const IsoSchema = z.iso.datetime({ offset: false });
/** Shared by every field of its kind: a zod schema is immutable, and each one built costs cold-start time. */
const Count = z.number().check(z.int(), z.gte(0));
const OptionalCount = z.optional(Count);
const OptionalString = z.optional(z.string());

export const WorkflowStateSchema = z.object({
  kind: z.enum(['order', 'tracking']),
  /** The orderId for an order (every attempt), a name derived from the API call's trackingId for tracking. */
  ref: z.string().check(z.minLength(1), z.maxLength(80)),
  /** A retry of an order: its attempt number (2 or more; the first attempt has none). */
  attempt: z.optional(z.number().check(z.int(), z.gte(2), z.lte(RULES.maxOrderAttempts))),
  order: z.optional(OrderSchema),
  tracking: z.optional(TrackingSchema),
  startedAt: IsoSchema,
  deadlineAt: IsoSchema,
  subscriberId: OptionalString,
  lastStatus: z.optional(StatusSchema),
  lastStatusChange: OptionalString,
  /** The status the subscriber is in, and since when (for the poll policy and the consent resend). */
  phase: z.optional(z.object({ status: StatusSchema, since: IsoSchema })),
  consentResentAt: z.optional(IsoSchema),
  /** When `Check status` last had Webex's own answer (a Get) instead of the status sweeper's record. */
  verifiedAt: z.optional(IsoSchema),
  /**
   * An adoption whose lookup Webex throttled: the task retried after the Wait goes straight back to the lookup (a
   * repeated Provision or Get would take the request the rate limit allows, and the lookup would never get one).
   */
  adopting: z.optional(
    z.object({
      reason: z.enum(['409', '10022']),
      exclude: OptionalString,
      errors: z.array(WebexErrorItemSchema),
    }),
  ),
  /**
   * Provision ran before for this order (an attempt whose answer may have been lost, in this execution or an earlier
   * one of the same order): only then may a subscriber that already has the order's userId be the order's own.
   */
  provisionRepeated: z.optional(z.boolean()),
  checks: Count,
  route: z.enum(ROUTES),
  throttled: z.boolean(),
  retryAfterSeconds: OptionalCount,
  /**
   * The slot our pacing of Webex calls reserved for the throttled call (epoch ms): after the Wait, the same task calls
   * on it without taking another token (`WebexCallOptions.paidSlotAt`).
   */
  pacedSlotAt: z.optional(z.number()),
  waitSeconds: OptionalCount,
  failure: z.optional(z.object({ error: z.enum(FAILURES), cause: z.string() })),
  result: z.optional(
    z.object({
      orderId: OptionalString,
      trackingId: OptionalString,
      subscriber: SubscriberSchema,
    }),
  ),
  /** A followed subscriber that was removed (tracking only): the output of the `Removed` Succeed state. */
  removed: z.optional(z.object({ trackingId: OptionalString, subscriberId: z.string(), removed: z.literal(true) })),
});
export type WorkflowState = z.infer<typeof WorkflowStateSchema>;

/** What the workflow's Catch hands to the failure recorder: the state as it was, and Step Functions' error. */
export const CaughtSchema = z.object({ Error: z.string(), Cause: z.optional(z.unknown()) });
