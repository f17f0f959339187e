/**
 * The decided rules of the contract, in one table.
 *
 * Cisco documents the shape of the BroadWorks Subscribers API but not every limit. Where CONTRACT.md marks a rule
 * [DECIDED], the decision lives here and nowhere else: the gateway's validation, the simulator and the workflow all read
 * it from this table, so a rule can change in one place once the facts are known.
 */
export const RULES = {
  /** Every string field of a request or response, unless a tighter limit applies. */
  maxStringLength: 255,
  /** RFC 5321 limit on a forward path; the contract caps email at 254 characters. */
  maxEmailLength: 254,
  /** A plausible address: one @, no whitespace, a dot in the domain. Deliberately not RFC 5322 complete. */
  emailPattern: /^[^\s@"<>()[\],;:]+@[^\s@"<>()[\],;:]+\.[^\s@"<>()[\],;:]+$/,
  /** Digits with an optional leading + and -, space, ( ) separators; at least one digit. */
  phonePattern: /^\+?[0-9()\- ]*[0-9][0-9()\- ]*$/,
  /**
   * Control characters no text field may hold: C0 (NUL, CR, LF, TAB…), DEL, C1, and lone UTF-16 surrogates (2026-12-04).
   * Every other Unicode character, printable in any script, is accepted.
   */
  controlCharacterPattern: /[\p{Cc}\p{Cs}]/u,
  /** `language` is reserved: any string is accepted and ignored, and every subscriber shows this value [DOC]. */
  fixedLanguage: 'en',
  /** Subscriber ids are Cisco base64 ids: letters, digits and `-_=+`; anything else is refused before any upstream call. */
  subscriberIdPattern: /^[A-Za-z0-9_=+-]{1,255}$/,
  /** List paging: default and largest page size. */
  listDefaultMax: 50,
  listMaxMax: 100,
  /** Retry-After to assume when Webex answers 429/423 without the header (seconds). */
  defaultRetryAfterSeconds: 5,
  /**
   * An order's longest deadline: one day below the state machine's 30-day timeout, so the workflow (not Step Functions)
   * always ends the order with ProvisioningTimedOut and a cause.
   */
  maxOrderDeadlineSeconds: 29 * 24 * 3600,
  /** Step Functions execution names: 1 to 80 characters of letters, digits, `-` and `_`. The orderId is the name. */
  orderIdPattern: /^[A-Za-z0-9_-]{1,80}$/,
  /**
   * Attempts of one order at most: its first execution and the retries an operator asks for
   * (`POST /v1/orders/{orderId}/retry`). An order that fails this often needs a person, not another run.
   */
  maxOrderAttempts: 10,
  /** Request bodies larger than this are refused with 413 before parsing. */
  maxRequestBodyBytes: 64 * 1024,
  /** Orders in one batch (POST /v1/batches). */
  maxBatchOrders: 5000,
  /**
   * POST /v1/batches takes bodies up to 4 MiB (5,000 orders of up to ~840 bytes each, a typical order being 300–500):
   * API Gateway takes 10 MB, but Lambda takes at most 6 MB of event, and the body travels inside the event as a JSON
   * string (every quote escaped, ≈ +10 %) beside the headers and the request context.
   */
  maxBatchBodyBytes: 4 * 1024 * 1024,
  /**
   * A batchId: letters, digits, `-` and `_`, at most 64 characters, so `<batchId>-<n>` (the default orderId, n up to
   * 5,000) stays a valid execution name (80 characters). The batch's own execution is named after it.
   */
  batchIdPattern: /^[A-Za-z0-9_-]{1,64}$/,
  /**
   * Orders a batch starts per chunk (one iteration of the batch workflow's Map, one Lambda call): 5,000 orders are 50
   * iterations, about 450 history events, far from Step Functions' 25,000.
   */
  batchChunkOrders: 100,
  /**
   * Orders a batch starts per second, unless `BATCH_START_RATE_PER_SECOND` says otherwise: an order costs Webex about
   * two calls (precheck and provision), so 25 orders/s is what 50 Webex requests/s carry. Starting faster only queues
   * the orders' calls behind Webex's rate limit.
   */
  defaultBatchStartRatePerSecond: 25,
  /** Failures per page of GET /v1/batches/{batchId}: default and largest. */
  batchFailuresDefaultMax: 100,
  batchFailuresMaxMax: 1000,
} as const;

/**
 * How fast we call Webex, decided 2026-12-04 (CONTRACT.md: Webex publishes no limit for this API; the nearest published
 * figure is 300 requests per minute per client id). One rate for the whole deployment, shared by every Lambda and every
 * execution through one token bucket (a DynamoDB item: `adapters/dynamodb/webex-pacer.ts`).
 * - `defaultRequestsPerSecond`: 5 (= 300/min) unless CDK context `webexRateLimit` / env `WEBEX_RATE_LIMIT_PER_SECOND`
 *   says otherwise.
 * - Two lanes. `priority` (API callers and the status sweeper) and `bulk` (workflow tasks). A share of the rate is
 *   reserved for `priority`: `max(priorityReserveShare × rate, priorityReserveMinPerSecond)`, capped at half the rate.
 *   Bulk never takes the reserve while a priority caller uses it; when no priority caller has used it for a while,
 *   bulk may borrow one reserve token at a time, and priority may always borrow bulk capacity that is idle. The sum
 *   never exceeds the rate.
 * - Bulk reservations queue: a task that finds no token gets a reserved slot (a ticket) and hands the wait back to the
 *   state machine (`{throttled, retryAfterSeconds}`, then a Wait); coming back, it calls on its ticket without taking
 *   another token, so throttled executions never come back in waves. A task sleeps in Lambda only when its slot is
 *   at most `taskInlineWaitMs` away: it is handed back the whole seconds before its slot and sleeps the remainder
 *   (under a second) when it returns, so tickets reach Webex at their slots. Slots are reserved at most `bulkQueueHorizonSeconds` ahead.
 * - Priority callers wait in the Lambda for at most `priorityMaxWaitMs` (and never past their deadline); beyond, our
 *   API answers 429 with Retry-After, as Webex would.
 * - Bursts: `burstSeconds` of a lane's rate may go at once (kept well under one second, so a Webex bucket of one second of
 *   capacity absorbs the jitter between our slot and the request's arrival).
 * - A 429 from Webex parks both lanes until Retry-After has passed (every caller waits, not only the one throttled).
 * - A ticket is honoured from `ticketEarlyMs` before its slot until `ticketValidityMs` after it; later it is void.
 */
export const WEBEX_PACING = {
  defaultRequestsPerSecond: 5,
  priorityReserveShare: 0.1,
  priorityReserveMinPerSecond: 1,
  burstSeconds: 0.25,
  priorityMaxWaitMs: 2_000,
  taskInlineWaitMs: 1_000,
  bulkQueueHorizonSeconds: 900,
  ticketEarlyMs: 50,
  ticketValidityMs: 120_000,
} as const;

/**
 * The status sweeper, decided 2026-12-04 (`functions/domain/status-sweep/`): instead of one Get per order per poll, one
 * List of the subscribers whose status changed (`lastStatusChange` filter, `listMaxMax` per page) every
 * `intervalSeconds`; each change is recorded once (an audit statusChange record with its deterministic id, and the
 * latest status per subscriber that `Check status` reads).
 * - Each sweep lists from the previous sweep's start minus `overlapSeconds` (a change that shows in List a little late,
 *   or a clock a little off, is still seen; ids make the overlap free of duplicates).
 * - The first sweep (no cursor yet) lists the subscribers in a non-final status (`status` filter) and those changed in
 *   the last `initialLookbackSeconds`.
 * - `Check status` trusts a latest-status record while the sweep that confirmed it is at most `maxRecordAgeSeconds`
 *   old; an older one is stale and the check falls back to one Get. It also checks that much sooner next time, so the
 *   detection delay stays within the poll policy's bound.
 * - In AWS, EventBridge runs the sweeper every minute (its shortest rate); one invocation sweeps every
 *   `intervalSeconds` for `invocationSeconds`, under a lease (`leaseSeconds`) so two invocations never sweep at once.
 * - A sweep reads at most `maxPagesPerSweep` pages; a longer backlog keeps the cursor and is read again.
 */
export const STATUS_SWEEP = {
  intervalSeconds: 10,
  overlapSeconds: 5,
  initialLookbackSeconds: 3600,
  maxRecordAgeSeconds: 14,
  /**
   * `Check status` still asks Webex itself (one Get) once the last direct answer (the Provision, a Get) is this old and
   * at least as old as the execution was then: a List never shows a subscriber that was removed, so this Get is what
   * ends an order or a tracking whose subscriber vanished. Doubling gaps: none at all within the first 10 minutes, about
   * 12 over 29 days.
   */
  verifyAfterSeconds: 600,
  invocationSeconds: 55,
  leaseSeconds: 90,
  maxPagesPerSweep: 200,
  /** A page's changes are recorded this many at a time (one write each): a sweep keeps up with bulk runs. */
  recordConcurrency: 25,
  /** How long a latest-status record is kept (DynamoDB TTL): beyond the longest order deadline. */
  recordTtlSeconds: 31 * 24 * 3600,
} as const;

/** Fields of Update that Webex does not let a caller change; sending one is a 400 1002 on that field. */
export const IMMUTABLE_ON_UPDATE = ['email', 'spEnterpriseId', 'provisioningId'] as const;

/** Fields accepted by Update and ignored (the contract documents `language` as accepted and ignored). */
export const IGNORED_ON_UPDATE = ['language'] as const;

/** Webex error codes. No other code is public: invent none. */
export const ERROR_CODES = {
  missingField: 1001,
  invalidValue: 1002,
  userIdInUse: 10022,
} as const;

/** Precheck info codes. Only 100 is public. */
export const INFO_CODES = {
  precheckSuccessful: 100,
} as const;

/**
 * 409 cases decided by this project (CONTRACT.md), with the message both the simulator and the gateway use.
 */
export const CONFLICTS = {
  updateNotProvisioned: 'The subscriber can only be updated when its status is provisioned.',
  consentNotPending: 'A consent email can only be resent while the subscriber is in pending_user_migration.',
  userIdInUse: 'The BroadWorks UserID is already associated with an existing user.',
} as const;

/** Personal fields: never logged, and stored in the audit trail only as keyed digests. */
export const PERSONAL_FIELDS = [
  'userId',
  'firstName',
  'lastName',
  'email',
  'primaryPhoneNumber',
  'mobilePhoneNumber',
  'extension',
  'primaryEmail',
] as const;

export type PersonalField = (typeof PERSONAL_FIELDS)[number];

export function isPersonalField(name: string): name is PersonalField {
  return (PERSONAL_FIELDS as readonly string[]).includes(name);
}

/** Is `zone` an IANA time zone id known to this runtime's ICU? */
export function isIanaTimeZone(zone: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/.test(zone) && zone !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
