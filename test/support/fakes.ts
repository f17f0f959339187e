/**
 * The fakes tests and benches share: the in-memory audit store and Webex behind the domain's ports, and the manual
 * clock. The fakes behave as the real adapters do where a use case can tell (the audit store's conditional put and
 * newest-first pages, Webex's 404 and 409 10022 as `UpstreamError`s) and record what they were asked. The manual clock
 * moves only when told to (`advance`, `set`), and a `sleep` resolves when the clock passes its due time: no test or
 * bench waits on real time.
 */

import type { SubscriberStatus } from '../../functions/domain/contract/fields';
import type { ListQuery } from '../../functions/domain/contract/list-query';
import type { Order } from '../../functions/domain/contract/order';
import type { PrecheckResponse } from '../../functions/domain/contract/responses';
import { ERROR_CODES } from '../../functions/domain/contract/rules';
import type { Subscriber } from '../../functions/domain/contract/subscriber';
import { UpstreamError } from '../../functions/domain/errors';
import type { AuditLookup, AuditPage, AuditQuery, AuditRecord, AuditStore } from '../../functions/domain/ports/audit';
import type { Clock } from '../../functions/domain/ports/clock';
import type { SubscriberPage, WebexResult, WebexSubscribersPort } from '../../functions/domain/ports/webex';
import { canonicalJson, type OrderExecution, type OrderExecutions } from '../../functions/domain/workflow/orders';

/** The order of the audit table's indexes: `${at}#${id}`, read newest first. */
const atIdOf = (record: AuditRecord): string => `${record.at}#${record.id}`;

/**
 * The audit trail in memory. `append` is conditional on the record's id (a second append of the same id is
 * `{ written: false }`), pages are newest first with an opaque cursor, and `failNextAppends(n)` makes the next `n`
 * appends throw as a throttled DynamoDB would.
 */
export class InMemoryAuditStore implements AuditStore, AuditLookup {
  readonly #records = new Map<string, AuditRecord>();
  #failuresLeft = 0;
  /** Every call to `append`, written or not, failed or not. */
  appendCalls = 0;

  constructor(records: readonly AuditRecord[] = []) {
    for (const record of records) this.#records.set(record.id, structuredClone(record));
  }

  /** Every record written, in the order it was appended. */
  get records(): AuditRecord[] {
    return [...this.#records.values()].map((r) => structuredClone(r));
  }

  failNextAppends(count: number): void {
    this.#failuresLeft = count;
  }

  async append(record: AuditRecord): Promise<{ written: boolean }> {
    this.appendCalls += 1;
    if (this.#failuresLeft > 0) {
      this.#failuresLeft -= 1;
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
        name: 'ProvisionedThroughputExceededException',
      });
    }
    if (this.#records.has(record.id)) return { written: false };
    this.#records.set(record.id, structuredClone(record));
    return { written: true };
  }

  async get(id: string): Promise<AuditRecord | undefined> {
    const found = this.#records.get(id);
    return found && structuredClone(found);
  }

  async listBySubscriber(subscriberId: string, query: AuditQuery): Promise<AuditPage> {
    return this.#page((r) => r.subscriberId === subscriberId, query);
  }

  async listByOrder(orderId: string, query: AuditQuery): Promise<AuditPage> {
    return this.#page((r) => r.orderId === orderId, query);
  }

  #page(matches: (record: AuditRecord) => boolean, query: AuditQuery): AuditPage {
    const after = query.cursor === undefined ? undefined : Buffer.from(query.cursor, 'base64url').toString('utf8');
    const older = [...this.#records.values()]
      .filter((r) => matches(r) && (after === undefined || atIdOf(r) < after))
      .sort((a, b) => atIdOf(b).localeCompare(atIdOf(a)));
    const items = older.slice(0, query.max).map((r) => structuredClone(r));
    const last = items.at(-1);
    return older.length > query.max && last
      ? { items, cursor: Buffer.from(atIdOf(last), 'utf8').toString('base64url') }
      : { items };
  }
}

/**
 * The provisioning workflow's executions in memory, behind `OrderExecutions`: as Step Functions, a start with the
 * same name and input as a RUNNING execution answers it, and any other existing name refuses. `starts` lists every
 * start asked for; `raceWith` makes a concurrent caller start that order between a describe and the next start.
 */
