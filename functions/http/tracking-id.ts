/**
 * The TrackingID of a request: the caller's `TrackingID` header when it is a sane value, else one we generate. It goes
 * to Webex with every upstream call, onto every response as the `TrackingID` header, and into every error body.
 */
import { randomUUID } from 'node:crypto';

export const TRACKING_ID_HEADER = 'TrackingID';
/** At most 128 characters of letters, digits and `_ . : -`: anything else is replaced, never echoed. */
export const TRACKING_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const GENERATED_TRACKING_ID_PREFIX = 'WBXPROV_';

export function generateTrackingId(): string {
  return `${GENERATED_TRACKING_ID_PREFIX}${randomUUID()}`;
}

/** The caller's value when sane, else a generated one. */
export function resolveTrackingId(callerValue: string | undefined): string {
  const value = callerValue?.trim();
  return value !== undefined && TRACKING_ID_PATTERN.test(value) ? value : generateTrackingId();
}
