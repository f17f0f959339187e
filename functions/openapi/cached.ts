/** The document and its HTML page, built once per cold start. */
import { getConfig } from '../composition/root';
import { renderDocsPage } from './docs-page';
import { buildOpenApiDocument, type JsonObject } from './document';

let cache: { document: JsonObject; body: string; page: string } | undefined;

function build() {
  if (!cache) {
    const document = buildOpenApiDocument({ jwtIssuer: getConfig().jwtIssuer });
    cache = { document, body: JSON.stringify(document), page: renderDocsPage(document) };
  }
  return cache;
}

export function openApiJson(): string {
  return build().body;
}

export function docsPage(): string {
  return build().page;
}
