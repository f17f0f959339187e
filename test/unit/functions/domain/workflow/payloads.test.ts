/**
 * The payload readers: what a task receives (any JSON at all, from anyone allowed to start an execution) becomes a
 * typed value, a list of Webex validation items, or an `InvalidWorkflowState` task error.
 */
import { describe, expect, it } from 'vitest';
import {
  parseWorkflowState,
  readCaughtState,
  readStartPayload,
  readTracking,
} from '../../../../../functions/domain/workflow/payloads';
import { WorkflowTaskError } from '../../../../../functions/domain/workflow/task-errors';
import { iso, orderState, T0 } from './fixtures';

const TRACKING = {
  subscriberId: 'sub-1',
  reason: 'provision',
  trackingId: 'WBXPROV_abc',
  actor: 'client-1',
  requestId: 'req-1',
};

describe('readStartPayload', () => {
  it('hands on the input as it is and the execution name', () => {
    // Act
    const payload = readStartPayload({ input: { orderId: 'o-1' }, executionName: 'o-1' });

    // Assess
    expect(payload).toEqual({ input: { orderId: 'o-1' }, executionName: 'o-1' });
  });

  it('names an execution without a usable name "unnamed" and cuts a long one to 80 characters', () => {
    // Act
    const unnamed = [null, 'text', [], {}, { executionName: '' }, { executionName: 7 }].map(readStartPayload);
    const long = readStartPayload({ executionName: 'x'.repeat(200) });

    // Assess
    expect(unnamed.map((p) => p.executionName)).toEqual(Array(6).fill('unnamed'));
    expect(unnamed.map((p) => p.input)).toEqual(Array(6).fill(undefined));
    expect(long.executionName).toBe('x'.repeat(80));
  });
});

describe('parseWorkflowState', () => {
  it('returns a state this code produced', () => {
    // Prepare
    const state = orderState({ subscriberId: 'sub-1', checks: 3 });

    // Act / Assess
    expect(parseWorkflowState(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it('refuses any other state with InvalidWorkflowState naming the bad fields', () => {
    // Prepare
    const bad = { ...orderState(), checks: -1, route: 'elsewhere' };

    // Act
    const error = (() => {
      try {
        parseWorkflowState(bad);
      } catch (e) {
        return e;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(WorkflowTaskError);
    expect((error as Error).name).toBe('InvalidWorkflowState');
    expect((error as Error).message).toContain('checks');
    expect((error as Error).message).toContain('route');
  });

  it('names the root when the state is not an object', () => {
    // Act / Assess
    expect(() => parseWorkflowState('nope')).toThrow('(root)');
  });
});

describe('readTracking', () => {
  it('reads a valid tracking input', () => {
    // Act
    const read = readTracking({ tracking: TRACKING });

    // Assess
    expect(read).toEqual({ tracking: TRACKING, errors: [] });
  });

  it('reports each bad field under tracking., as Webex validation items', () => {
    // Act
    const read = readTracking({ tracking: { ...TRACKING, reason: 'remove', trackingId: 'has space' } });

    // Assess
    expect(read.tracking).toBeUndefined();
    expect(read.errors.map((e) => e.fieldName).sort()).toEqual(['tracking.reason', 'tracking.trackingId']);
    expect(read.errors.every((e) => e.errorCode === 1002)).toBe(true);
  });

  it('reports a missing tracking without inventing a field name under it', () => {
    // Act
    const read = readTracking({ order: {} });

    // Assess
    expect(read.tracking).toBeUndefined();
    expect(read.errors.length).toBeGreaterThan(0);
    expect(read.errors.some((e) => e.fieldName?.startsWith('tracking.'))).toBe(false);
  });
});

describe('readCaughtState', () => {
  it('takes the state as it was and the name of the caught error', () => {
    // Prepare
    const state = orderState({ subscriberId: 'sub-1' });

    // Act
    const read = readCaughtState({ state: { ...state, caught: { Error: 'States.Timeout' } }, executionName: 'x' }, T0);

    // Assess
    expect(read).toEqual({ state, errorName: 'States.Timeout' });
  });

  it('calls an error without a readable name Unknown', () => {
    // Act
    const read = readCaughtState({ state: { ...orderState(), caught: 'boom' }, executionName: 'order-1' }, T0);

    // Assess
    expect(read.errorName).toBe('Unknown');
  });

  it('stands in for a state it cannot read: named after the execution, ending now, an order unless it tracks', () => {
    // Act
    const order = readCaughtState(
      { state: { input: { orderId: 'o' }, caught: { Error: 'Boom' } }, executionName: 'e-1' },
      T0,
    );
    const tracking = readCaughtState({ state: { input: { tracking: {} } }, executionName: 'e-2' }, T0);
    const nothing = readCaughtState({ state: null, executionName: 'e-3' }, T0);

    // Assess
    expect(order.state).toEqual({
      kind: 'order',
      ref: 'e-1',
      startedAt: iso(T0),
      deadlineAt: iso(T0),
      checks: 0,
      route: 'failed',
      throttled: false,
    });
    expect(order.errorName).toBe('Boom');
    expect(tracking.state.kind).toBe('tracking');
    expect(nothing.state).toMatchObject({ kind: 'order', ref: 'e-3' });
  });
});
