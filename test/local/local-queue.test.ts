/**
 * The local SQS queue behind the status poll queue: at-least-once delivery to one consumer, per-message delays, partial
 * batch failures redelivered after the visibility timeout and a dead-letter list after `maxReceiveCount` deliveries.
 * Time never passes for real: every case runs on Vitest's fake timers (`timeScale: 0` delivers on the next timer tick).
 */
import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../functions/shared/logger';
import {
  LocalQueue,
  type LocalQueueOptions,
  MAX_BODY_BYTES,
  type QueueConsumer,
  QueueRequestError,
} from '../../local/sqs/local-queue';

type Verdict = 'ok' | 'fail' | 'throw';

interface FakeConsumer {
  consumer: QueueConsumer;
  /** Every record delivered, in order. */
  records: SQSRecord[];
  /** What the consumer answers, per delivery (the last one repeats). */
  verdicts: Verdict[];
}

function fakeConsumer(verdicts: Verdict[] = ['ok']): FakeConsumer {
  const fake: FakeConsumer = {
    records: [],
    verdicts,
    consumer: async (event: SQSEvent): Promise<SQSBatchResponse | undefined> => {
      const verdict = fake.verdicts[Math.min(fake.records.length, fake.verdicts.length - 1)] ?? 'ok';
      fake.records.push(...event.Records);
      if (verdict === 'throw') throw new Error('consumer crashed');
      if (verdict === 'fail') return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      return { batchItemFailures: [] };
    },
  };
  return fake;
}

function aQueue(overrides: Partial<LocalQueueOptions> & { consumer: QueueConsumer }) {
  const lines: string[] = [];
  const delays: Array<{ body: string; seconds: number }> = [];
  const queue = new LocalQueue({
    name: 'status-poll',
    region: 'us-east-1',
    account: '000000000000',
    timeScale: 0,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 3,
    onDelay: (body, seconds) => delays.push({ body, seconds }),
    logger: createLogger({}, { level: 'debug', sink: (line) => lines.push(line) }),
    ...overrides,
  });
  const logged = () => lines.map((line) => JSON.parse(line) as { level: string; message: string });
  return { queue, delays, logged };
}

/** Run the queue's timers (zero-delay at timeScale 0) and the consumer's promises: fake time, none passes for real. */
async function drain(): Promise<void> {
  await vi.runAllTimersAsync();
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

let open: LocalQueue[] = [];
function track<T extends { queue: LocalQueue }>(made: T): T {
  open.push(made.queue);
  return made;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.map((q) => q.close()));
  open = [];
});

describe('LocalQueue: delivery', () => {
  it('delivers each message once, as an SQS event of one record with its body and receive count', async () => {
    // Prepare
    const fake = fakeConsumer();
    const { queue } = track(aQueue({ consumer: fake.consumer }));

    // Act
    const first = queue.send('{"taskToken":"t1"}');
    const second = queue.send('{"taskToken":"t2"}', 0);
    await drain();

    // Assess
    expect(fake.records).toHaveLength(2);
    expect(fake.records.map((r) => r.body)).toEqual(['{"taskToken":"t1"}', '{"taskToken":"t2"}']);
    expect(fake.records.map((r) => r.messageId)).toEqual([first.MessageId, second.MessageId]);
    expect(first.MessageId).not.toBe(second.MessageId);
    const record = fake.records[0] as SQSRecord;
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(record.eventSource).toBe('aws:sqs');
    expect(record.eventSourceARN).toBe('arn:aws:sqs:us-east-1:000000000000:status-poll');
    expect(record.awsRegion).toBe('us-east-1');
    expect(record.md5OfBody).toBe(md5('{"taskToken":"t1"}'));
    expect(first.MD5OfMessageBody).toBe(md5('{"taskToken":"t1"}'));
    expect(queue.deadLetters).toEqual([]);
  });

  it('reports every message sent to onDelay with the seconds it asked for, whatever the time scale', async () => {
    // Prepare
    const fake = fakeConsumer();
    const { queue, delays } = track(aQueue({ consumer: fake.consumer }));

    // Act
    queue.send('a');
    queue.send('b', 15);
    queue.send('c', 900);
    await drain();

    // Assess
    expect(delays).toEqual([
      { body: 'a', seconds: 0 },
      { body: 'b', seconds: 15 },
      { body: 'c', seconds: 900 },
    ]);
    expect(fake.records.map((r) => r.body).sort()).toEqual(['a', 'b', 'c']);
  });

  it('still delivers when the onDelay hook throws, and logs the hook failure', async () => {
    // Prepare
    const fake = fakeConsumer();
    const { queue, logged } = track(
      aQueue({
        consumer: fake.consumer,
        onDelay: () => {
          throw new Error('hook broke');
        },
      }),
    );

    // Act
    queue.send('payload', 3);
    await drain();

    // Assess
    expect(fake.records.map((r) => r.body)).toEqual(['payload']);
    expect(logged()).toContainEqual(expect.objectContaining({ level: 'warn', message: 'onDelay hook failed' }));
  });

  it('ignores a batch item failure that names another message', async () => {
    // Prepare
    const records: SQSRecord[] = [];
    const { queue } = track(
      aQueue({
        consumer: async (event) => {
          records.push(...event.Records);
          return { batchItemFailures: [{ itemIdentifier: 'some-other-message' }] };
        },
      }),
    );

    // Act
    queue.send('once');
    await drain();

    // Assess
    expect(records).toHaveLength(1);
    expect(queue.deadLetters).toEqual([]);
  });

  it('holds a message for DelaySeconds × timeScale before delivering it', async () => {
    // Prepare
    const fake = fakeConsumer();
    const { queue } = track(aQueue({ consumer: fake.consumer, timeScale: 0.5 }));

    // Act
    queue.send('later', 10);
    await vi.advanceTimersByTimeAsync(4_999);
    const beforeDue = fake.records.length;
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    expect(beforeDue).toBe(0);
    expect(fake.records.map((r) => r.body)).toEqual(['later']);
  });
});