export class InMemoryOrderExecutions implements OrderExecutions {
  readonly executions = new Map<string, OrderExecution>();
  readonly starts: string[] = [];
  raceWith: Order | undefined;

  async start(name: string, input: Order): Promise<OrderExecution | undefined> {
    this.starts.push(name);
    if (this.raceWith) {
      this.put(name, this.raceWith);
      this.raceWith = undefined;
    }
    const existing = this.executions.get(name);
    if (existing) {
      return existing.status === 'RUNNING' && canonicalJson(existing.input) === canonicalJson(input)
        ? existing
        : undefined;
    }
    return this.put(name, input);
  }

  async describe(name: string): Promise<OrderExecution | undefined> {
    return this.executions.get(name);
  }

  /** An execution as Step Functions would describe it (RUNNING unless `fields` say otherwise). */
  put(name: string, input: unknown, fields: Partial<OrderExecution> = {}): OrderExecution {
    const execution: OrderExecution = {
      name,
      executionArn: `arn:aws:states:us-east-1:000000000000:execution:ProvisioningWorkflow:${name}`,
      status: 'RUNNING',
      startDate: '2025-01-06T09:00:00.000Z',
      input,
      ...fields,
    };
    this.executions.set(name, execution);
    return execution;
  }
}

type Operation = Exclude<keyof WebexSubscribersPort, 'listAll'>;

export interface FakeWebexCall {
  op: Operation;
  args: unknown[];
}

export interface FakeWebexOptions {
  /** The subscribers Webex holds at the start. */
  subscribers?: readonly Subscriber[];
  /** Timestamps of what changes (default: the system clock). */
  clock?: Pick<Clock, 'now'>;
  /** Answers that replace the in-memory behaviour of an operation (still recorded in `calls`). */
  answers?: Partial<Pick<WebexSubscribersPort, Operation>>;
}

/**
 * Webex in memory, behind the `WebexSubscribersPort`: List with the `status` and `lastStatusChange` filters and
 * paging (`lastStatusChange` strictly after, as Webex and the simulator filter; `max`, then `offset` in the next query), Get (404 when unknown), Provision (409 10022 when the userId exists
 * in the enterprise; a new subscriber is `provisioning`), Update, Remove, Precheck and consent. `set` changes a
 * subscriber's status as Webex would on its own; `calls` lists every call in order.
 */
export class FakeWebex implements WebexSubscribersPort {
  readonly calls: FakeWebexCall[] = [];
  readonly #subscribers = new Map<string, Subscriber>();
  readonly #clock: Pick<Clock, 'now'>;
  readonly #answers: Partial<Pick<WebexSubscribersPort, Operation>>;
  #created = 0;

  constructor(options: FakeWebexOptions = {}) {
    for (const subscriber of options.subscribers ?? [])
      this.#subscribers.set(subscriber.id, structuredClone(subscriber));
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#answers = options.answers ?? {};
  }

  /** The subscriber as Webex holds it now, or undefined. */
  subscriber(id: string): Subscriber | undefined {
    const found = this.#subscribers.get(id);
    return found && structuredClone(found);
  }

