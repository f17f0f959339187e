/**
 * The lifecycle of one simulated subscriber: what the store keeps of it, the background work an operation leaves due
 * (provisioning, update), settling that work at the moment it was due (background failures included), and the strict
 * `Subscriber` Webex shows for it.
 *
 * Status transitions are evaluated lazily from timestamps on the injected clock: background work records when it is
 * due, and every read first "settles" the subscriber, applying each transition at the moment it was due. No timers, so a
 * manual clock makes the whole lifecycle deterministic.
 */
import { randomUUID } from 'node:crypto';
import { compact, type Package, type SubscriberStatus } from '../../functions/domain/contract/fields';
import { CONFLICTS, ERROR_CODES, RULES } from '../../functions/domain/contract/rules';
import type { BackgroundError, Subscriber } from '../../functions/domain/contract/subscriber';
import { type CustomerTemplate, FAILING_USER_ID_PREFIX, isExistingWebexUser } from './seed';

/** The values a subscriber carries (what Provision set and Update changed). */
export interface SubscriberValues {
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
export type UpdateChanges = Partial<
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

export interface StoredSubscriber {
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

export const SIMULATED_FAILURE_DESCRIPTION =
  'Simulated background failure: the BroadWorks userId starts with "fail-" (Webex simulator).';

/** A new Webex id of `kind` (base64url of a `ciscospark://` URI, as Webex makes them). */
export function ciscoId(kind: 'SUBSCRIBER' | 'PEOPLE'): string {
  return Buffer.from(`ciscospark://us/${kind}/${randomUUID()}`).toString('base64url');
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Apply every transition that was due by `now`, each at the moment it was due. */
export function settle(stored: StoredSubscriber, now: number, templates: readonly CustomerTemplate[]): void {
  while (stored.work && stored.work.dueMs <= now) {
    const work = stored.work;
    stored.work = undefined;
    stored.lastStatusChangeMs = work.dueMs;
    if (work.kind === 'provision') completeProvisioning(stored, work.duplicateUserId, templates);
    else completeUpdate(stored, work.changes, work.duplicateUserId);
  }
}

function completeProvisioning(
  stored: StoredSubscriber,
  duplicateUserId: boolean,
  templates: readonly CustomerTemplate[],
): void {
  const { values } = stored;
  const failure = backgroundFailure(values.userId, duplicateUserId);
  if (failure) {
    stored.status = 'error';
    stored.errors = [failure];
    return;
  }
  stored.errors = undefined;
  const template = templates.find((t) => t.provisioningId === values.provisioningId);
  if (!values.email) stored.status = 'pending_email_input';
  else if (template && !template.trustsEmail && !stored.emailValidated) stored.status = 'pending_email_validation';
  else if (isExistingWebexUser(values.email) && !stored.consented) stored.status = 'pending_user_migration';
  else {
    stored.status = 'provisioned';
    stored.personId ??= ciscoId('PEOPLE');
  }
}

function completeUpdate(stored: StoredSubscriber, changes: UpdateChanges, duplicateUserId: boolean): void {
  const failure = backgroundFailure(changes.userId ?? stored.values.userId, duplicateUserId);
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

function backgroundFailure(userId: string, duplicateUserId: boolean): BackgroundError | undefined {
  if (userId.startsWith(FAILING_USER_ID_PREFIX)) {
    return { errorCode: ERROR_CODES.invalidValue, description: SIMULATED_FAILURE_DESCRIPTION };
  }
  if (duplicateUserId) return { errorCode: ERROR_CODES.userIdInUse, description: CONFLICTS.userIdInUse };
  return undefined;
}

/** The strict `Subscriber` as Webex shows it. */
export function viewOf(stored: StoredSubscriber): Subscriber {
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
