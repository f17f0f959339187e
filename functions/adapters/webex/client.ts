/**
 * The Webex for BroadWorks Subscribers API over HTTP: the adapter behind `WebexSubscribersPort`. Each operation is one
 * call (`transport.ts`: attempts, retries, pacing, deadlines), its answer read against the contract (`answers.ts`);
 * the list pages with `paging.ts`.
 */
import { compact } from '../../domain/contract/fields';
import { PrecheckResponseFromWebexSchema, SubscriberListFromWebexSchema } from '../../domain/contract/from-webex';
import type { ListQuery } from '../../domain/contract/list-query';
import type { PrecheckRequest } from '../../domain/contract/precheck-request';
import type { ProvisionRequest } from '../../domain/contract/provision-request';
import type { PrecheckResponse } from '../../domain/contract/responses';
import { ERROR_CODES, RULES } from '../../domain/contract/rules';
import type { Subscriber } from '../../domain/contract/subscriber';
import type { UpdateRequest } from '../../domain/contract/update-request';
import { ValidationError } from '../../domain/errors';
import type { SubscriberPage, WebexCallOptions, WebexResult, WebexSubscribersPort } from '../../domain/ports/webex';
import { parseBody, subscriberResult } from './answers';
import { allPages, nextQueryOf } from './paging';
import { type WebexHttpClientOptions, WebexTransport } from './transport';

export type { WebexAttemptRecord, WebexOperation } from './exchange';
export type { WebexHttpClientOptions } from './transport';

const SUBSCRIBERS = '/broadworks/subscribers';

export class WebexHttpClient implements WebexSubscribersPort {
  private readonly transport: WebexTransport;

  constructor(options: WebexHttpClientOptions) {
    this.transport = new WebexTransport(options);
  }

  async list(query: ListQuery, options: WebexCallOptions): Promise<WebexResult<SubscriberPage>> {
    const response = await this.transport.execute(
      { operation: 'list', method: 'GET', path: SUBSCRIBERS, query: toSearchParams(query), safeToRepeat: true },
      options,
    );
    const parsed = parseBody(response, SubscriberListFromWebexSchema, 'list');
    const nextQuery = nextQueryOf(response);
    return {
      value: { items: parsed.items.map((item) => compact(item)), nextQuery },
      webexTrackingId: response.webexTrackingId,
    };
  }

  listAll(query: ListQuery, options: WebexCallOptions): AsyncIterable<Subscriber> {
    return allPages((q, o) => this.list(q, o), query, options);
  }

  async provision(body: ProvisionRequest, options: WebexCallOptions): Promise<WebexResult<Subscriber>> {
    const response = await this.transport.execute(
      { operation: 'provision', method: 'POST', path: SUBSCRIBERS, body, safeToRepeat: false },
      options,
    );
    return subscriberResult(response, 'provision');
  }

  async get(subscriberId: string, options: WebexCallOptions): Promise<WebexResult<Subscriber>> {
    const response = await this.transport.execute(
      { operation: 'get', method: 'GET', path: subscriberPath(subscriberId), safeToRepeat: true },
      options,
    );
    return subscriberResult(response, 'get');
  }

  async update(subscriberId: string, body: UpdateRequest, options: WebexCallOptions): Promise<WebexResult<Subscriber>> {
    const response = await this.transport.execute(
      { operation: 'update', method: 'PUT', path: subscriberPath(subscriberId), body, safeToRepeat: true },
      options,
    );
    return subscriberResult(response, 'update');
  }

  async remove(subscriberId: string, options: WebexCallOptions): Promise<WebexResult<void>> {
    const response = await this.transport.execute(
      { operation: 'remove', method: 'DELETE', path: subscriberPath(subscriberId), safeToRepeat: true },
      options,
    );
    return { value: undefined, webexTrackingId: response.webexTrackingId };
  }

  async precheck(body: PrecheckRequest, options: WebexCallOptions): Promise<WebexResult<PrecheckResponse>> {
    const response = await this.transport.execute(
      { operation: 'precheck', method: 'POST', path: `${SUBSCRIBERS}/validate`, body, safeToRepeat: true },
      options,
    );
    const parsed = parseBody(response, PrecheckResponseFromWebexSchema, 'precheck');
    return { value: { message: parsed.message, info: parsed.info }, webexTrackingId: response.webexTrackingId };
  }

  async consentMove(subscriberId: string, options: WebexCallOptions): Promise<WebexResult<void>> {
    const id = encodeURIComponent(checkSubscriberId(subscriberId));
    const response = await this.transport.execute(
      { operation: 'consentMove', method: 'POST', path: `/subscribers/${id}/emails/consentMove`, safeToRepeat: false },
      options,
    );
    return { value: undefined, webexTrackingId: response.webexTrackingId };
  }
}

function checkSubscriberId(subscriberId: string): string {
  if (typeof subscriberId !== 'string' || !RULES.subscriberIdPattern.test(subscriberId)) {
    throw new ValidationError('The subscriber id is invalid.', [
      {
        description: 'subscriberId is not a valid subscriber id',
        errorCode: ERROR_CODES.invalidValue,
        fieldName: 'subscriberId',
      },
    ]);
  }
  return subscriberId;
}

function subscriberPath(subscriberId: string): string {
  return `${SUBSCRIBERS}/${encodeURIComponent(checkSubscriberId(subscriberId))}`;
}

function toSearchParams(query: ListQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') params.append(key, value);
    else if (typeof value === 'number' || typeof value === 'boolean') params.append(key, String(value));
  }
  return params;
}
