/** The document and its HTML page, built once per cold start (in the composition's cache). */
import { once } from '../composition/cache';
import { getConfig } from '../composition/root';
import { renderDocsPage } from './docs-page';
import { buildOpenApiDocument } from './document';

function build(): { body: string; page: string } {
  return once('openApiDocument', () => {
    const document = buildOpenApiDocument({ jwtIssuer: getConfig().jwtIssuer });
    return { body: JSON.stringify(document), page: renderDocsPage(document) };
  });
}

export function openApiJson(): string {
  return build().body;
}

export function docsPage(): string {
  return build().page;
}
