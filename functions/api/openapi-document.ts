/** GET /openapi.json — this service's OpenAPI 3.0 document (public). */
import { createHttpHandler } from '../http/handler';
import { openApiJson } from '../openapi/cached';

export const handler = createHttpHandler({
  operationId: 'getOpenApiDocument',
  handle: async () => ({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: openApiJson(),
  }),
});
