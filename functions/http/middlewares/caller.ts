/** Caller: who calls, from the JWT authorizer's claims, with the route's scope checked again (401/403). */
import type { ScopeName } from '../../catalog/route-scopes';
import { resolveCaller } from '../caller';
import { type HttpMiddleware, startedState } from './request-state';

/** `scope`: the route's scope, `null` on a public route (no caller). */
export function callerMiddleware(scope: ScopeName | null): HttpMiddleware {
  return {
    before: (request) => {
      if (scope === null) return;
      startedState(request.context).caller = resolveCaller(request.event.requestContext ?? {}, scope);
    },
  };
}
