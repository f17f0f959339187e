/** GET /docs — a readable, self-contained HTML page of the OpenAPI document (public; nothing fetched at run time). */
import { createHttpHandler } from '../http/handler';
import { html } from '../http/responses';
import { docsPage } from '../openapi/cached';
import { DOCS_STYLE_HASH } from '../openapi/docs-page';

export const handler = createHttpHandler({
  operationId: 'getApiDocs',
  contentSecurityPolicy: { 'style-src': DOCS_STYLE_HASH },
  handle: async () => html(200, docsPage()),
});
