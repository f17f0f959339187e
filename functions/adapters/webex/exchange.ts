/** One Webex call as the client's parts see it: what is asked, what came back, and the record of each attempt. */

/** One attempt of a Webex call: the operation, Webex's HTTP status (or why there was none) and its duration. */
export interface WebexAttemptRecord {
  operation: WebexOperation;
  status: number | 'timeout' | 'network';
  latencyMs: number;
}

export type WebexOperation = 'list' | 'provision' | 'get' | 'update' | 'remove' | 'precheck' | 'consentMove';

export interface RequestSpec {
  operation: WebexOperation;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the base URL, already encoded. */
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  /** Safe to repeat after a 500 (a response that says nothing about whether the call took effect). */
  safeToRepeat: boolean;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  url: string;
  webexTrackingId: string | undefined;
}

export type AttemptOutcome =
  | { kind: 'response'; response: RawResponse }
  | { kind: 'timeout' }
  | { kind: 'transport'; error: unknown };
