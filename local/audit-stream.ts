/**
 * DynamoDB Streams for dynalite (which has none): a small HTTP proxy in front of it. Every request passes through
 * unchanged; after a successful PutItem on the audit table, the proxy appends the item as a stream record (INSERT,
 * NEW_IMAGE, increasing sequence numbers) — our code only ever writes the table with conditional PutItems, so a 200 is
 * always a new item — and delivers the records that match the consumer's event filter to the consumer, one at a time
 * and in order, as the Lambda event source mapping does: a failed record (thrown, or named in `batchItemFailures`) is
 * retried after the next delay and blocks the ones behind it; after the last retry it is dead-lettered (kept in
 * `deadLetters`, logged as an error), as the on-failure destination would receive it.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Logger } from '../functions/shared/logger';
import { listen } from './ports';

export type StreamConsumer = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface AuditStreamSubscription {
  /** Event filter pattern (Lambda event filtering syntax: value lists and `{ exists }`). */
  filter: unknown;
  consumer: StreamConsumer;
  /** Waits before each retry of a failed record (ms); its length is the number of retries. */
  retryDelaysMs: readonly number[];
}

export interface DeadLetter {
  record: DynamoDBRecord;
  error: string;
}

export interface AuditStreamProxy {
  readonly url: string;
  readonly port: number;
  /** Start delivering matching records written from now on (the event source mapping exists). */
  subscribe(subscription: AuditStreamSubscription): void;
  /** Resolves once every record written so far has been delivered or dead-lettered. */
  idle(): Promise<void>;
  readonly deadLetters: readonly DeadLetter[];
  stop(): Promise<void>;
}

export interface AuditStreamProxyOptions {
  /** dynalite's URL. */
  target: string;
  port: number;
  host: string;
  tableName: string;
  region: string;
  logger?: Logger;
  /** How to wait before a retry (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
}

const PUT_ITEM_TARGET = 'DynamoDB_20120810.PutItem';

/** Does a value match a Lambda event filter pattern? (The subset in use: lists of values and `{ exists }`.) */
export function matchesFilter(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((rule: unknown) =>
      rule !== null && typeof rule === 'object' && 'exists' in rule
        ? (value !== undefined) === (rule as { exists: boolean }).exists
        : value === rule,
    );
  }
  if (pattern === null || typeof pattern !== 'object') return value === pattern;
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(pattern).every(([key, sub]) => matchesFilter((value as Record<string, unknown>)[key], sub));
}

export async function startAuditStreamProxy(options: AuditStreamProxyOptions): Promise<AuditStreamProxy> {
  const target = new URL(options.target);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const streamArn = `arn:aws:dynamodb:${options.region}:000000000000:table/${options.tableName}/stream/local`;
  const deadLetters: DeadLetter[] = [];
  let subscription: AuditStreamSubscription | undefined;
  let sequence = 0;
  /** The delivery chain: each record is delivered after the one before it has been. */
  let delivered: Promise<void> = Promise.resolve();

  const deliver = async (record: DynamoDBRecord, current: AuditStreamSubscription): Promise<void> => {
    let lastError = 'unknown';
    for (let attempt = 0; attempt <= current.retryDelaysMs.length; attempt++) {
      if (attempt > 0) await sleep(current.retryDelaysMs[attempt - 1] as number);
      try {
        const response = await current.consumer({ Records: [record] });
        if (!response || response.batchItemFailures.length === 0) return;
        lastError = 'reported as a batch item failure';
      } catch (error) {
        lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    }
    deadLetters.push({ record, error: lastError });
    options.logger?.error('an audit stream record was dead-lettered after all retries', {
      sequenceNumber: record.dynamodb?.SequenceNumber,
      error: lastError,
    });
  };

  const onPutItem = (body: string) => {
    const current = subscription;
    if (current === undefined) return;
    let input: { TableName?: string; Item?: Record<string, unknown> };
    try {
      input = JSON.parse(body) as typeof input;
    } catch {
      return;
    }
    if (input.TableName !== options.tableName || input.Item === undefined) return;
    sequence += 1;
    const item = input.Item as NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
    const record: DynamoDBRecord = {
      eventID: String(sequence),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: options.region,
      eventSourceARN: streamArn,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: { id: item.id as NonNullable<typeof item.id> },
        NewImage: item,
        SequenceNumber: String(sequence).padStart(21, '0'),
        SizeBytes: body.length,
        StreamViewType: 'NEW_IMAGE',
      },
    };
    if (!matchesFilter(record, current.filter)) return;
    delivered = delivered.then(() => deliver(record, current));
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
          answer.on('end', () => {
            // The record exists once the write has succeeded, before the writer hears back (as in DynamoDB).
            if (answer.statusCode === 200 && req.headers['x-amz-target'] === PUT_ITEM_TARGET) {
              onPutItem(body.toString('utf8'));
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(answerChunks));
          });
        },
      );
      upstream.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`dynalite unreachable: ${error.message}`);
      });
      upstream.end(body);
    });
  });
  const port = await listen(server, 'dynamodb', options.port, options.host);

  return {
    url: `http://${options.host}:${port}`,
    port,
    subscribe(next) {
      subscription = next;
    },
    async idle() {
      // Records can be appended while earlier ones are delivered: wait until the chain stops growing.
      let seen: Promise<void>;
      do {
        seen = delivered;
        await seen;
      } while (seen !== delivered);
    },
    deadLetters,
    async stop() {
      subscription = undefined;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
