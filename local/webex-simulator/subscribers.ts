/**
 * The simulated Webex subscriber store and its lifecycle.
 *
 * Status transitions are evaluated lazily from timestamps on the injected clock: background work records when it is
 * due, and every read first "settles" the subscriber, applying each transition at the moment it was due. No timers, so a
 * manual clock makes the whole lifecycle deterministic.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import {
  compact,
  EmailSchema,
  type Package,
  STATUSES,
  type SubscriberStatus,
} from '../../functions/domain/contract/fields';
import { ListQuerySchema, parseEpochOrIso } from '../../functions/domain/contract/list-query';
import { PrecheckRequestSchema } from '../../functions/domain/contract/precheck-request';
import { ProvisionRequestSchema } from '../../functions/domain/contract/provision-request';
import type { PrecheckResponse } from '../../functions/domain/contract/responses';
import { CONFLICTS, ERROR_CODES, INFO_CODES, RULES } from '../../functions/domain/contract/rules';
import type { BackgroundError, Subscriber } from '../../functions/domain/contract/subscriber';
import { UpdateRequestSchema } from '../../functions/domain/contract/update-request';
import { parseOrThrow } from '../../functions/domain/contract/validation';
import { ConflictError, NotFoundError, ValidationError } from '../../functions/domain/errors';
import type { Clock } from '../../functions/domain/ports/clock';
import { type CustomerTemplate, FAILING_USER_ID_PREFIX, isExistingWebexUser, SEEDED_TEMPLATES } from './seed';
import type { PersonAction, SimulatorConfig } from './types';

/** The values a subscriber carries (what Provision set and Update changed). */
interface SubscriberValues {
  provisioningId: string;
  userId: string;
  spEnterpriseId: string;
  firstName: string;
  lastName: string;
  package: Package;
  email?: string;
  primaryPhoneNumber?: string;
  mobilePhoneNumber?: string;
  extension?: string;
  language?: string;
  timezone?: string;
}

/** Changes of an accepted Update, applied when the update completes. An empty string removes the field. */
type UpdateChanges = Partial<
  Pick<
    SubscriberValues,
    | 'userId'
    | 'firstName'
    | 'lastName'
    | 'primaryPhoneNumber'
    | 'mobilePhoneNumber'
    | 'extension'
    | 'timezone'
    | 'package'
  >
>;

type BackgroundWork =
  | { kind: 'provision'; dueMs: number; duplicateUserId: boolean }
  | { kind: 'update'; dueMs: number; duplicateUserId: boolean; changes: UpdateChanges };

interface StoredSubscriber {
  seq: number;
  id: string;
  createdMs: number;
  values: SubscriberValues;
  personId?: string;
  status: SubscriberStatus;
  lastStatusChangeMs: number;
  errors?: BackgroundError[];
  work?: BackgroundWork;
  emailValidated: boolean;
  consented: boolean;
}

export const PRECHECK_SUCCESS: PrecheckResponse = {
  message: 'success',
  info: [{ infoCode: INFO_CODES.precheckSuccessful, description: 'Provisioning preCheck validation successful.' }],
};

export const SIMULATED_FAILURE_DESCRIPTION =
  'Simulated background failure: the BroadWorks userId starts with "fail-" (Webex simulator).';

/** Largest number of list cursors remembered; the oldest are forgotten first. */
const MAX_CURSORS = 10_000;

function ciscoId(kind: 'SUBSCRIBER' | 'PEOPLE'): string {
  return Buffer.from(`ciscospark://us/${kind}/${randomUUID()}`).toString('base64url');
}

const iso = (ms: number) => new Date(ms).toISOString();

const userIdInUse = () =>
  new ConflictError('The request conflicts with an existing subscriber.', [
    { errorCode: ERROR_CODES.userIdInUse, description: CONFLICTS.userIdInUse },
  ]);

