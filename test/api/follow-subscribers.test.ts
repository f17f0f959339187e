/**
 * The tracking outbox's consumer: reading the follow-up request off a stream record (`followRequestOf`), the use case
 * that starts the tracking executions in order and stops at the first failure, and the Lambda handler's answer.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { followRequestOf } from '../../functions/adapters/dynamodb/audit-outbox';
import type { TrackSubscriberInput } from '../../functions/domain/ports/workflow';
import { followSubscribers } from '../../functions/domain/use-cases/follow-subscribers';
import { createLogger } from '../../functions/shared/logger';

const REQUEST: TrackSubscriberInput = {
  subscriberId: 'SUB1',
  reason: 'update',
  trackingId: 'TRACK_1',
  requestId: 'req-1',
  actor: 'ordering-system',
};

function image(follow: Record<string, string>) {
  return { id: { S: 'x' }, follow: { M: Object.fromEntries(Object.entries(follow).map(([k, v]) => [k, { S: v }])) } };
}

function quietLogger(lines: string[] = []) {
  return createLogger({}, { level: 'debug', sink: (l) => lines.push(l) });
}

describe('followRequestOf', () => {
  it('reads the follow-up request of a new image', () => {
    // Act / Assess
    expect(followRequestOf(image({ ...REQUEST }))).toEqual(REQUEST);
  });

  it('answers undefined for an image without one, or with a missing field or an unknown reason', () => {
    // Prepare
    const { actor: _actor, ...withoutActor } = REQUEST;

    // Act / Assess
    expect(followRequestOf({ id: { S: 'x' } })).toBeUndefined();
    expect(followRequestOf(undefined)).toBeUndefined();
    expect(followRequestOf(image(withoutActor))).toBeUndefined();
    expect(followRequestOf(image({ ...REQUEST, reason: 'remove' }))).toBeUndefined();
  });
});

describe('followSubscribers', () => {
  it('starts following every subscriber, in order', async () => {
    // Prepare
    const tracked: TrackSubscriberInput[] = [];
    const tracker = { trackSubscriber: async (input: TrackSubscriberInput) => void tracked.push(input) };
    const second = { ...REQUEST, subscriberId: 'SUB2' };

    // Act
    const failed = await followSubscribers({ tracker, logger: quietLogger() }, [
      { id: '1', request: REQUEST },
      { id: '2', request: second },
    ]);

    // Assess
    expect(failed).toBeUndefined();
    expect(tracked).toEqual([REQUEST, second]);
  });

  it('stops at the first request that cannot start and names it, with a warning', async () => {
    // Prepare
    const tracked: string[] = [];
    const lines: string[] = [];
    const tracker = {
      trackSubscriber: async (input: TrackSubscriberInput) => {
        if (input.subscriberId === 'SUB2') {
          throw Object.assign(new Error('no state machine'), { name: 'StateMachineDoesNotExist' });
        }
        tracked.push(input.subscriberId);
      },
    };

    // Act
    const failed = await followSubscribers({ tracker, logger: quietLogger(lines) }, [
      { id: '1', request: REQUEST },
      { id: '2', request: { ...REQUEST, subscriberId: 'SUB2' } },
      { id: '3', request: { ...REQUEST, subscriberId: 'SUB3' } },
    ]);

    // Assess
    expect(failed).toBe('2');
    expect(tracked).toEqual(['SUB1']);
    expect(lines.some((l) => l.includes('"level":"warn"') && l.includes('StateMachineDoesNotExist'))).toBe(true);
  });

  it('never drops a malformed request silently: it fails, so the stream retries and dead-letters it', async () => {
    // Prepare
    const lines: string[] = [];
    const tracker = { trackSubscriber: async () => undefined };

    // Act
    const failed = await followSubscribers({ tracker, logger: quietLogger(lines) }, [{ id: '7', request: undefined }]);

    // Assess
    expect(failed).toBe('7');
    expect(lines.some((l) => l.includes('"level":"error"'))).toBe(true);
  });
});

describe('the stream consumer handler', () => {
  it('fails the whole batch without a state machine configured (retried, then dead-lettered)', async () => {
    // Prepare
    const saved = process.env.STATE_MACHINE_ARN;
    delete process.env.STATE_MACHINE_ARN;
    const { resetCompositionForTests } = await import('../../functions/composition/root');
    resetCompositionForTests();
    const { handler } = await import('../../functions/streams/follow-subscribers');
    const event = {
      Records: [{ dynamodb: { SequenceNumber: '1', NewImage: image({ ...REQUEST }) } }],
    } as unknown as DynamoDBStreamEvent;

    // Act
    const outcome = handler(event);

    // Assess
    await expect(outcome).rejects.toThrow(/STATE_MACHINE_ARN/);
    if (saved !== undefined) process.env.STATE_MACHINE_ARN = saved;
    resetCompositionForTests();
  });
});
