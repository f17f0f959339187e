/**
 * How a workflow task calls Webex: a refusal is an outcome the step decides on (with Webex's own status), throttling is
 * handed back for a Wait, a 5xx is an `UpstreamUnavailable` task error the state machine retries, and anything that is
 * not Webex's answer is rethrown as it is.
 */
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../../../functions/domain/contract/rules';
import {
  NotFoundError,
  UpstreamError,
  UpstreamProtocolError,
  UpstreamThrottledError,
  UpstreamUnavailableError,
} from '../../../../../functions/domain/errors';
import type { WebexCallOptions } from '../../../../../functions/domain/ports/webex';
import { WORKFLOW_LIMITS } from '../../../../../functions/domain/workflow/state';
import { WorkflowTaskError } from '../../../../../functions/domain/workflow/task-errors';
import { callOptions, callWebex, rejectionOf } from '../../../../../functions/domain/workflow/webex-call';
import { fakeDeps, orderState, T0 } from './fixtures';

const OPTIONS: WebexCallOptions = { trackingId: 'WBXPROV_order-1_get_0', onThrottle: 'wait' };
const TAKEN = [{ errorCode: 10022, description: 'The userId is taken.' }];

const failingWith = (error: unknown) => () => Promise.reject(error);

describe('rejectionOf', () => {
  it("is Webex's refusal with Webex's status, errors and trackingId", () => {
    // Prepare
    const error = new UpstreamError('taken', { status: 409, errors: TAKEN, webexTrackingId: 'WEBEX_9' });

    // Act / Assess
    expect(rejectionOf(error)).toEqual({ status: 409, errors: TAKEN, webexTrackingId: 'WEBEX_9' });
  });

  it('is nothing for an error that is not an answer of Webex', () => {
    // Act / Assess
    expect(rejectionOf(new NotFoundError('no such order'))).toBeUndefined();
    expect(rejectionOf(new Error('bug'))).toBeUndefined();
  });
});

describe('callWebex', () => {
  it("hands back Webex's value and trackingId, and always asks the client to hand throttling back", async () => {
    // Prepare
    const seen: WebexCallOptions[] = [];

    // Act
    const outcome = await callWebex(async (options) => {
      seen.push(options);
      return { value: 42, webexTrackingId: 'WEBEX_1' };
    }, OPTIONS);

    // Assess
    expect(outcome).toEqual({ kind: 'ok', value: 42, webexTrackingId: 'WEBEX_1' });
    expect(seen).toEqual([{ ...OPTIONS, onThrottle: 'throw' }]);
  });

  it("makes a 409 a rejection with Webex's status, for the step to decide on", async () => {
    // Act
    const outcome = await callWebex(failingWith(new UpstreamError('taken', { status: 409, errors: TAKEN })), OPTIONS);

    // Assess
    expect(outcome).toEqual({
      kind: 'rejected',
      rejection: { status: 409, errors: TAKEN, webexTrackingId: undefined },
    });
  });

  it('makes a throttled call a Wait of exactly Retry-After (whole seconds), with the paced slot', async () => {
    // Prepare
    const throttled = new UpstreamThrottledError('slow down', { status: 429, retryAfterSeconds: 2.2, slotAt: T0 });

    // Act
    const outcome = await callWebex(failingWith(throttled), OPTIONS);

    // Assess
    expect(outcome).toEqual({ kind: 'throttled', retryAfterSeconds: 3, slotAt: T0 });
  });

  it.each([429, 423])('makes a plain %i answer a Wait of the default Retry-After', async (status) => {
    // Act
    const outcome = await callWebex(failingWith(new UpstreamError('busy', { status })), OPTIONS);

    // Assess
    expect(outcome).toEqual({ kind: 'throttled', retryAfterSeconds: RULES.defaultRetryAfterSeconds });
  });

  it.each([
    ['a 500 the client did not retry', new UpstreamError('oops', { status: 500 })],
    ['Webex unavailable (503)', new UpstreamUnavailableError('down', { status: 503 })],
    ['an answer outside the contract', new UpstreamProtocolError('garbage', { status: 502 })],
  ])('makes %s an UpstreamUnavailable task error', async (_what, error) => {
    // Act
    const outcome = callWebex(failingWith(error), OPTIONS);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(WorkflowTaskError);
    await expect(outcome).rejects.toMatchObject({ name: 'UpstreamUnavailable' });
  });

  it('rethrows an error that is not an answer of Webex as it is, never as a rejection', async () => {
    // Prepare
    const notFound = new NotFoundError('no such thing');

    // Act
    const outcome = callWebex(failingWith(notFound), OPTIONS);

    // Assess
    await expect(outcome).rejects.toBe(notFound);
  });
});

describe('callOptions', () => {
  it('names the order, step and check in the trackingId, gives the call its budget and the paced slot', () => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const options = callOptions(deps, orderState({ checks: 4, pacedSlotAt: T0 + 1000 }), 'checkStatus');

    // Assess
    expect(options).toEqual({
      trackingId: 'WBXPROV_order-1_checkStatus_4',
      deadline: T0 + WORKFLOW_LIMITS.webexCallBudgetMs,
      onThrottle: 'throw',
      paidSlotAt: T0 + 1000,
    });
  });

  it('keeps the trackingId within 128 characters', () => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const options = callOptions(deps, orderState({ ref: 'o'.repeat(80) }), 'x'.repeat(80));

    // Assess
    expect(options.trackingId).toHaveLength(128);
  });
});
