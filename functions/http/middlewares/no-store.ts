/**
 * `Cache-Control: no-store` and `X-Frame-Options: DENY` on every response of this API: two headers
 * `@middy/http-security-headers` sets on HTML only or not at all. Registered before it, so its `after` runs after.
 */
import type { HttpMiddleware, HttpRequest } from './request-state';

export function noStoreMiddleware(): HttpMiddleware {
  const noStoreNoFrames = (request: HttpRequest): void => {
    const response = request.response;
    if (!response) return;
    response.headers = { ...response.headers, 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' };
  };
  return { after: noStoreNoFrames, onError: noStoreNoFrames };
}
