/**
 * The status poller's decision for one poll message (`pollStatusTurn`): hold, again, resume or fail, with in-memory
 * ports — a Webex port that answers Get as the HTTP adapter does (a subscriber, or the adapter's typed errors), an
 * audit store in a Map and a fixed clock.
 */
import { describe, expect, it } from 'vitest';
import type { SubscriberStatus } from '../../functions/domain/contract/fields';
import type { Subscriber } from '../../functions/domain/contract/subscriber';
import { NotFoundError, UpstreamThrottledError, UpstreamUnavailableError } from '../../functions/domain/errors';
import type { AuditPage, AuditQuery, AuditRecord, AuditStore, FieldDigester } from '../../functions/domain/ports/audit';
import type { Clock } from '../../functions/domain/ports/clock';
import type { WebexCallOptions, WebexResult, WebexSubscribersPort } from '../../functions/domain/ports/webex';
import type { WorkflowState } from '../../functions/domain/workflow/state';
import { WORKFLOW_LIMITS } from '../../functions/domain/workflow/state';
import { type PollTurn, pollStatusTurn } from '../../functions/domain/workflow/status-poll';
import type { WorkflowDeps } from '../../functions/domain/workflow/steps';

// ---- in-memory fakes of the ports (test-only) ----

class MemoryAuditStore implements AuditStore {
  readonly records = new Map<string, AuditRecord>();
  failing = false;
  async append(record: AuditRecord): Promise<{ written: boolean }> {
    if (this.failing) throw new Error('ProvisionedThroughputExceededException');
    if (this.records.has(record.id)) return { written: false };
    this.records.set(record.id, structuredClone(record));
    return { written: true };
  }
  async listBySubscriber(subscriberId: string, query: AuditQuery): Promise<AuditPage> {
    const items = [...this.records.values()].filter((r) => r.subscriberId === subscriberId);
    return { items: items.slice(0, query.max) };
  }
  async listByOrder(orderId: string, query: AuditQuery): Promise<AuditPage> {
    const items = [...this.records.values()].filter((r) => r.orderId === orderId);
    return { items: items.slice(0, query.max) };
  }
}

const digester: FieldDigester = { digest: (value) => `hmac-sha256:${value.length.toString(16).padStart(16, '0')}` };

function fixedClock(now: number): Clock {
  return { now: () => now, sleep: async () => undefined };
}

/** What the fake Webex answers to Get: a subscriber, or a thrown error (as the HTTP adapter throws them). */
type GetAnswer = { subscriber: Subscriber } | { error: Error };

function fakeWebex(answer: GetAnswer): {
  webex: WebexSubscribersPort;
  gets: Array<{ id: string; trackingId: string }>;
} {
  const gets: Array<{ id: string; trackingId: string }> = [];
  const unused = (): never => {
    throw new Error('not used by a status poll');
  };
  const webex: WebexSubscribersPort = {
    list: async () => unused(),
    listAll: () => unused(),
    provision: async () => unused(),
    update: async () => unused(),
    remove: async () => unused(),
    precheck: async () => unused(),
    consentMove: async () => unused(),
    get: async (id: string, options: WebexCallOptions): Promise<WebexResult<Subscriber>> => {
      gets.push({ id, trackingId: options.trackingId });
      if ('error' in answer) throw answer.error;
      return { value: answer.subscriber, webexTrackingId: 'WEBEX_GET_1' };
    },
  };
  return { webex, gets };
}

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const SINCE = iso(NOW - 60_000);

function aSubscriber(status: SubscriberStatus, overrides: Partial<Subscriber> = {}): Subscriber {
  return {
    id: 'SUB1',
    userId: 'ada@sp.example.com',
    spEnterpriseId: 'SP1+acme',
    language: 'en',
    package: 'standard',
    status,
    created: SINCE,
    lastStatusChange: SINCE,
    provisioningId: 'prov-1',
    selfActivated: false,
    ...overrides,
  };
}

