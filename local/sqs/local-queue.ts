/**
 * A local SQS queue with a Lambda consumer, as AWS runs the status poll queue: per-message delays (DelaySeconds), at-least
 * once delivery to the consumer (an SQS event of one record), partial batch failures redelivered after the visibility
 * timeout, and a dead-letter list after `maxReceiveCount` deliveries.
 *
 * Time: delays and visibility timeouts run in real time scaled by `timeScale` (0 = deliver at once); `onDelay` sees
 * every message sent with the seconds it asked for (tests advance a manual clock by exactly that much).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../../functions/shared/logger';

export type QueueConsumer = (
  event: SQSEvent,
  context: { awsRequestId: string },
) => Promise<SQSBatchResponse | undefined>;

export interface LocalQueueOptions {
  name: string;
  region: string;
  account: string;
  timeScale: number;
  /** Seconds a failed delivery stays invisible before SQS delivers it again. */
  visibilityTimeoutSeconds: number;
  /** Deliveries before a message moves to the dead-letter list. */
  maxReceiveCount: number;
  consumer: QueueConsumer;
  /** Called for every message sent, with its body and delay. */
  onDelay?: (body: string, delaySeconds: number) => void;
  logger: Logger;
}

export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
}

/** SQS's limits: DelaySeconds 0–900, a body of 1 to 262,144 bytes. */
export const MAX_DELAY_SECONDS = 900;
export const MAX_BODY_BYTES = 256 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;

export class QueueRequestError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

interface Message {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: number;
}

export class LocalQueue {
  readonly arn: string;
  readonly deadLetters: DeadLetter[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: LocalQueueOptions) {
    this.arn = `arn:aws:sqs:${options.region}:${options.account}:${options.name}`;
  }

  /** The queue's URL on a local endpoint (`http://127.0.0.1:<port>/<account>/<name>`). */
  urlOn(endpoint: string): string {
    return `${endpoint}/${this.options.account}/${this.options.name}`;
  }

  /** Whether `queueUrl` names this queue (any host: AWS-shaped and local URLs alike). */
  isQueueUrl(queueUrl: unknown): boolean {
    return typeof queueUrl === 'string' && queueUrl.endsWith(`/${this.options.account}/${this.options.name}`);
  }

  send(body: unknown, delaySeconds: unknown = 0): { MessageId: string; MD5OfMessageBody: string } {
    if (typeof body !== 'string' || body.length === 0 || Buffer.byteLength(body) > MAX_BODY_BYTES) {
      throw new QueueRequestError('InvalidParameterValue', 'MessageBody must be 1 to 262144 bytes.');
    }
    const delay = delaySeconds ?? 0;
    if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
      throw new QueueRequestError('InvalidParameterValue', 'DelaySeconds must be an integer from 0 to 900.');
    }
    if (this.closed) throw new QueueRequestError('QueueDoesNotExist', 'The queue is closed.');
    const message: Message = { messageId: randomUUID(), body, receiveCount: 0, sentAt: Date.now() };
    try {
      this.options.onDelay?.(body, delay);
    } catch (error) {
      this.options.logger.warn('onDelay hook failed', { error });
    }
    this.later(delay, () => this.deliver(message));
    return { MessageId: message.messageId, MD5OfMessageBody: createHash('md5').update(body).digest('hex') };
  }

  /** Stop delivering; messages still waiting are dropped (the local runtime is stopping). */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private later(seconds: number, run: () => void): void {
    if (this.closed) return;
    const ms = Math.min(MAX_TIMER_MS, seconds * 1000 * this.options.timeScale);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) run();
    }, ms);
    this.timers.add(timer);
  }

  private deliver(message: Message): void {
    message.receiveCount += 1;
    const record: SQSRecord = {
      messageId: message.messageId,
      receiptHandle: randomUUID(),
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: this.options.region,
    };
    const delivery = (async () => {
      let failed: boolean;
      try {
        const response = await this.options.consumer({ Records: [record] }, { awsRequestId: randomUUID() });
        failed = (response?.batchItemFailures ?? []).some((f) => f.itemIdentifier === message.messageId);
      } catch (error) {
        this.options.logger.warn('local queue consumer failed', { queue: this.options.name, error });
        failed = true;
      }
      if (!failed) return;
      if (message.receiveCount >= this.options.maxReceiveCount) {
        this.deadLetters.push({ messageId: message.messageId, body: message.body, receiveCount: message.receiveCount });
        this.options.logger.error('message moved to the dead-letter list', {
          queue: this.options.name,
          messageId: message.messageId,
          receiveCount: message.receiveCount,
        });
        return;
      }
      this.later(this.options.visibilityTimeoutSeconds, () => this.deliver(message));
    })();
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }
}
