/** Error mapper: the one place errors become HTTP (`../error-mapper.ts`), with the request's trackingId and logger. */
import type { Logger } from '../../shared/logger';
import { mapErrorToResponse } from '../error-mapper';
import { type HttpMiddleware, requestState } from './request-state';

/** `logger`: the operation's logger (for an error raised before the request's own was made). */
export function errorMapperMiddleware(logger: Logger): HttpMiddleware {
  return {
    onError: (request) => {
      const state = requestState(request, logger);
      request.response = mapErrorToResponse(request.error, state.trackingId, state.logger);
    },
  };
}
