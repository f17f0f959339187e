/**
 * Request header names in lower case, so the pipeline reads `content-type` or `trackingid` whatever case the caller
 * sent: exactly what `@middy/http-header-normalizer` 6 does with its default options (`headers` and
 * `multiValueHeaders`, a later name winning over an earlier one that differs only in case), in a few lines instead of a
 * package in every API bundle (cold start). `test/api/header-normalizer.test.ts` proves it against the middleware.
 */

type Headers = Record<string, unknown>;

function lowerCaseNames(headers: Headers): Headers {
  const out: Headers = {};
  for (const name of Object.keys(headers)) out[name.toLowerCase()] = headers[name];
  return out;
}

/** Replace the event's `headers` and `multiValueHeaders` by copies with lower-case names (first step of the pipeline). */
export function normalizeHeaderNames(event: { headers?: unknown; multiValueHeaders?: unknown }): void {
  if (event.headers) event.headers = lowerCaseNames(event.headers as Headers);
  if (event.multiValueHeaders) event.multiValueHeaders = lowerCaseNames(event.multiValueHeaders as Headers);
}
