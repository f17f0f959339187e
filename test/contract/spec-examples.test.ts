/**
 * Holds the contract schemas against Cisco's spec: every example in the spec parses with the schema that reads it.
 * Reading what Webex sends is lenient exactly where Cisco's own examples are (`selfActivated: "false"`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { compact } from '../../functions/domain/contract/fields';
import {
  PrecheckResponseFromWebexSchema,
  SubscriberFromWebexSchema,
  SubscriberListFromWebexSchema,
} from '../../functions/domain/contract/from-webex';
import { ListQuerySchema } from '../../functions/domain/contract/list-query';
import { PrecheckRequestSchema } from '../../functions/domain/contract/precheck-request';
import { ProvisionRequestSchema } from '../../functions/domain/contract/provision-request';
import { PrecheckResponseSchema, SubscriberListResponseSchema } from '../../functions/domain/contract/responses';
import { SubscriberSchema } from '../../functions/domain/contract/subscriber';
import { UpdateRequestSchema } from '../../functions/domain/contract/update-request';

interface SpecOperation {
  parameters?: Array<{ name: string; in: string; example?: unknown }>;
  requestBody?: { content?: { 'application/json'?: { example?: unknown } } };
  responses: Record<string, { content?: { 'application/json'?: { example?: unknown } } }>;
}
type Spec = { paths: Record<string, Record<string, SpecOperation>> };

const spec = JSON.parse(
  readFileSync(resolve(__dirname, '../../../shared/specs/webex-broadworks-subscribers.openapi.json'), 'utf8'),
) as Spec;

function operation(path: string, method: string): SpecOperation {
  const op = spec.paths[path]?.[method];
  if (!op) throw new Error(`spec has no ${method.toUpperCase()} ${path}`);
  return op;
}

function requestExample(path: string, method: string): unknown {
  return operation(path, method).requestBody?.content?.['application/json']?.example;
}

function responseExample(path: string, method: string, status: string): unknown {
  return operation(path, method).responses[status]?.content?.['application/json']?.example;
}

const requestCases: Array<[string, string, z.ZodMiniType]> = [
  ['/broadworks/subscribers', 'post', ProvisionRequestSchema],
  ['/broadworks/subscribers/{subscriberId}', 'put', UpdateRequestSchema],
  ['/broadworks/subscribers/validate', 'post', PrecheckRequestSchema],
];

describe('contract schemas held against the spec', () => {
  it.each(requestCases)('accept the request example of %s %s', (path, method, schema) => {
    // Prepare
    const example = requestExample(path, method);
    expect(example).toBeDefined();

    // Act
    const result = schema.safeParse(example);

    // Assess
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it.each([
    ['/broadworks/subscribers', 'post'],
    ['/broadworks/subscribers/{subscriberId}', 'get'],
    ['/broadworks/subscribers/{subscriberId}', 'put'],
  ])('read the subscriber example of %s %s and re-emit it strictly', (path, method) => {
    // Prepare
    const example = responseExample(path, method, '200') as Record<string, unknown>;
    expect(example.selfActivated).toBe('false');

    // Act
    const read = compact(SubscriberFromWebexSchema.parse(example));

    // Assess
    expect(read.selfActivated).toBe(false);
    expect(read.id).toBe(example.id);
    expect(SubscriberSchema.safeParse(read).error?.issues ?? []).toEqual([]);
  });

  it('reads the list example and re-emits it strictly', () => {
    // Prepare
    const example = responseExample('/broadworks/subscribers', 'get', '200');

    // Act
    const read = SubscriberListFromWebexSchema.parse(example);
    const emitted = { items: read.items.map((s) => compact(s)) };

    // Assess
    expect(emitted.items).toHaveLength(1);
    expect(emitted.items[0]?.errors).toEqual([
      { errorCode: 10022, description: 'The BroadWorks UserID is already associated with an existing user' },
    ]);
    expect(SubscriberListResponseSchema.safeParse(emitted).error?.issues ?? []).toEqual([]);
  });

  it('reads the precheck response example and re-emits it strictly', () => {
    // Prepare
    const example = responseExample('/broadworks/subscribers/validate', 'post', '200');

    // Act
    const read = PrecheckResponseFromWebexSchema.parse(example);

    // Assess
    expect(read.info[0]?.infoCode).toBe(100);
    expect(PrecheckResponseSchema.safeParse(read).error?.issues ?? []).toEqual([]);
  });

  it('accepts every List query parameter example', () => {
    // Prepare
    const query = Object.fromEntries(
      (operation('/broadworks/subscribers', 'get').parameters ?? [])
        .filter((p) => p.in === 'query' && p.example !== undefined)
        .map((p) => [p.name, String(p.example)]),
    );
    expect(Object.keys(query).sort()).toEqual(
      [
        'after',
        'email',
        'lastStatusChange',
        'max',
        'personId',
        'provisioningId',
        'selfActivated',
        'spEnterpriseId',
        'status',
        'userId',
      ].sort(),
    );

    // Act
    const result = ListQuerySchema.safeParse(query);

    // Assess
    expect(result.error?.issues ?? []).toEqual([]);
  });
});