/** A tracking execution waiting in `Await status` for SUB1, in `provisioning` since SINCE, deadline in one day. */
function aWaitingState(overrides: Partial<WorkflowState> = {}): WorkflowState {
  return {
    kind: 'tracking',
    ref: 'track-poll-1',
    startedAt: SINCE,
    deadlineAt: iso(NOW + 24 * 3600 * 1000),
    subscriberId: 'SUB1',
    lastStatus: 'provisioning',
    lastStatusChange: SINCE,
    phase: { status: 'provisioning', since: SINCE },
    checks: 3,
    route: 'poll',
    throttled: false,
    waitSeconds: 15,
    delaySeconds: 15,
    holdSeconds: 0,
    ...overrides,
  };
}

function setup(answer: GetAnswer, now = NOW) {
  const audit = new MemoryAuditStore();
  const { webex, gets } = fakeWebex(answer);
  const deps: WorkflowDeps = { webex, audit, digester, clock: fixedClock(now) };
  return { deps, audit, gets };
}

function expectKind<K extends PollTurn['kind']>(turn: PollTurn, kind: K): Extract<PollTurn, { kind: K }> {
  expect(turn.kind).toBe(kind);
  return turn as Extract<PollTurn, { kind: K }>;
}

describe('pollStatusTurn: hold (the check is not due yet)', () => {
  it('holds a wait longer than one queue delay for a full hop, without calling Webex or writing audit', async () => {
    // Prepare
    const { deps, audit, gets } = setup({ subscriber: aSubscriber('provisioned') });
    const state = aWaitingState({ waitSeconds: 2700, delaySeconds: 900, holdSeconds: 1800 });

    // Act
    const turn = await pollStatusTurn(deps, state);

    // Assess
    const hold = expectKind(turn, 'hold');
    expect(hold.delaySeconds).toBe(WORKFLOW_LIMITS.maxQueueDelaySeconds);
    expect(hold.state).toEqual({ ...state, delaySeconds: 900, holdSeconds: 900 });
    expect(gets).toEqual([]);
    expect(audit.records.size).toBe(0);
  });

  it('holds the remainder of a wait when it fits in one hop, leaving nothing to hold', async () => {
    // Prepare
    const { deps, gets } = setup({ subscriber: aSubscriber('provisioned') });
    const state = aWaitingState({ waitSeconds: 1200, delaySeconds: 900, holdSeconds: 300 });

    // Act
    const turn = await pollStatusTurn(deps, state);

    // Assess
    const hold = expectKind(turn, 'hold');
    expect(hold.delaySeconds).toBe(300);
    expect(hold.state.holdSeconds).toBe(0);
    expect(hold.state.delaySeconds).toBe(300);
    expect(hold.state.checks).toBe(state.checks);
    expect(gets).toEqual([]);
  });

  it('counts hops, not the clock: a hold is a hold even when the clock is already past the wait', async () => {
    // Prepare
    const { deps, gets } = setup({ subscriber: aSubscriber('provisioned') }, NOW + 3600 * 1000);
    const state = aWaitingState({ waitSeconds: 1800, delaySeconds: 900, holdSeconds: 900 });

    // Act
    const turn = await pollStatusTurn(deps, state);

    // Assess
    expect(expectKind(turn, 'hold').delaySeconds).toBe(900);
    expect(gets).toEqual([]);
  });

  it('checks the status once the hold is used up: a long wait is hops of at most 900 s, then one Webex call', async () => {
    // Prepare
    const { deps, gets } = setup({ subscriber: aSubscriber('provisioning') });
    let state: WorkflowState = aWaitingState({ waitSeconds: 2000, delaySeconds: 900, holdSeconds: 1100 });
    const hops: number[] = [];

    // Act
    let turn = await pollStatusTurn(deps, state);
    while (turn.kind === 'hold') {
      hops.push(turn.delaySeconds);
      state = turn.state;
      turn = await pollStatusTurn(deps, state);
    }

    // Assess
    expect(hops).toEqual([900, 200]);
    expect(hops.every((hop) => hop <= WORKFLOW_LIMITS.maxQueueDelaySeconds)).toBe(true);
    expect(900 + hops.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(turn.kind).toBe('again');
    expect(gets).toHaveLength(1);
  });
});

describe('pollStatusTurn: again (checked, still in progress)', () => {
  it('checks once and polls again after the policy delay while provisioning', async () => {
    // Prepare
    const { deps, audit, gets } = setup({ subscriber: aSubscriber('provisioning') });
    const state = aWaitingState();

    // Act
    const turn = await pollStatusTurn(deps, state);

    // Assess
    const again = expectKind(turn, 'again');
    expect(gets).toEqual([{ id: 'SUB1', trackingId: 'WBXPROV_track-poll-1_checkStatus_3' }]);
    expect(again.delaySeconds).toBe(15);
    expect(again.state).toMatchObject({
      route: 'poll',
      throttled: false,
      checks: 4,
      waitSeconds: 15,
      delaySeconds: 15,
      holdSeconds: 0,
      lastStatus: 'provisioning',
    });
    // No transition: nothing to audit.
    expect(audit.records.size).toBe(0);
  });

  it('grows the gap with the time spent in the status (10% of it while provisioning)', async () => {
    // Prepare
    const since = iso(NOW - 1000 * 1000);
    const { deps } = setup({ subscriber: aSubscriber('provisioning', { lastStatusChange: since }) });
    const state = aWaitingState({ lastStatusChange: since, phase: { status: 'provisioning', since } });

    // Act
    const turn = await pollStatusTurn(deps, state);

    // Assess
    const again = expectKind(turn, 'again');
    expect(again.delaySeconds).toBe(100);
    expect(again.state.waitSeconds).toBe(100);
  });

  it('splits a pending wait longer than 900 s into a first hop of 900 s and a hold of the rest', async () => {
    // Prepare
    const since = iso(NOW - 5 * 3600 * 1000);
    const { deps, audit } = setup({ subscriber: aSubscriber('pending_user_migration', { lastStatusChange: since }) });
    const state = aWaitingState({
      lastStatus: 'pending_user_migration',
      lastStatusChange: since,
      phase: { status: 'pending_user_migration', since },
    });

    // Act
    const turn = await pollStatusTurn(deps, state);

    // Assess
    const again = expectKind(turn, 'again');
    expect(again.delaySeconds).toBe(900);
    expect(again.state).toMatchObject({ waitSeconds: 1800, delaySeconds: 900, holdSeconds: 900 });
    expect(audit.records.size).toBe(0);
  });

  it('audits a transition it sees (statusChange and awaitPerson) and keeps polling', async () => {
    // Prepare
    const changedAt = iso(NOW - 1000);
    const { deps, audit } = setup({
      subscriber: aSubscriber('pending_email_validation', { lastStatusChange: changedAt }),
    });

    // Act
    const turn = await pollStatusTurn(deps, aWaitingState());

    // Assess
    const again = expectKind(turn, 'again');
    expect(again.state).toMatchObject({
      lastStatus: 'pending_email_validation',
      phase: { status: 'pending_email_validation', since: changedAt },
    });
    expect(again.delaySeconds).toBe(60);
    const records = [...audit.records.values()];
    expect(
      records.map((r) => (r.action === 'statusChange' ? `status:${r.status?.to}` : `step:${r.step}`)).sort(),
    ).toEqual(['status:pending_email_validation', 'step:awaitPerson']);
    expect(records.find((r) => r.action === 'statusChange')?.status).toEqual({
      from: 'provisioning',
      to: 'pending_email_validation',
    });
  });

  it('polls again after exactly Retry-After when Webex throttles (429), without counting a check', async () => {
    // Prepare
    const throttle = new UpstreamThrottledError('slow down', { status: 429, retryAfterSeconds: 37 });
    const { deps, audit, gets } = setup({ error: throttle });
    const state = aWaitingState();

    // Act
    const turn = await pollStatusTurn(deps, state);

    // Assess
    const again = expectKind(turn, 'again');
    expect(gets).toHaveLength(1);
    expect(again.delaySeconds).toBe(37);
    expect(again.state).toMatchObject({ throttled: true, retryAfterSeconds: 37, checks: 3, route: 'poll' });
    expect(again.state.holdSeconds).toBeUndefined();
    expect(audit.records.size).toBe(0);
  });

  it('rounds a fractional Retry-After up (never calls back early) on a 423', async () => {
    // Prepare
    const locked = new UpstreamThrottledError('locked', { status: 423, retryAfterSeconds: 2.2 });
    const { deps } = setup({ error: locked });

    // Act
    const turn = await pollStatusTurn(deps, aWaitingState());

    // Assess
    const again = expectKind(turn, 'again');
    expect(again.delaySeconds).toBe(3);
    expect(again.state.retryAfterSeconds).toBe(3);
  });

  it('waits the whole of a Retry-After longer than one queue delay before calling Webex again', async () => {
    // Prepare
    const throttle = new UpstreamThrottledError('slow down', { status: 429, retryAfterSeconds: 1200 });
    const { deps, gets } = setup({ error: throttle });

    // Act: follow the turns until the poller calls Webex a second time, adding up the delays in between.
    let turn = await pollStatusTurn(deps, aWaitingState());
    let waited = 0;
    while ((turn.kind === 'again' || turn.kind === 'hold') && gets.length < 2) {
      waited += turn.delaySeconds;
      expect(turn.delaySeconds).toBeLessThanOrEqual(WORKFLOW_LIMITS.maxQueueDelaySeconds);
      turn = await pollStatusTurn(deps, turn.state);
    }

    // Assess
    expect(gets).toHaveLength(2);
    expect(waited).toBeGreaterThanOrEqual(1200);
  });
});

describe('pollStatusTurn: resume (the check reached a decision)', () => {
  it('resumes with the result when the subscriber is provisioned, auditing the transition and the finish', async () => {
    // Prepare
    const subscriber = aSubscriber('provisioned', { lastStatusChange: iso(NOW - 5000) });
    const { deps, audit } = setup({ subscriber });

    // Act
    const turn = await pollStatusTurn(deps, aWaitingState());

    // Assess
    const resume = expectKind(turn, 'resume');
    expect(resume.state.route).toBe('succeeded');
    expect(resume.state.result).toEqual({ subscriber });
    expect(resume.state.checks).toBe(4);
    expect(resume.state.waitSeconds).toBeUndefined();
    expect(resume.state.delaySeconds).toBeUndefined();
    expect(resume.state.holdSeconds).toBeUndefined();
    const records = [...audit.records.values()];
    expect(records.find((r) => r.action === 'statusChange')?.status).toEqual({
      from: 'provisioning',
      to: 'provisioned',
    });
    expect(records.find((r) => r.step === 'finish')).toMatchObject({
      outcome: { result: 'success' },
      actor: 'workflow:track-poll-1',
    });
  });

  it('resumes towards ProvisioningFailed with the background errors when the subscriber is in error', async () => {
    // Prepare
    const subscriber = aSubscriber('error', {
      lastStatusChange: iso(NOW - 5000),
      errors: [{ errorCode: 7001, description: 'Something went wrong in the background' }],
    });
    const { deps, audit } = setup({ subscriber });

    // Act
    const turn = await pollStatusTurn(deps, aWaitingState());

    // Assess
    const resume = expectKind(turn, 'resume');
    expect(resume.state.route).toBe('failed');
    expect(resume.state.failure?.error).toBe('ProvisioningFailed');
    expect(JSON.parse(resume.state.failure?.cause ?? '{}')).toMatchObject({
      error: 'ProvisioningFailed',
      subscriberId: 'SUB1',
      lastStatus: 'error',
      errors: [{ errorCode: 7001 }],
    });
    expect([...audit.records.values()].find((r) => r.step === 'finish')?.outcome).toEqual({
      result: 'failure',
      errorCodes: [7001],
    });
  });

  it('resumes towards ProvisioningTimedOut when the deadline has passed and the subscriber is still provisioning', async () => {
    // Prepare
    const { deps, gets } = setup({ subscriber: aSubscriber('provisioning') });
    const state = aWaitingState({ deadlineAt: iso(NOW - 1) });

    // Act
    const turn = await pollStatusTurn(deps, state);

    // Assess
    const resume = expectKind(turn, 'resume');
    expect(gets).toHaveLength(1);
    expect(resume.state.route).toBe('failed');
    expect(resume.state.failure?.error).toBe('ProvisioningTimedOut');
    expect(resume.state.throttled).toBe(false);
  });

  it('resumes towards ProvisioningTimedOut when Webex throttles past the deadline', async () => {
    // Prepare
    const throttle = new UpstreamThrottledError('slow down', { status: 429, retryAfterSeconds: 5 });
    const { deps } = setup({ error: throttle });
    const state = aWaitingState({ deadlineAt: iso(NOW) });

    // Act
    const turn = await pollStatusTurn(deps, state);

    // Assess
    const resume = expectKind(turn, 'resume');
    expect(resume.state.failure?.error).toBe('ProvisioningTimedOut');
    expect(resume.state.throttled).toBe(false);
  });

  it('resumes towards ProvisioningFailed when the subscriber no longer exists (404)', async () => {
    // Prepare
    const { deps } = setup({ error: new NotFoundError('gone') });

    // Act
    const turn = await pollStatusTurn(deps, aWaitingState());

    // Assess
    const resume = expectKind(turn, 'resume');
    expect(resume.state.failure?.error).toBe('ProvisioningFailed');
    expect(resume.state.failure?.cause).toContain('no longer exists');
  });
});

describe('pollStatusTurn: fail (the check threw)', () => {
  it('fails with UpstreamUnavailable when Webex is unavailable, so Await status retries like any task', async () => {
    // Prepare
    const outage = new UpstreamUnavailableError('Webex could not be reached', { status: 503 });
    const { deps, audit } = setup({ error: outage });

    // Act
    const turn = await pollStatusTurn(deps, aWaitingState());

    // Assess
    const fail = expectKind(turn, 'fail');
    expect(fail.error).toBe('UpstreamUnavailable');
    expect(fail.cause).toBe('Webex is unavailable (status 503).');
    expect(audit.records.size).toBe(0);
  });

  it('fails with AuditUnavailable when the transition cannot be audited', async () => {
    // Prepare
    const { deps, audit } = setup({ subscriber: aSubscriber('provisioned', { lastStatusChange: iso(NOW - 5000) }) });
    audit.failing = true;

    // Act
    const turn = await pollStatusTurn(deps, aWaitingState());

    // Assess
    const fail = expectKind(turn, 'fail');
    expect(fail.error).toBe('AuditUnavailable');
    expect(fail.cause).toBe('The audit trail could not be written.');
  });

  it('fails with InvalidWorkflowState, naming the bad fields, for a malformed state, without calling Webex', async () => {
    // Prepare
    const { deps, gets } = setup({ subscriber: aSubscriber('provisioned') });
    const malformed = { ...aWaitingState(), checks: -1, route: 'elsewhere' };

    // Act
    const turn = await pollStatusTurn(deps, malformed);

    // Assess
    const fail = expectKind(turn, 'fail');
    expect(fail.error).toBe('InvalidWorkflowState');
    expect(fail.cause).toContain('checks');
    expect(fail.cause).toContain('route');
    expect(gets).toEqual([]);
  });

  it('fails with InvalidWorkflowState for a message state that is not an object at all', async () => {
    // Prepare
    const { deps, gets } = setup({ subscriber: aSubscriber('provisioned') });

    // Act
    const turn = await pollStatusTurn(deps, 'not a state');

    // Assess
    const fail = expectKind(turn, 'fail');
    expect(fail.error).toBe('InvalidWorkflowState');
    expect(fail.cause).toContain('(root)');
    expect(gets).toEqual([]);
  });

  it('fails with InvalidWorkflowState for a state without a subscriber to check', async () => {
    // Prepare
    const { deps, gets } = setup({ subscriber: aSubscriber('provisioned') });
    const { subscriberId: _subscriberId, ...withoutSubscriber } = aWaitingState();

    // Act
    const turn = await pollStatusTurn(deps, withoutSubscriber);

    // Assess
    const fail = expectKind(turn, 'fail');
    expect(fail.error).toBe('InvalidWorkflowState');
    expect(fail.cause).toBe('CheckStatus needs a subscriberId.');
    expect(gets).toEqual([]);
  });

  it('fails with InternalError for an unexpected plain Error (no name of its own to match on)', async () => {
    // Prepare
    const { deps } = setup({ error: new Error('socket hang up') });

    // Act
    const turn = await pollStatusTurn(deps, aWaitingState());

    // Assess
    expect(turn).toEqual({ kind: 'fail', error: 'InternalError', cause: 'socket hang up' });
  });
});
