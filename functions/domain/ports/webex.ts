/**
 * The port through which use cases talk to Webex. The HTTP adapter (`functions/adapters/webex/`) implements it against
 * the real API or the simulator; tests may implement it in memory.
 */
import type { ListQuery } from '../contract/list-query';
import type { PrecheckRequest } from '../contract/precheck-request';
import type { ProvisionRequest } from '../contract/provision-request';
import type { PrecheckResponse } from '../contract/responses';
import type { Subscriber } from '../contract/subscriber';
import type { UpdateRequest } from '../contract/update-request';

/**
 * Which share of the Webex rate a call draws on: `priority` (API callers, the status sweeper: a share is reserved for
 * them) or `bulk` (workflow tasks). How the rate is shared is the adapter's business (`adapters/webex/pacing.ts`).
 */
export type PacingLane = 'priority' | 'bulk';

export interface WebexCallOptions {
  /** Our trackingId: sent upstream as `TrackingID` so both sides can correlate. */
  trackingId: string;
  /** Epoch ms after which the whole call (all retries included) must have ended. */
  deadline?: number;
  /**
   * `wait` (default): on 429/423 sleep exactly Retry-After seconds and retry.
   * `throw`: hand the wait back to the caller as `UpstreamThrottledError` (the workflow turns it into a Wait state).
   */
  onThrottle?: 'wait' | 'throw';
  /** Default: `bulk` when `onThrottle` is `throw` (workflow tasks), else `priority`. */
  lane?: PacingLane;
  /**
   * A slot the pacer reserved for this call on an earlier attempt (`UpstreamThrottledError.slotAt`, epoch ms): the
   * call goes on it without taking another token. Opaque to the domain, which only carries it.
   */
  paidSlotAt?: number | undefined;
}

export interface WebexResult<T> {
  value: T;
  /** The TrackingID Webex answered with, when it did. */
  webexTrackingId?: string | undefined;
}

export interface SubscriberPage {
  items: Subscriber[];
  /** Query parameters of Webex's `Link: rel="next"` URL; absent on the last page. */
  nextQuery?: Record<string, string> | undefined;
}

export interface WebexSubscribersPort {
  list(query: ListQuery, options: WebexCallOptions): Promise<WebexResult<SubscriberPage>>;
  /** Every subscriber matching `query`, following `Link: rel="next"` page by page. */
  listAll(query: ListQuery, options: WebexCallOptions): AsyncIterable<Subscriber>;
  provision(body: ProvisionRequest, options: WebexCallOptions): Promise<WebexResult<Subscriber>>;
  get(subscriberId: string, options: WebexCallOptions): Promise<WebexResult<Subscriber>>;
  update(subscriberId: string, body: UpdateRequest, options: WebexCallOptions): Promise<WebexResult<Subscriber>>;
  remove(subscriberId: string, options: WebexCallOptions): Promise<WebexResult<void>>;
  precheck(body: PrecheckRequest, options: WebexCallOptions): Promise<WebexResult<PrecheckResponse>>;
  consentMove(subscriberId: string, options: WebexCallOptions): Promise<WebexResult<void>>;
}