const invalid = (fieldName: string, description: string) =>
  new ValidationError('The request is invalid.', [{ description, errorCode: ERROR_CODES.invalidValue, fieldName }]);

const PersonActionSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('enterEmail'), email: EmailSchema }),
    z.object({ action: z.literal('validateEmail') }),
    z.object({ action: z.literal('consent') }),
  ],
  { error: 'must be one of enterEmail (with email), validateEmail, consent' },
);

const ACTION_STATUS: Record<PersonAction['action'], SubscriberStatus> = {
  enterEmail: 'pending_email_input',
  validateEmail: 'pending_email_validation',
  consent: 'pending_user_migration',
};

/** What the store holds, as JSON (the local runtime keeps it across restarts: `Simulator` `stateFile`). */
export interface SubscriberStoreSnapshot {
  version: 1;
  seq: number;
  subscribers: StoredSubscriber[];
  consentResends: Record<string, number>;
  consentResendTotal: number;
}

export interface ListResult {
  items: Subscriber[];
  /** Opaque cursor for the next page; absent on the last page. */
  nextCursor?: string;
  max: number;
}

export class SubscriberStore {
  private readonly subscribers = new Map<string, StoredSubscriber>();
  private readonly cursors = new Map<string, { createdMs: number; seq: number }>();
  private readonly consentResends = new Map<string, number>();
  private consentResendTotal = 0;
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly config: () => SimulatorConfig,
    readonly templates: readonly CustomerTemplate[] = SEEDED_TEMPLATES,
  ) {}

  reset(): void {
    this.subscribers.clear();
    this.cursors.clear();
    this.consentResends.clear();
    this.consentResendTotal = 0;
  }

  /** Every subscriber as stored (list cursors are not kept: a client lists again). */
  snapshot(): SubscriberStoreSnapshot {
    return {
      version: 1,
      seq: this.seq,
      subscribers: structuredClone([...this.subscribers.values()]),
      consentResends: Object.fromEntries(this.consentResends),
      consentResendTotal: this.consentResendTotal,
    };
  }

  /** Replace what the store holds with a snapshot (an unknown version is refused). */
  restore(snapshot: SubscriberStoreSnapshot): void {
    if (snapshot?.version !== 1 || !Array.isArray(snapshot.subscribers)) {
      throw new Error('not a simulator state of version 1');
    }
    this.reset();
    for (const stored of snapshot.subscribers) this.subscribers.set(stored.id, structuredClone(stored));
    for (const [id, count] of Object.entries(snapshot.consentResends ?? {})) this.consentResends.set(id, count);
    this.consentResendTotal = snapshot.consentResendTotal ?? 0;
    this.seq = Math.max(snapshot.seq ?? 0, ...snapshot.subscribers.map((stored) => stored.seq + 1));
  }

  // -------------------------------------------------------------------------------------------------------------
  // The seven operations
  // -------------------------------------------------------------------------------------------------------------

  provision(body: unknown): Subscriber {
    const request = parseOrThrow(ProvisionRequestSchema, body);
    this.requireTemplate(request.provisioningId);
    const duplicate = this.userIdTaken(request.userId);
    if (duplicate && this.config().duplicateUserIdMode === '409') throw userIdInUse();
    const now = this.clock.now();
    const stored: StoredSubscriber = {
      seq: this.seq++,
      id: ciscoId('SUBSCRIBER'),
      createdMs: now,
      values: compact({
        provisioningId: request.provisioningId,
        userId: request.userId,
        spEnterpriseId: request.spEnterpriseId,
        firstName: request.firstName,
        lastName: request.lastName,
        package: request.package,
        email: request.email,
        primaryPhoneNumber: request.primaryPhoneNumber,
        mobilePhoneNumber: request.mobilePhoneNumber,
        extension: request.extension,
        language: request.language,
        timezone: request.timezone,
      }),
      status: 'provisioning',
      lastStatusChangeMs: now,
      work: { kind: 'provision', dueMs: now + this.config().provisioningDelayMs, duplicateUserId: duplicate },
      emailValidated: false,
      consented: false,
    };
    this.subscribers.set(stored.id, stored);
    return this.view(stored);
  }

  get(id: string): Subscriber {
    return this.view(this.find(id));
  }

  update(id: string, body: unknown): Subscriber {
    const stored = this.find(id);
    const request = parseOrThrow(UpdateRequestSchema, body);
    if (stored.status !== 'provisioned') {
      throw new ConflictError('The request conflicts with the current state of the subscriber.', [
        { description: CONFLICTS.updateNotProvisioned },
      ]);
    }
    const changes: UpdateChanges = compact({
      userId: request.userId,
      firstName: request.firstName,
      lastName: request.lastName,
      primaryPhoneNumber: request.primaryPhoneNumber,
      mobilePhoneNumber: request.mobilePhoneNumber,
      extension: request.extension,
      timezone: request.timezone,
      package: request.package,
    });
    const after = (field: 'primaryPhoneNumber' | 'extension') =>
      changes[field] !== undefined ? changes[field] : stored.values[field];
    if (changes.primaryPhoneNumber === '' && !after('extension')) {
      throw invalid('primaryPhoneNumber', 'primaryPhoneNumber can only be removed while extension is set');
    }
    if (changes.extension === '' && !after('primaryPhoneNumber')) {
      throw invalid('extension', 'extension can only be removed while primaryPhoneNumber is set');
    }
    let duplicate = false;
    if (changes.userId !== undefined && changes.userId !== stored.values.userId) {
      duplicate = this.userIdTaken(changes.userId, stored.id);
      if (duplicate && this.config().duplicateUserIdMode === '409') throw userIdInUse();
    }
    const now = this.clock.now();
    stored.status = 'updating';
    stored.lastStatusChangeMs = now;
    stored.work = { kind: 'update', dueMs: now + this.config().updateDelayMs, duplicateUserId: duplicate, changes };
    return this.view(stored);
  }

  remove(id: string): void {
    const stored = this.find(id);
    this.subscribers.delete(stored.id);
  }

  precheck(body: unknown): PrecheckResponse {
    const request = parseOrThrow(PrecheckRequestSchema, body);
    if (request.provisioningId !== undefined) this.requireTemplate(request.provisioningId);
    if (request.userId !== undefined && this.userIdTaken(request.userId)) throw userIdInUse();
    return structuredClone(PRECHECK_SUCCESS);
  }

  consentMove(id: string): void {
    const stored = this.find(id);
    if (stored.status !== 'pending_user_migration') {
      throw new ConflictError('The request conflicts with the current state of the subscriber.', [
        { description: CONFLICTS.consentNotPending },
      ]);
    }
    this.consentResends.set(stored.id, (this.consentResends.get(stored.id) ?? 0) + 1);
    this.consentResendTotal++;
  }

  /**
   * One page of subscribers. `query` holds the query parameters (each at most once); `cursor` is the opaque position
   * handed out in a previous page's Link.
   */
  list(query: Record<string, string>): ListResult {
    const parsed = parseOrThrow(ListQuerySchema, query);
    const max = parsed.max === undefined ? RULES.listDefaultMax : Number(parsed.max);
    const cursorValue = query.cursor;
    let position: { createdMs: number; seq: number } | undefined;
    if (cursorValue !== undefined) {
      position = this.cursors.get(cursorValue);
      if (!position) throw invalid('cursor', 'cursor is unknown or expired: start again from the first page');
    }
    const statuses = parsed.status?.split(',');
    const changedAfter = parsed.lastStatusChange === undefined ? undefined : parseEpochOrIso(parsed.lastStatusChange);
    const createdAfter = parsed.after === undefined ? undefined : parseEpochOrIso(parsed.after);
    const email = parsed.email?.toLowerCase();
    const matches = this.settledAll()
      .filter(
        (s) =>
          (parsed.userId === undefined || s.values.userId === parsed.userId) &&
          (parsed.personId === undefined || s.personId === parsed.personId) &&
          (email === undefined || s.values.email?.toLowerCase() === email) &&
          (parsed.provisioningId === undefined || s.values.provisioningId === parsed.provisioningId) &&
          (parsed.spEnterpriseId === undefined || s.values.spEnterpriseId === parsed.spEnterpriseId) &&
          (statuses === undefined || statuses.includes(s.status)) &&
          (changedAfter === undefined || s.lastStatusChangeMs > changedAfter) &&
          (createdAfter === undefined || s.createdMs > createdAfter) &&
          // Every subscriber of the simulator is provisioned through the API: none is self activated.
          parsed.selfActivated !== 'true' &&
          (position === undefined ||
            s.createdMs > position.createdMs ||
            (s.createdMs === position.createdMs && s.seq > position.seq)),
      )
      .sort((a, b) => a.createdMs - b.createdMs || a.seq - b.seq);
    const page = matches.slice(0, max);
    const last = page[page.length - 1];
    const result: ListResult = { items: page.map((s) => this.view(s)), max };
    if (matches.length > max && last) result.nextCursor = this.issueCursor(last);
    return result;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Person actions (what the subscriber does in their inbox or the Webex sign-up page)
  // -------------------------------------------------------------------------------------------------------------

  personAction(id: string, input: unknown): Subscriber {
    const stored = this.find(id);
    const action = parseOrThrow(PersonActionSchema, input, 'person action') as PersonAction;
    const expected = ACTION_STATUS[action.action];
    if (stored.status !== expected) {
      const description = `${action.action} is only possible while the subscriber is in ${expected} (it is ${stored.status}).`;
      throw new ConflictError(description, [{ description }]);
    }
    if (action.action === 'enterEmail') stored.values.email = action.email;
    if (action.action === 'validateEmail') stored.emailValidated = true;
    if (action.action === 'consent') stored.consented = true;
    const now = this.clock.now();
    stored.status = 'provisioning';
    stored.lastStatusChangeMs = now;
    stored.work = { kind: 'provision', dueMs: now + this.config().provisioningDelayMs, duplicateUserId: false };
    return this.view(stored);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Statistics
  // -------------------------------------------------------------------------------------------------------------

  countsByStatus(): { total: number; byStatus: Record<SubscriberStatus, number> } {
    const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<SubscriberStatus, number>;
    const all = this.settledAll();
    for (const s of all) byStatus[s.status]++;
    return { total: all.length, byStatus };
  }

  consentResendCounts(): { total: number; bySubscriber: Record<string, number> } {
    return { total: this.consentResendTotal, bySubscriber: Object.fromEntries(this.consentResends) };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Internals
  // -------------------------------------------------------------------------------------------------------------

  private find(id: string): StoredSubscriber {
    const stored = this.subscribers.get(id);
    if (!stored) {
      throw new NotFoundError('The requested resource could not be found.', [
        { description: 'No subscriber with this id exists.' },
      ]);
    }
    this.settle(stored);
    return stored;
  }

  private settledAll(): StoredSubscriber[] {
    const all = [...this.subscribers.values()];
    for (const s of all) this.settle(s);
    return all;
  }

  private requireTemplate(provisioningId: string): CustomerTemplate {
    const template = this.templates.find((t) => t.provisioningId === provisioningId);
    if (!template) throw invalid('provisioningId', 'provisioningId does not name a customer template of this partner');
    return template;
  }

  /** Does another subscriber hold `userId`, now or once its pending update completes? */
  private userIdTaken(userId: string, exceptId?: string): boolean {
    for (const s of this.subscribers.values()) {
      if (s.id === exceptId) continue;
      if (s.values.userId === userId) return true;
      if (s.work?.kind === 'update' && s.work.changes.userId === userId) return true;
    }
    return false;
  }

  /** Apply every transition that was due by now, each at the moment it was due. */
  private settle(stored: StoredSubscriber): void {
    const now = this.clock.now();
    while (stored.work && stored.work.dueMs <= now) {
      const work = stored.work;
      stored.work = undefined;
      stored.lastStatusChangeMs = work.dueMs;
      if (work.kind === 'provision') this.completeProvisioning(stored, work.duplicateUserId);
      else this.completeUpdate(stored, work.changes, work.duplicateUserId);
    }
  }

  private completeProvisioning(stored: StoredSubscriber, duplicateUserId: boolean): void {
    const { values } = stored;
    const failure = this.backgroundFailure(values.userId, duplicateUserId);
    if (failure) {
      stored.status = 'error';
      stored.errors = [failure];
      return;
    }
    stored.errors = undefined;
    const template = this.templates.find((t) => t.provisioningId === values.provisioningId);
    if (!values.email) stored.status = 'pending_email_input';
    else if (template && !template.trustsEmail && !stored.emailValidated) stored.status = 'pending_email_validation';
    else if (isExistingWebexUser(values.email) && !stored.consented) stored.status = 'pending_user_migration';
    else {
      stored.status = 'provisioned';
      stored.personId ??= ciscoId('PEOPLE');
    }
  }

  private completeUpdate(stored: StoredSubscriber, changes: UpdateChanges, duplicateUserId: boolean): void {
    const failure = this.backgroundFailure(changes.userId ?? stored.values.userId, duplicateUserId);
    if (failure) {
      stored.status = 'error';
      stored.errors = [failure];
      return;
    }
    const values = stored.values as unknown as Record<string, string | undefined>;
    for (const [field, value] of Object.entries(changes)) {
      if (value === '') delete values[field];
      else values[field] = value;
    }
    stored.status = 'provisioned';
    stored.errors = undefined;
  }

  private backgroundFailure(userId: string, duplicateUserId: boolean): BackgroundError | undefined {
    if (userId.startsWith(FAILING_USER_ID_PREFIX)) {
      return { errorCode: ERROR_CODES.invalidValue, description: SIMULATED_FAILURE_DESCRIPTION };
    }
    if (duplicateUserId) return { errorCode: ERROR_CODES.userIdInUse, description: CONFLICTS.userIdInUse };
    return undefined;
  }

  private issueCursor(last: StoredSubscriber): string {
    const cursor = randomUUID().replaceAll('-', '');
    this.cursors.set(cursor, { createdMs: last.createdMs, seq: last.seq });
    while (this.cursors.size > MAX_CURSORS) {
      const oldest = this.cursors.keys().next().value;
      if (oldest === undefined) break;
      this.cursors.delete(oldest);
    }
    return cursor;
  }

  /** The strict `Subscriber` as Webex shows it. */
  private view(stored: StoredSubscriber): Subscriber {
    const { values } = stored;
    return compact({
      id: stored.id,
      // Once a person exists it keeps its personId, while `updating` too (the Update page's example; CONTRACT.md).
      personId: stored.personId,
      userId: values.userId,
      spEnterpriseId: values.spEnterpriseId,
      firstName: values.firstName,
      lastName: values.lastName,
      email: values.email,
      primaryPhoneNumber: values.primaryPhoneNumber,
      mobilePhoneNumber: values.mobilePhoneNumber,
      language: RULES.fixedLanguage,
      extension: values.extension,
      package: values.package,
      status: stored.status,
      errors: stored.errors && stored.errors.length > 0 ? stored.errors.map((e) => ({ ...e })) : undefined,
      created: iso(stored.createdMs),
      lastStatusChange: iso(stored.lastStatusChangeMs),
      provisioningId: values.provisioningId,
      selfActivated: false,
    });
  }
}
