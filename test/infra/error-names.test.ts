/**
 * Our errors keep their names in the deployed bundles. Those are minified, so a class's own name is mangled there
 * (`class Ce extends Error`); an error that took its name from its class (`new.target.name`) would log
 * `errorName: "Ce"`. Each named error class therefore names itself with a string. This test bundles every module that
 * declares error classes with the Lambda bundling options (infra/bundling.ts) and reads the names back.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptionsFor } from '../../infra/bundling';

const ERROR_MODULES = [
  'functions/domain/errors.ts',
  'functions/http/errors.ts',
  'functions/domain/ports/workflow.ts',
  'functions/domain/workflow/task-errors.ts',
  'functions/domain/use-cases/refresh-partner-token.ts',
  'functions/adapters/secrets/secret-value.ts',
];

/** Base classes that are not thrown themselves (WorkflowTaskError takes its name as an argument). */
const NOT_SELF_NAMED = new Set(['DomainError', 'WorkflowTaskError']);

let dir: string;
let bundled: Record<string, unknown>;

beforeAll(async () => {
  // Prepare: one minified bundle re-exporting every error module, built as a Lambda's is
  dir = mkdtempSync(join(tmpdir(), 'error-names-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, ERROR_MODULES.map((m) => `export * from ${JSON.stringify(resolve(m))};`).join('\n'));
  const outfile = join(dir, 'index.mjs');
  await build(esbuildOptionsFor(entry, outfile));
  bundled = (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

type ErrorClass = new (...args: unknown[]) => Error;

function errorClasses(exports: Record<string, unknown>): Array<[string, ErrorClass]> {
  return Object.entries(exports).filter(
    (entry): entry is [string, ErrorClass] =>
      typeof entry[1] === 'function' && (entry[1] as { prototype?: unknown }).prototype instanceof Error,
  );
}

describe('error names in a minified Lambda bundle', () => {
  it('finds the error classes, under mangled class names', () => {
    // Act
    const classes = errorClasses(bundled);

    // Assess: the check below means something only if minification really renamed the classes
    expect(classes.length).toBeGreaterThanOrEqual(20);
    expect(classes.filter(([exported, cls]) => cls.name !== exported).length).toBeGreaterThan(0);
  });

  it('gives every thrown error the name of its class', () => {
    // Act
    const names = errorClasses(bundled)
      .filter(([exported]) => !NOT_SELF_NAMED.has(exported))
      .map(([exported, cls]) => [exported, new cls('service', 'Code', 400, 1).name]);

    // Assess
    expect(names).toEqual(names.map(([exported]) => [exported, exported]));
  });
});
