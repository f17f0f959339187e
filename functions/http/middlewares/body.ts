/**
 * Body: size limit 413, `application/json` only 415, missing 400 1001, malformed JSON 400 (our own, not
 * `@middy/http-json-body-parser`, so every refusal is a Webex error body). A route without a body ignores any sent.
 */
import { assertBodySize, parseJsonBody } from '../request-body';
import { type HttpMiddleware, headerValue, startedState } from './request-state';

export interface BodyOptions {
  /** The route takes a JSON body. */
  json: boolean;
  /** The route's body limit in bytes, when not `RULES.maxRequestBodyBytes`. */
  maxBodyBytes?: number | undefined;
}

export function bodyMiddleware(options: BodyOptions): HttpMiddleware {
  return {
    before: (request) => {
      assertBodySize(request.event, options.maxBodyBytes);
      if (options.json) {
        startedState(request.context).body = parseJsonBody(request.event, headerValue(request.event, 'content-type'));
      }
    },
  };
}
