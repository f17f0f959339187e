/**
 * Each Lambda bundle builds only the request schemas its function validates with. A zod schema is built at module load
 * (about 20 µs per schema node, on every cold start), and a module's top-level schemas are all built once anything of
 * the module is imported, so the contract is split by user (`functions/domain/contract/*.ts`) and no function may reach
 * another operation's schemas. This test bundles functions with the Lambda options (infra/bundling.ts) and reads back
 * the registry ids of the request schemas in each bundle.
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildOptionsFor } from '../../infra/bundling';

/** Registry ids of the request schemas (`.register(z.globalRegistry, { id })`): they survive minification as strings. */
const REQUEST_SCHEMA_IDS = [
  'ProvisionRequest',
  'UpdateRequest',
  'PrecheckRequest',
  'ListQuery',
  'Order',
  'OrderSubscriber',
  'OrderOptions',
] as const;

const ORDER_SCHEMAS = ['Order', 'OrderOptions', 'OrderSubscriber', 'ProvisionRequest'];

const CASES: Array<[entry: string, expected: string[]]> = [
  ['functions/api/provision-subscriber.ts', ['ProvisionRequest']],
  ['functions/api/update-subscriber.ts', ['UpdateRequest']],
  ['functions/api/precheck-subscriber.ts', ['PrecheckRequest']],
  ['functions/api/list-subscribers.ts', ['ListQuery']],
  ['functions/api/get-subscriber.ts', []],
  ['functions/api/remove-subscriber.ts', []],
  ['functions/api/get-order.ts', []],
  ['functions/api/submit-order.ts', ORDER_SCHEMAS],
  ['functions/workflow/check-status.ts', ORDER_SCHEMAS],
  ['functions/api/openapi-document.ts', [...REQUEST_SCHEMA_IDS]],
];

async function requestSchemaIdsIn(entry: string): Promise<string[]> {
  const result = await build({ ...esbuildOptionsFor(resolve(entry), 'out/index.mjs'), write: false, sourcemap: false });
  const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'))?.text ?? '';
  return REQUEST_SCHEMA_IDS.filter((id) => code.includes(`id:"${id}"`)).sort();
}

describe('contract schemas in Lambda bundles', () => {
  it.each(CASES)('%s builds exactly the request schemas it validates with', async (entry, expected) => {
    // Act
    const ids = await requestSchemaIdsIn(entry);

    // Assess
    expect(ids).toEqual([...expected].sort());
  });
});
