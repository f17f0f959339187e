/**
 * This service's generated OpenAPI document: valid OpenAPI 3.0, complete against the route table, and held against
 * Cisco's spec for every operation both share (path, method, success status, required request fields, query
 * parameters) — and our schemas accept Cisco's own examples (after the documented `selfActivated: "false"` leniency).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ROUTES, SCOPES } from '../../functions/catalog/routes';
import { renderDocsPage } from '../../functions/openapi/docs-page';
import { buildOpenApiDocument } from '../../functions/openapi/document';

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content?: Record<string, { schema?: Json; example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: Json; example?: unknown }> }>;
  security?: Array<Record<string, string[]>>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

const REPO_ROOT = resolve(__dirname, '../..');
const cisco = JSON.parse(
  readFileSync(resolve(REPO_ROOT, '../shared/specs/webex-broadworks-subscribers.openapi.json'), 'utf8'),
) as Document;
const ours = buildOpenApiDocument() as unknown as Document;
const OUR_PREFIX = '/v1';
const METHODS = ['get', 'post', 'put', 'delete'] as const;

const sharedOperations = Object.entries(cisco.paths).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((method) => ({ path, method, cisco: item[method] as Operation })),
);

function ourOperation(path: string, method: string): Operation {
  const op = ours.paths[`${OUR_PREFIX}${path}`]?.[method];
  if (!op) throw new Error(`our document has no ${method.toUpperCase()} ${OUR_PREFIX}${path}`);
  return op;
}

function successStatus(op: Operation): string | undefined {
  return Object.keys(op.responses).find((s) => s.startsWith('2'));
}

function refId(schema: Json | undefined): string | undefined {
  const ref = schema?.$ref;
  return typeof ref === 'string' ? ref.split('/').pop() : undefined;
}

/** ajv over our components: OpenAPI 3.0 schemas are JSON Schema enough for examples (strict off for `example`…). */
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'ours', components: ours.components }, 'ours');
function acceptsOurs(schemaId: string, value: unknown): string {
  const validate = ajv.getSchema(`ours#/components/schemas/${schemaId}`);
  if (!validate) throw new Error(`no component ${schemaId}`);
  return validate(value) ? '' : ajv.errorsText(validate.errors);
}

/** The documented leniency: Cisco's examples show `selfActivated: "false"`; Webex sends a boolean. */
function withBooleanSelfActivated(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withBooleanSelfActivated);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === 'selfActivated' && (v === 'true' || v === 'false') ? v === 'true' : withBooleanSelfActivated(v),
    ]),
  );
}

