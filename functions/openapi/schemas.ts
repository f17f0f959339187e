/**
 * The document's component schemas: the contract's Zod schemas as OpenAPI 3.0 JSON Schema
 * (`z.toJSONSchema(…, { target: 'openapi-3.0' })`), one component per schema id, with our field descriptions.
 */
import { BatchOrderSchema, BatchRequestSchema } from '../domain/contract/batch';
import { OrderOptionsSchema, OrderSchema, OrderSubscriberSchema } from '../domain/contract/order';
import { PrecheckRequestSchema } from '../domain/contract/precheck-request';
import { ProvisionRequestSchema } from '../domain/contract/provision-request';
import {
  PrecheckResponseSchema,
  SubscriberListResponseSchema,
  WebexErrorBodySchema,
} from '../domain/contract/responses';
import { SubscriberSchema } from '../domain/contract/subscriber';
import { UpdateRequestSchema } from '../domain/contract/update-request';
import * as z from '../domain/contract/zod';
import {
  AuditChangeSchema,
  AuditListResponseSchema,
  AuditRecordSchema,
} from '../domain/use-cases/list-subscriber-audit';
import { OrderListResponseSchema, OrderSummarySchema } from '../domain/workflow/order-list';
import { describeFields } from './field-docs';

export type JsonObject = Record<string, unknown>;

/**
 * Published schemas. Every schema with an id that another one nests must be listed too (it becomes its own component
 * and is referenced); `buildOpenApiDocument` fails loudly if one is missing.
 */
const REQUEST_SCHEMAS: readonly z.core.$ZodType[] = [
  ProvisionRequestSchema,
  UpdateRequestSchema,
  PrecheckRequestSchema,
  OrderSchema,
  OrderSubscriberSchema,
  OrderOptionsSchema,
  BatchRequestSchema,
  BatchOrderSchema,
];
const RESPONSE_SCHEMAS: readonly z.core.$ZodType[] = [
  SubscriberSchema,
  SubscriberListResponseSchema,
  PrecheckResponseSchema,
  WebexErrorBodySchema,
  AuditRecordSchema,
  AuditChangeSchema,
  AuditListResponseSchema,
  OrderSummarySchema,
  OrderListResponseSchema,
];

export const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

export function schemaId(schema: z.core.$ZodType): string {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id)
    throw new Error('every schema published in the OpenAPI document needs an id: .register(z.globalRegistry, { id })');
  return id;
}

/** Components for `schemas`, nested schemas with an id included as their own components. */
function components(schemas: readonly z.core.$ZodType[], io: 'input' | 'output'): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  const seen = new Set<z.core.$ZodType>();
  const add = (schema: z.core.$ZodType) => {
    if (seen.has(schema)) return;
    seen.add(schema);
    registry.add(schema, { id: schemaId(schema) });
  };
  for (const schema of schemas) add(schema);
  const result = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonObject> };
  if ('__shared' in result.schemas) {
    throw new Error(
      `A nested schema with an id is not published: ${JSON.stringify(Object.keys(result.schemas.__shared ?? {}))}`,
    );
  }
  const out: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(result.schemas)) {
    const { $id: _ignored, ...rest } = schema;
    out[id] = rest;
  }
  return out;
}

/** A component schema for one property of a Zod object, as a parameter schema (no `required`, no component refs). */
export function propertySchema(schema: z.core.$ZodType): JsonObject {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as JsonObject;
  const { $schema: _s, ...rest } = json;
  return rest;
}

/** Every published schema as a component, its properties described (`FIELD_DOCS`). */
export function componentSchemas(): Record<string, JsonObject> {
  const schemas = { ...components(REQUEST_SCHEMAS, 'input'), ...components(RESPONSE_SCHEMAS, 'output') };
  describeFields(schemas);
  return schemas;
}
