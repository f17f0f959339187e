/** Validation: path parameters, query and body against the contract schemas, BEFORE any upstream call. */
import { parseOrThrow } from '../../domain/contract/validation';
import type * as z from '../../domain/contract/zod';
import { type HttpMiddleware, startedState } from './request-state';

export interface ValidationSchemas {
  params?: z.core.$ZodType | undefined;
  query?: z.core.$ZodType | undefined;
  body?: z.core.$ZodType | undefined;
}

export function validationMiddleware(schemas: ValidationSchemas): HttpMiddleware {
  return {
    before: (request) => {
      const state = startedState(request.context);
      if (schemas.params) state.params = parseOrThrow(schemas.params, request.event.pathParameters ?? {});
      if (schemas.query) state.query = parseOrThrow(schemas.query, request.event.queryStringParameters ?? {});
      if (schemas.body) state.body = parseOrThrow(schemas.body, state.body, 'request body');
    },
  };
}