describe('the generated OpenAPI document', () => {
  it('is a valid OpenAPI 3.0 document', async () => {
    // Prepare
    const validator = new Validator();

    // Act
    const result = await validator.validate(structuredClone(ours) as unknown as Json);

    // Assess
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.0');
  });

  it('has one operation per route, with its operationId and scope', () => {
    for (const route of ROUTES) {
      // Act
      const op = ours.paths[route.path]?.[route.method.toLowerCase()];

      // Assess
      expect(op?.operationId).toBe(route.operationId);
      expect(op?.security).toEqual(route.scope === null ? [] : [{ jwt: [SCOPES[route.scope]] }]);
    }
    const count = Object.values(ours.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(count).toBe(ROUTES.length);
  });

  it('declares the Webex error body for every error response', () => {
    for (const item of Object.values(ours.paths)) {
      for (const op of Object.values(item)) {
        for (const [status, response] of Object.entries(op.responses)) {
          // Assess
          if (Number(status) >= 400) expect(refId(response.content?.['application/json']?.schema)).toBe('WebexError');
        }
      }
    }
  });

  it('is the same every time it is built', () => {
    // Act
    const again = buildOpenApiDocument();

    // Assess
    expect(JSON.stringify(again)).toBe(JSON.stringify(ours));
  });

  it('renders a readable page without scripts or remote resources', () => {
    // Act
    const page = renderDocsPage(ours as unknown as Json);

    // Assess
    for (const route of ROUTES) expect(page).toContain(route.operationId);
    expect(page).not.toMatch(/<script|<link|src=|@import|url\(/i);
  });
});

describe('the generated OpenAPI document declares what the service answers', () => {
  type Response = { headers?: Record<string, Json>; content?: Record<string, { schema?: Json }> };
  const responsesOf = (op: Operation) => op.responses as Record<string, Response>;
  const operations = ROUTES.map((route) => ({
    route,
    op: ours.paths[route.path]?.[route.method.toLowerCase()] as Operation,
  }));
  const parameter = (path: string, name: string) =>
    (
      (ours.paths[path]?.get?.parameters ?? []) as unknown as Array<{
        name: string;
        description?: string;
        schema: Json;
      }>
    ).find((p) => p.name === name);

  it('declares 405 with an Allow header listing the methods of the path on every operation', () => {
    for (const { route, op } of operations) {
      // Prepare
      const methods = ROUTES.filter((r) => r.path === route.path).map((r) => r.method);

      // Act
      const response = responsesOf(op)['405'];

      // Assess
      expect(response, `${route.method} ${route.path}`).toBeDefined();
      expect(response?.headers?.Allow).toBeDefined();
      expect(String(response?.headers?.Allow?.example).split(', ').sort()).toEqual([...methods].sort());
    }
  });

  it('declares 413 on every operation that takes a body, consentMove included', () => {
    // Prepare
    const withBody = operations.filter(({ route }) => route.method !== 'GET');

    // Assess
    expect(withBody.map(({ route }) => route.operationId)).toContain('resendConsent');
    for (const { route, op } of withBody) expect(responsesOf(op)['413'], route.operationId).toBeDefined();
  });

  it('bounds max to 1–100 with the default 50 on every paged listing', () => {
    for (const path of ['/v1/broadworks/subscribers', '/v1/broadworks/subscribers/{subscriberId}/audit']) {
      // Act
      const max = parameter(path, 'max');

      // Assess
      expect(max?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 50 });
      expect(max?.description).toEqual(expect.any(String));
    }
  });

  it('declares status as a comma-separated list of the status enum', () => {
    // Prepare
    const status = parameter('/v1/broadworks/subscribers', 'status');
    const pattern = new RegExp(String(status?.schema.pattern));

    // Assess
    expect(pattern.test('provisioned')).toBe(true);
    expect(pattern.test('error,provisioned,provisioning')).toBe(true);
    expect(pattern.test('pending_email_input,pending_user_migration,updating')).toBe(true);
    expect(pattern.test('provisioned,unknown')).toBe(false);
    expect(pattern.test('provisioned,')).toBe(false);
    expect(status?.description).toContain('comma');
  });

  it('declares timezone as an IANA zone id and language as accepted and ignored, fixed to en in answers', () => {
    for (const id of ['ProvisionRequest', 'UpdateRequest', 'PrecheckRequest']) {
      // Prepare
      const properties = ours.components.schemas[id]?.properties as Record<string, Json>;

      // Assess
      expect(properties.timezone?.description, id).toContain('IANA');
      expect(new RegExp(String(properties.timezone?.pattern)).test('America/Los_Angeles')).toBe(true);
      expect(new RegExp(String(properties.timezone?.pattern)).test('Los Angeles')).toBe(false);
      expect(properties.language?.description, id).toContain('ignored');
    }
    const subscriber = ours.components.schemas.Subscriber?.properties as Record<string, Json>;
    expect(subscriber.language).toMatchObject({ enum: ['en'] });
  });

  it('describes every operation and every query parameter in its own words', () => {
    for (const { route, op } of operations) {
      // Assess
      expect((op as { description?: string }).description, route.operationId).toEqual(expect.any(String));
      for (const p of (op.parameters ?? []) as Array<{ name: string; in: string; description?: string }>) {
        if (p.in === 'query') expect(p.description, `${route.operationId} ${p.name}`).toEqual(expect.any(String));
      }
    }
  });

  it('answers 500 with the Webex body on every operation', () => {
    for (const { op } of operations)
      expect(refId(responsesOf(op)['500']?.content?.['application/json']?.schema)).toBe('WebexError');
  });
});

describe("the generated OpenAPI document held against Cisco's spec", () => {
  it('covers every Cisco operation at the same path under /v1 with the same method', () => {
    // Assess
    expect(sharedOperations).toHaveLength(7);
    for (const { path, method } of sharedOperations) expect(() => ourOperation(path, method)).not.toThrow();
  });

  for (const { path, method, cisco: theirs } of sharedOperations) {
    describe(`${method.toUpperCase()} ${path}`, () => {
      it('answers with the same success status', () => {
        // Assess
        expect(successStatus(ourOperation(path, method))).toBe(successStatus(theirs));
      });

      it('requires the same request fields and knows every request field', () => {
        // Prepare
        const theirSchema = theirs.requestBody?.content?.['application/json']?.schema;
        const ourRef = refId(ourOperation(path, method).requestBody?.content?.['application/json']?.schema);

        // Assess
        if (!theirSchema) {
          expect(ourRef).toBeUndefined();
          return;
        }
        const ourSchema = ours.components.schemas[ourRef ?? ''] as Json;
        expect([...((ourSchema.required as string[]) ?? [])].sort()).toEqual(
          [...((theirSchema.required as string[]) ?? [])].sort(),
        );
        for (const field of Object.keys((theirSchema.properties as Json) ?? {})) {
          expect(Object.keys(ourSchema.properties as Json)).toContain(field);
        }
      });

      it('accepts the same query and path parameters', () => {
        // Prepare
        const names = (op: Operation) =>
          (op.parameters ?? [])
            .filter((p) => p.in === 'query' || p.in === 'path')
            .map((p) => `${p.in}:${p.name}`)
            .sort();

        // Assess
        expect(names(ourOperation(path, method))).toEqual(names(theirs));
      });

      it("accepts Cisco's request example with our request schema", () => {
        // Prepare
        const example = theirs.requestBody?.content?.['application/json']?.example;
        const ourRef = refId(ourOperation(path, method).requestBody?.content?.['application/json']?.schema);

        // Assess
        if (example === undefined || ourRef === undefined) return;
        expect(acceptsOurs(ourRef, example)).toBe('');
      });

      it("accepts Cisco's success response example with our response schema", () => {
        // Prepare
        const status = successStatus(theirs) ?? '';
        const example = theirs.responses[status]?.content?.['application/json']?.example;
        const ourRef = refId(ourOperation(path, method).responses[status]?.content?.['application/json']?.schema);

        // Assess
        if (example === undefined) {
          expect(ourRef).toBeUndefined();
          return;
        }
        expect(ourRef).toBeDefined();
        expect(acceptsOurs(ourRef ?? '', withBooleanSelfActivated(example))).toBe('');
      });
    });
  }

  it("describes the Webex error body exactly as Cisco's patched spec does", () => {
    // Prepare
    const theirs = cisco.components.schemas.WebexError as Json;
    const mine = ours.components.schemas.WebexError as Json;

    // Assess
    expect([...(mine.required as string[])].sort()).toEqual([...(theirs.required as string[])].sort());
    expect(Object.keys(mine.properties as Json).sort()).toEqual(Object.keys(theirs.properties as Json).sort());
  });
});
