/**
 * Webex's answers read: a 2xx body checked against the contract (anything else is an `UpstreamProtocolError`, 502), and
 * a non-2xx answer mapped to its named error with Webex's status, error items and trackingId.
 */
import { compact } from '../../domain/contract/fields';
import { SubscriberFromWebexSchema, WebexErrorBodyFromWebexSchema } from '../../domain/contract/from-webex';
import type { Subscriber } from '../../domain/contract/subscriber';
import * as z from '../../domain/contract/zod';
import {
  UpstreamError,
  UpstreamProtocolError,
  UpstreamThrottledError,
  UpstreamUnavailableError,
  type WebexErrorItem,
} from '../../domain/errors';
import type { WebexResult } from '../../domain/ports/webex';
import type { RawResponse, RequestSpec, WebexOperation } from './exchange';

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function parseBody<S extends z.core.$ZodType>(
  response: RawResponse,
  schema: S,
  operation: WebexOperation,
): z.output<S> {
  const result = z.safeParse(schema, parseJson(response.text));
  if (result.success) return result.data;
  throw new UpstreamProtocolError(`Webex answered ${operation} with a body that does not match the contract.`, {
    status: 502,
    webexTrackingId: response.webexTrackingId,
    cause: result.error,
  });
}

export function subscriberResult(response: RawResponse, operation: WebexOperation): WebexResult<Subscriber> {
  const subscriber = parseBody(response, SubscriberFromWebexSchema, operation);
  return { value: compact(subscriber), webexTrackingId: response.webexTrackingId };
}

/** Webex's error body read leniently: message, error items and trackingId, whatever of them it sent. */
function readErrorBody(text: string): { message?: string; errors: WebexErrorItem[]; trackingId?: string } {
  const parsed = WebexErrorBodyFromWebexSchema.safeParse(parseJson(text));
  if (!parsed.success) return { errors: [] };
  const { message, trackingId } = parsed.data;
  const errors = (parsed.data.errors ?? []).map((item) =>
    compact({
      description: item.description ?? message ?? '',
      errorCode: item.errorCode,
      fieldName: item.fieldName,
    }),
  );
  return { message, errors, trackingId };
}

/** The named error for a non-2xx answer. */
export function errorFromResponse(
  response: RawResponse,
  spec: RequestSpec,
  throttle?: { retryAfterSeconds: number },
): UpstreamError {
  const { status } = response;
  const body = readErrorBody(response.text);
  const webexTrackingId = response.webexTrackingId ?? body.trackingId;
  const message = body.message || `Webex answered ${status} to ${spec.operation}.`;
  const details = { errors: body.errors, webexTrackingId };
  if (throttle) return new UpstreamThrottledError(message, { ...details, status, ...throttle });
  if (status === 503) return new UpstreamUnavailableError(message, { ...details, status: 503 });
  if (status === 504) return new UpstreamUnavailableError(message, { ...details, status: 504 });
  if (status === 502) return new UpstreamUnavailableError(message, { ...details, status: 502 });
  // Webex's own answer (a 500 included: "Something went wrong on the server") passes through with its status.
  if (status >= 400 && status <= 599) return new UpstreamError(message, { ...details, status });
  return new UpstreamProtocolError(`Webex answered ${spec.operation} with an unexpected status ${status}.`, {
    ...details,
    status: 502,
  });
}