describe('LocalQueue: failures, redelivery and dead letters', () => {
  it('redelivers a batch item failure, counting receives, and dead-letters it after maxReceiveCount', async () => {
    // Prepare
    const fake = fakeConsumer(['fail']);
    const { queue, logged } = track(aQueue({ consumer: fake.consumer, maxReceiveCount: 3 }));

    // Act
    const sent = queue.send('{"poll":1}');
    await drain();

    // Assess
    expect(fake.records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    expect(fake.records.every((r) => r.messageId === sent.MessageId)).toBe(true);
    expect(queue.deadLetters).toEqual([{ messageId: sent.MessageId, body: '{"poll":1}', receiveCount: 3 }]);
    expect(logged()).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'message moved to the dead-letter list' }),
    );
  });

  it('counts a throwing consumer as a failed delivery', async () => {
    // Prepare
    const fake = fakeConsumer(['throw']);
    const { queue, logged } = track(aQueue({ consumer: fake.consumer, maxReceiveCount: 2 }));

    // Act
    const sent = queue.send('boom');
    await drain();

    // Assess
    expect(fake.records).toHaveLength(2);
    expect(queue.deadLetters).toEqual([{ messageId: sent.MessageId, body: 'boom', receiveCount: 2 }]);
    expect(logged()).toContainEqual(expect.objectContaining({ level: 'warn', message: 'local queue consumer failed' }));
  });

  it('stops redelivering once a delivery succeeds', async () => {
    // Prepare
    const fake = fakeConsumer(['fail', 'throw', 'ok']);
    const { queue } = track(aQueue({ consumer: fake.consumer, maxReceiveCount: 5 }));

    // Act
    queue.send('third time lucky');
    await drain();

    // Assess
    expect(fake.records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    expect(queue.deadLetters).toEqual([]);
  });

  it('redelivers a failed message only after the visibility timeout × timeScale', async () => {
    // Prepare
    const fake = fakeConsumer(['fail', 'ok']);
    const { queue } = track(aQueue({ consumer: fake.consumer, timeScale: 0.01, visibilityTimeoutSeconds: 180 }));

    // Act
    queue.send('retry me');
    await vi.advanceTimersByTimeAsync(0);
    const afterFirst = fake.records.length;
    await vi.advanceTimersByTimeAsync(1_799);
    const beforeVisible = fake.records.length;
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    expect(afterFirst).toBe(1);
    expect(beforeVisible).toBe(1);
    expect(fake.records.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
  });
});