  /** Move a subscriber to `status` (as Webex's own provisioning does), creating a minimal one when unknown. */
  set(id: string, status: SubscriberStatus): void {
    const at = new Date(this.#clock.now()).toISOString();
    const existing = this.#subscribers.get(id);
    this.#subscribers.set(id, {
      ...(existing ?? minimalSubscriber(id, at)),
      status,
      lastStatusChange: at,
      ...(status === 'provisioned' ? { personId: existing?.personId ?? `person-${id}` } : {}),
    });
  }

  /** Remove a subscriber as someone else's Remove would (no call is recorded). */
  delete(id: string): void {
    this.#subscribers.delete(id);
  }

  list: WebexSubscribersPort['list'] = async (query, options) => {
    this.calls.push({ op: 'list', args: [query, options] });
    if (this.#answers.list) return this.#answers.list(query, options);
    return { value: this.#list(query) };
  };

  async *listAll(query: ListQuery): AsyncIterable<Subscriber> {
    let next: ListQuery | undefined = query;
    while (next) {
      const page = this.#list(next);
      yield* page.items;
      next = page.nextQuery as ListQuery | undefined;
    }
  }

  get: WebexSubscribersPort['get'] = async (subscriberId, options) => {
    this.calls.push({ op: 'get', args: [subscriberId, options] });
    if (this.#answers.get) return this.#answers.get(subscriberId, options);
    return { value: this.#existing(subscriberId) };
  };

  provision: WebexSubscribersPort['provision'] = async (body, options) => {
    this.calls.push({ op: 'provision', args: [body, options] });
    if (this.#answers.provision) return this.#answers.provision(body, options);
    const taken = [...this.#subscribers.values()].find(
      (s) => s.userId === body.userId && s.spEnterpriseId === body.spEnterpriseId,
    );
    if (taken) {
      throw new UpstreamError('The userId is in use.', {
        status: 409,
        errors: [{ errorCode: ERROR_CODES.userIdInUse, description: `User ${body.userId} exists already.` }],
      });
    }
    this.#created += 1;
    const at = new Date(this.#clock.now()).toISOString();
    const {
      provisioningId,
      userId,
      spEnterpriseId,
      firstName,
      lastName,
      email,
      primaryPhoneNumber,
      mobilePhoneNumber,
      extension,
    } = body;
    const created: Subscriber = {
      ...minimalSubscriber(`FAKE-SUB-${this.#created}`, at),
      provisioningId,
      userId,
      spEnterpriseId,
      firstName,
      lastName,
      package: body.package,
      ...(email === undefined ? {} : { email }),
      ...(primaryPhoneNumber === undefined ? {} : { primaryPhoneNumber }),
      ...(mobilePhoneNumber === undefined ? {} : { mobilePhoneNumber }),
      ...(extension === undefined ? {} : { extension }),
    };
    this.#subscribers.set(created.id, created);
    return { value: structuredClone(created), webexTrackingId: `FAKE_WEBEX_${this.#created}` };
  };

  update: WebexSubscribersPort['update'] = async (subscriberId, body, options) => {
    this.calls.push({ op: 'update', args: [subscriberId, body, options] });
    if (this.#answers.update) return this.#answers.update(subscriberId, body, options);
    const updated: Subscriber = {
      ...this.#existing(subscriberId),
      ...(body as Partial<Subscriber>),
      status: 'updating',
    };
    this.#subscribers.set(subscriberId, updated);
    return { value: structuredClone(updated) };
  };

  remove: WebexSubscribersPort['remove'] = async (subscriberId, options) => {
    this.calls.push({ op: 'remove', args: [subscriberId, options] });
    if (this.#answers.remove) return this.#answers.remove(subscriberId, options);
    this.#existing(subscriberId);
    this.#subscribers.delete(subscriberId);
    return { value: undefined };
  };

  precheck: WebexSubscribersPort['precheck'] = async (body, options): Promise<WebexResult<PrecheckResponse>> => {
    this.calls.push({ op: 'precheck', args: [body, options] });
    if (this.#answers.precheck) return this.#answers.precheck(body, options);
    return { value: { message: 'success', info: [{ infoCode: 100, description: 'Precheck successful.' }] } };
  };

  consentMove: WebexSubscribersPort['consentMove'] = async (subscriberId, options) => {
    this.calls.push({ op: 'consentMove', args: [subscriberId, options] });
    if (this.#answers.consentMove) return this.#answers.consentMove(subscriberId, options);
    this.#existing(subscriberId);
    return { value: undefined };
  };

  #existing(subscriberId: string): Subscriber {
    const found = this.#subscribers.get(subscriberId);
    if (!found) throw new UpstreamError(`Subscriber ${subscriberId} not found.`, { status: 404 });
    return structuredClone(found);
  }

  #list(query: ListQuery): SubscriberPage {
    const since = query.lastStatusChange === undefined ? undefined : epochOf(query.lastStatusChange);
    const statuses = query.status?.split(',');
    const matching = [...this.#subscribers.values()]
      .filter(
        (s) =>
          (since === undefined || Date.parse(s.lastStatusChange) > since) &&
          (statuses === undefined || statuses.includes(s.status)),
      )
      .sort((a, b) => a.lastStatusChange.localeCompare(b.lastStatusChange) || a.id.localeCompare(b.id));
    const offset = Number((query as Record<string, unknown>).offset ?? 0);
    const max = Number(query.max ?? 50);
    const items = matching.slice(offset, offset + max).map((s) => structuredClone(s));
    return offset + max < matching.length
      ? { items, nextQuery: { ...(query as Record<string, string>), offset: String(offset + max) } }
      : { items };
  }
}

/** Epoch ms of a list filter given as epoch ms or ISO 8601. */
function epochOf(value: string): number {
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

function minimalSubscriber(id: string, at: string): Subscriber {
  return {
    id,
    provisioningId: 'fake-provisioning',
    userId: `${id.toLowerCase()}@sp.example.com`,
    spEnterpriseId: 'fake-enterprise',
    firstName: 'Fake',
    lastName: 'Subscriber',
    language: 'en',
    package: 'basic',
    status: 'provisioning',
    created: at,
    lastStatusChange: at,
    selfActivated: false,
  };
}

// ---- the manual clock ----

/**
 * A controllable clock: time only moves when `advance` (or `set`) is called, and `sleep` resolves when the clock is
 * moved past the sleeper's due time. It implements the domain `Clock` port; the simulator's control API can advance it.
 */
export interface ManualClock extends Clock {
  /** Move time forward by `ms` (>= 0) and wake every sleeper that is now due, earliest first. */
  advance(ms: number): void;
  /** Jump to `epochMs` (never backwards) and wake every sleeper that is now due. */
  set(epochMs: number): void;
  /** How many `sleep` calls are still waiting. */
  pendingSleeps(): number;
  /** Epoch ms at which the next sleeper is due, or undefined when nobody sleeps. */
  nextWakeAt(): number | undefined;
  /**
   * Resolves once at least `count` sleepers are waiting (default 1). Lets a test wait until the code under test went to
   * sleep before it advances the clock, without polling on real time.
   */
  whenSleeping(count?: number): Promise<void>;
  /** Advance to the next sleeper's due time, if any; returns whether someone was woken. */
  advanceToNext(): boolean;
}

interface Sleeper {
  due: number;
  seq: number;
  resolve: () => void;
}

interface Watcher {
  count: number;
  resolve: () => void;
}

export function createManualClock(startMs: number = Date.UTC(2025, 0, 1)): ManualClock {
  if (!Number.isFinite(startMs)) throw new TypeError('startMs must be a finite number of epoch milliseconds');
  let now = startMs;
  let seq = 0;
  let sleepers: Sleeper[] = [];
  let watchers: Watcher[] = [];

  const notifyWatchers = () => {
    const ready = watchers.filter((w) => sleepers.length >= w.count);
    if (ready.length === 0) return;
    watchers = watchers.filter((w) => sleepers.length < w.count);
    for (const w of ready) w.resolve();
  };

  const wakeDue = () => {
    const due = sleepers.filter((s) => s.due <= now).sort((a, b) => a.due - b.due || a.seq - b.seq);
    if (due.length === 0) return;
    sleepers = sleepers.filter((s) => s.due > now);
    for (const s of due) s.resolve();
  };

  const moveTo = (target: number) => {
    if (!Number.isFinite(target)) throw new TypeError('time must be a finite number');
    if (target < now) throw new RangeError('a manual clock never goes backwards');
    now = target;
    wakeDue();
  };

  return {
    now: () => now,
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const wait = Number.isFinite(ms) && ms > 0 ? ms : 0;
      if (wait === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const sleeper: Sleeper = {
          due: now + wait,
          seq: seq++,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          sleepers = sleepers.filter((s) => s !== sleeper);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        sleepers.push(sleeper);
        notifyWatchers();
      });
    },
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance(ms) needs a finite ms >= 0');
      moveTo(now + ms);
    },
    set(epochMs: number) {
      moveTo(epochMs);
    },
    pendingSleeps: () => sleepers.length,
    nextWakeAt: () => (sleepers.length === 0 ? undefined : Math.min(...sleepers.map((s) => s.due))),
    whenSleeping(count = 1): Promise<void> {
      if (sleepers.length >= count) return Promise.resolve();
      return new Promise<void>((resolve) => {
        watchers.push({ count, resolve });
      });
    },
    advanceToNext(): boolean {
      const next = sleepers.length === 0 ? undefined : Math.min(...sleepers.map((s) => s.due));
      if (next === undefined) return false;
      moveTo(Math.max(now, next));
      return true;
    },
  };
}
