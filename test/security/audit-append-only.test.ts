/**
 * The audit trail is append-only by construction: no product code path can update or delete a record. (By IAM: see
 * `test/infra/iam.test.ts` — "grants no DeleteItem, UpdateItem, batch writes, transactions or scans on DynamoDB to
 * anyone" and the exact per-function statements.)
 *
 * The source tree is read as text: every DynamoDB operation any product file can send is named by the commands it
 * imports from `@aws-sdk/client-dynamodb`, and no file names a mutating operation other than PutItem anywhere in code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DynamoAuditStore } from '../../functions/adapters/dynamodb/audit-store';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PRODUCT_DIRS = ['functions', 'infra', 'local', 'scripts', 'examples', 'bench'];

function sourceFiles(dir: string): string[] {
  const absolute = path.join(REPO_ROOT, dir);
  let entries: string[];
  try {
    entries = readdirSync(absolute);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const relative = path.join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(path.join(REPO_ROOT, relative)).isDirectory()) return sourceFiles(relative);
    return /\.(ts|mts|js|mjs|json)$/.test(name) ? [relative] : [];
  });
}

/** The text without comments, so a doc comment saying "never UpdateItem" does not count. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const FILES = PRODUCT_DIRS.flatMap(sourceFiles).map((file) => ({
  file,
  code: code(readFileSync(path.join(REPO_ROOT, file), 'utf8')),
}));

/**
 * The Webex state table (the shared token bucket of Webex calls, the status sweeper's records) is updated in place by
 * design; only its two adapters, built on its own table name, and the stack's IAM statements for it (checked by
 * `test/infra/iam.test.ts`: never on the audit table) may name an updating operation.
 */
const STATE_TABLE_FILES = new Set([
  path.join('functions', 'adapters', 'dynamodb', 'webex-pacer.ts'),
  path.join('functions', 'adapters', 'dynamodb', 'status-records.ts'),
  path.join('infra', 'stack.ts'),
]);

const MUTATING =
  /\b(UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems|ExecuteStatement|BatchExecuteStatement|ExecuteTransaction|DeleteTable|UpdateTable|RestoreTable\w*|ImportTable)\w*/g;

describe('audit trail: append-only by construction', () => {
  it('reads enough of the source tree to mean something', () => {
    // Assess
    expect(FILES.length).toBeGreaterThan(50);
    expect(FILES.some((f) => f.file.endsWith(path.join('dynamodb', 'audit-store.ts')))).toBe(true);
  });

  it('names no DynamoDB operation that updates or deletes, in any product file', () => {
    // Act
    const offenders = FILES.filter(({ file }) => !STATE_TABLE_FILES.has(file)).flatMap(({ file, code: text }) =>
      [...text.matchAll(MUTATING)].map((m) => `${file}: ${m[0]}`),
    );
    const stateTableUpdates = FILES.filter(({ file }) => STATE_TABLE_FILES.has(file)).flatMap(({ code: text }) =>
      [...text.matchAll(MUTATING)].map((m) => m[0]),
    );

    // Assess: the state table's adapters update items, and nothing anywhere deletes one or writes in batches
    expect(offenders).toEqual([]);
    expect(new Set(stateTableUpdates)).toEqual(new Set(['UpdateItem', 'UpdateItemCommand']));
  });

  it('sends only PutItem, Query and GetItem from product code; tables are created only by the local runtime', () => {
    // Act
    const commands = new Map<string, Set<string>>();
    for (const { file, code: text } of FILES) {
      for (const match of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-dynamodb'/g)) {
        for (const name of (match[1] ?? '').split(',').map((n) => n.replace(/^\s*type\s+/, '').trim())) {
          if (!name.endsWith('Command')) continue;
          commands.set(name, new Set([...(commands.get(name) ?? []), file]));
        }
      }
    }

    // Assess
    const allowed = new Set(['PutItemCommand', 'QueryCommand', 'GetItemCommand']);
    const stateTableOnly = new Set(['UpdateItemCommand', 'BatchGetItemCommand']);
    const localOnly = new Set(['CreateTableCommand', 'DescribeTableCommand']);
    for (const [command, files] of commands) {
      if (allowed.has(command)) continue;
      if (stateTableOnly.has(command)) {
        expect(
          [...files].every((f) => STATE_TABLE_FILES.has(f)),
          `${command} in ${[...files].join(', ')}`,
        ).toBe(true);
        continue;
      }
      expect(localOnly.has(command), `${command} in ${[...files].join(', ')}`).toBe(true);
      expect([...files].every((f) => f.startsWith(`local${path.sep}`))).toBe(true);
    }
    expect(commands.get('PutItemCommand')).toEqual(
      new Set([
        path.join('functions', 'adapters', 'dynamodb', 'audit-store.ts'),
        path.join('functions', 'adapters', 'dynamodb', 'status-records.ts'),
      ]),
    );
  });

  it('writes every audit record with a PutItem conditioned on a new id, never overwriting one', () => {
    // Prepare
    const store = FILES.find((f) => f.file.endsWith(path.join('dynamodb', 'audit-store.ts')))?.code ?? '';

    // Act
    const puts = [...store.matchAll(/new PutItemCommand\(/g)].map((m) => store.slice(m.index, m.index + 600));

    // Assess
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatch(/ConditionExpression:\s*'attribute_not_exists\(#id\)'/);
  });

  it('offers no way to update or delete a record through the audit store', () => {
    // Act
    const methods = Object.getOwnPropertyNames(DynamoAuditStore.prototype).filter((name) => name !== 'constructor');

    // Assess
    expect(methods.sort()).toEqual(['append', 'get', 'listByDay', 'listByOrder', 'listBySubscriber', 'listStepByDay']);
  });
});