describe('LocalQueue: what SendMessage refuses', () => {
  it.each([
    ['negative', -1],
    ['above 900', 901],
    ['fractional', 1.5],
    ['a string', '10'],
    ['not a number', Number.NaN],
  ])('refuses DelaySeconds %s with InvalidParameterValue, delivering nothing', async (_label, delay) => {
    // Prepare
    const fake = fakeConsumer();
    const { queue, delays } = track(aQueue({ consumer: fake.consumer }));

    // Act
    const send = () => queue.send('body', delay);

    // Assess
    expect(send).toThrow(QueueRequestError);
    expect(send).toThrow(/DelaySeconds/);
    await drain();
    expect(fake.records).toEqual([]);
    expect(delays).toEqual([]);
  });

  it('accepts the bounds of DelaySeconds (0 and 900) and an absent one', () => {
    // Prepare
    const { queue, delays } = track(aQueue({ consumer: fakeConsumer().consumer }));

    // Act
    queue.send('zero', 0);
    queue.send('max', 900);
    queue.send('absent', undefined);

    // Assess
    expect(delays.map((d) => d.seconds)).toEqual([0, 900, 0]);
  });

  it.each([
    ['empty', ''],
    ['not a string', { taskToken: 't' }],
    ['over 256 KiB', 'x'.repeat(MAX_BODY_BYTES + 1)],
    ['over 256 KiB in UTF-8 bytes though not in characters', 'é'.repeat(MAX_BODY_BYTES / 2 + 1)],
  ])('refuses a body that is %s with InvalidParameterValue', async (_label, body) => {
    // Prepare
    const fake = fakeConsumer();
    const { queue } = track(aQueue({ consumer: fake.consumer }));

    // Act
    let thrown: unknown;
    try {
      queue.send(body);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(QueueRequestError);
    expect((thrown as QueueRequestError).type).toBe('InvalidParameterValue');
    expect((thrown as QueueRequestError).name).toBe('InvalidParameterValue');
    await drain();
    expect(fake.records).toEqual([]);
  });

  it('accepts a body of exactly 256 KiB', async () => {
    // Prepare
    const fake = fakeConsumer();
    const { queue } = track(aQueue({ consumer: fake.consumer }));
    const body = 'x'.repeat(MAX_BODY_BYTES);

    // Act
    queue.send(body);
    await drain();

    // Assess
    expect(fake.records.map((r) => r.body.length)).toEqual([MAX_BODY_BYTES]);
  });
});

describe('LocalQueue: close', () => {
  it('drops messages still waiting for their delay', async () => {
    // Prepare
    const fake = fakeConsumer();
    const { queue } = track(aQueue({ consumer: fake.consumer }));
    queue.send('never delivered', 5);

    // Act
    await queue.close();
    await drain();

    // Assess
    expect(fake.records).toEqual([]);
  });

  it('refuses to send once closed', async () => {
    // Prepare
    const { queue, delays } = track(aQueue({ consumer: fakeConsumer().consumer }));

    // Act
    await queue.close();

    // Assess
    expect(() => queue.send('late')).toThrow(expect.objectContaining({ type: 'QueueDoesNotExist' }));
    expect(delays).toEqual([]);
  });

  it('waits for a delivery in flight, and does not redeliver what fails while closing', async () => {
    // Prepare
    let release: (() => void) | undefined;
    let calls = 0;
    const { queue } = track(
      aQueue({
        consumer: async (event) => {
          calls += 1;
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
        },
      }),
    );
    queue.send('in flight');
    await drain();
    expect(calls).toBe(1);

    // Act
    let closed = false;
    const closing = queue.close().then(() => {
      closed = true;
    });
    await drain();
    const closedBeforeRelease = closed;
    release?.();
    await closing;
    await drain();

    // Assess
    expect(closedBeforeRelease).toBe(false);
    expect(closed).toBe(true);
    expect(calls).toBe(1);
    expect(queue.deadLetters).toEqual([]);
  });
});

describe('LocalQueue: URLs', () => {
  it('names itself on an endpoint and recognises its URL on any host, and nothing else', () => {
    // Prepare
    const { queue } = track(aQueue({ consumer: fakeConsumer().consumer }));

    // Act
    const url = queue.urlOn('http://127.0.0.1:8083');

    // Assess
    expect(url).toBe('http://127.0.0.1:8083/000000000000/status-poll');
    expect(queue.isQueueUrl(url)).toBe(true);
    expect(queue.isQueueUrl('https://sqs.us-east-1.amazonaws.com/000000000000/status-poll')).toBe(true);
    expect(queue.isQueueUrl('http://127.0.0.1:8083/000000000000/other-queue')).toBe(false);
    expect(queue.isQueueUrl(undefined)).toBe(false);
  });
});
