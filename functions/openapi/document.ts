/**
 * This service's OpenAPI 3.0 document, generated — never written by hand — from the two sources of truth:
 * the contract's Zod schemas (`z.toJSONSchema(…, { target: 'openapi-3.0' })`, one component per schema id) and the
 * route table (`functions/catalog/routes.ts`: paths, methods, operationIds, scopes). Our extensions (audit, orders) are described
 * the same way.
 */
import { SCOPES } from '../catalog/routes';
import { pathsOf } from './operations';
import { componentSchemas, type JsonObject } from './schemas';

export type { JsonObject } from './schemas';

export interface OpenApiOptions {
  /** Server URL shown in the document (default `/`: the host that served it). */
  serverUrl?: string;
  /** The JWT issuer API Gateway trusts (OIDC discovery lives below it). */
  jwtIssuer?: string;
  version?: string;
}

/** Build the document (pure: the same code gives the same document). */
export function buildOpenApiDocument(options: OpenApiOptions = {}): JsonObject {
  const paths = pathsOf();
  const issuer = options.jwtIssuer?.replace(/\/+$/, '');
  return {
    openapi: '3.0.3',
    info: {
      title: 'Webex for BroadWorks provisioning service',
      version: options.version ?? '1.0.0',
      description:
        'A Webex-compatible BroadWorks Subscribers API (same paths, status codes, bodies and headers as ' +
        'https://webexapis.com/v1) with extensions: an audit trail per subscriber and a provisioning workflow for ' +
        'orders. Every error is the Webex error body `{message, errors, trackingId}` with a `TrackingID` header.',
    },
    servers: [{ url: options.serverUrl ?? '/' }],
    tags: [
      { name: 'BroadWorks Subscribers', description: 'The Webex BroadWorks Subscribers contract.' },
      { name: 'Audit (extension)' },
      { name: 'Orders (extension)' },
      { name: 'Batches (extension)' },
      { name: 'Documentation' },
    ],
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        jwt: {
          type: 'openIdConnect',
          openIdConnectUrl: `${issuer ?? ''}/.well-known/openid-configuration`,
          description:
            'A JWT bearer token (`Authorization: Bearer <jwt>`) from the identity provider API Gateway trusts, with ' +
            `the scope ${SCOPES.read} to read or ${SCOPES.write} to change.`,
        },
      },
    },
  };
}
