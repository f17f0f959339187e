/**
 * The simulated Webex subscriber store: holds the subscribers, answers the Subscribers operations (validating each
 * request and refusing conflicts), the person actions and the statistics, and saves and restores its content. Each
 * subscriber's lifecycle (background work settled lazily on the injected clock) is in `subscriber-lifecycle.ts`; the
 * List operation's filtering and paging in `subscriber-list.ts`.
 */
import * as z from 'zod';
import { compact, EmailSchema, STATUSES, type SubscriberStatus } from '../../functions/domain/contract/fields';
import { PrecheckRequestSchema } from '../../functions/domain/contract/precheck-request';
import { ProvisionRequestSchema } from '../../functions/domain/contract/provision-request';
import type { PrecheckResponse } from '../../functions/domain/contract/responses';
import { CONFLICTS, ERROR_CODES, INFO_CODES } from '../../functions/domain/contract/rules';
import type { Subscriber } from '../../functions/domain/contract/subscriber';
import { UpdateRequestSchema } from '../../functions/domain/contract/update-request';
import { parseOrThrow } from '../../functions/domain/contract/validation';
import { ConflictError, NotFoundError, ValidationError } from '../../functions/domain/errors';
import type { Clock } from '../../functions/domain/ports/clock';
import { type CustomerTemplate, SEEDED_TEMPLATES } from './seed';
import { ciscoId, type StoredSubscriber, settle, type UpdateChanges, viewOf } from './subscriber-lifecycle';
import { ListCursors, type ListResult, listPage } from './subscriber-list';
import type { PersonAction, SimulatorConfig } from './types';

export { SIMULATED_FAILURE_DESCRIPTION } from './subscriber-lifecycle';
export type { ListResult } from './subscriber-list';

export const PRECHECK_SUCCESS: PrecheckResponse = {
  message: 'success',
  info: [{ infoCode: INFO_CODES.precheckSuccessful, description: 'Provisioning preCheck validation successful.' }],
};

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

export class SubscriberStore {
  private readonly subscribers = new Map<string, StoredSubscriber>();
  private readonly cursors = new ListCursors();
  private readonly consentResends = new Map<string, number>();
  /**
   * Who may hold a userId: every subscriber provisioned with it or updating to it. Entries are candidates, checked
   * against the subscriber as it is now, so one left behind by a completed update or a removal is harmless; without
   * it, every Precheck and Provision scanned all subscribers (quadratic in a bulk run).
   */
  private readonly userIdHolders = new Map<string, Set<string>>();
  private consentResendTotal = 0;
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly config: () => SimulatorConfig,
    readonly templates: readonly CustomerTemplate[] = SEEDED_TEMPLATES,
  ) {}

  reset(): void {
    this.subscribers.clear();
    this.userIdHolders.clear();
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
    for (const stored of snapshot.subscribers) {
      this.subscribers.set(stored.id, structuredClone(stored));
      this.noteHolder(stored.values.userId, stored.id);
      if (stored.work?.kind === 'update') this.noteHolder(stored.work.changes.userId, stored.id);
    }
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
    this.noteHolder(stored.values.userId, stored.id);
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
    this.noteHolder(changes.userId, stored.id);
    return this.view(stored);
  }

  remove(id: string): void {
    const stored = this.find(id);
    this.subscribers.delete(stored.id);
    this.userIdHolders.get(stored.values.userId)?.delete(stored.id);
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
    return listPage(
      () => this.settledAll(),
      query,
      this.cursors,
      (stored) => this.view(stored),
    );
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
    for (const id of this.userIdHolders.get(userId) ?? []) {
      const s = this.subscribers.get(id);
      if (!s || s.id === exceptId) continue;
      this.settle(s); // an update that has completed by now no longer holds its old userId
      if (s.values.userId === userId) return true;
      if (s.work?.kind === 'update' && s.work.changes.userId === userId) return true;
    }
    return false;
  }

  private noteHolder(userId: string | undefined, id: string): void {
    if (userId === undefined) return;
    const holders = this.userIdHolders.get(userId);
    if (holders) holders.add(id);
    else this.userIdHolders.set(userId, new Set([id]));
  }

  /** Apply every transition that was due by now, each at the moment it was due. */
  private settle(stored: StoredSubscriber): void {
    settle(stored, this.clock.now(), this.templates);
  }

  /** The strict `Subscriber` as Webex shows it. */
  private view(stored: StoredSubscriber): Subscriber {
    return viewOf(stored);
  }
}
