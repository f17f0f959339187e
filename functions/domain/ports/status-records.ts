/**
 * The status sweeper's records (`domain/status-sweep/`): the latest status Webex showed for each subscriber, and how far
 * the sweeper has followed Webex's changes. The workflow's `Check status` reads them (`StatusRecordReader`); the
 * sweeper writes them (`StatusRecordStore`). The DynamoDB adapter is `adapters/dynamodb/status-records.ts`.
 */
import type { SubscriberStatus } from '../contract/fields';
import type { Subscriber } from '../contract/subscriber';

export interface LatestStatus {
  subscriber: Subscriber;
  /** Webex's `lastStatusChange`, epoch ms. */
  lastStatusChangeMs: number;
}

export interface RecordedStatus {
  /** The latest status the sweeper saw for the subscriber; absent when it saw none. */
  latest?: LatestStatus | undefined;
  /** Every change Webex made before this time (epoch ms) is recorded; absent before the first complete sweep. */
  sweptThroughMs?: number | undefined;
}

export interface StatusRecordReader {
  read(subscriberId: string): Promise<RecordedStatus>;
}

export interface KnownStatus {
  status: SubscriberStatus;
  lastStatusChangeMs: number;
}

export interface StatusRecordStore extends StatusRecordReader {
  /** Where the last complete sweep got to. */
  sweptThrough(): Promise<number | undefined>;
  /** The recorded status of each of these subscribers that has one. */
  known(subscriberIds: readonly string[]): Promise<Map<string, KnownStatus>>;
  /** Record the subscriber's latest status unless a newer one is recorded; true when written. */
  putLatest(latest: LatestStatus): Promise<boolean>;
  /** Move the cursor forward (never back). */
  advance(sweptThroughMs: number): Promise<void>;
  /** Hold (or renew) the sweeper's lease until `untilMs`; false when another owner holds it. */
  lease(owner: string, untilMs: number): Promise<boolean>;
  /** Give the lease up (only when `owner` holds it). */
  release(owner: string): Promise<void>;
}
