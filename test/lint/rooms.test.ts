/**
 * The rooms of docs/ARCHITECTURE.md are enforced by `npm run lint` (Biome's `noRestrictedImports`, per folder, in
 * biome.json). Each case writes one probe module at a path of the repository's layout in a scratch copy of biome.json
 * and runs Biome on it: a forbidden import must fail the lint with the rooms message, an allowed one must pass.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIOME = resolve('node_modules/.bin/biome');

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'rooms-'));
  copyFileSync(resolve('biome.json'), join(scratch, 'biome.json'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Lint one module written at `path` (relative to the repository root) with the project's biome.json. */
function lint(path: string, source: string): { failed: boolean; output: string } {
  const dir = mkdtempSync(join(scratch, 'case-'));
  copyFileSync(join(scratch, 'biome.json'), join(dir, 'biome.json'));
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), source);
  const run = spawnSync(BIOME, ['lint', '--vcs-enabled=false', '--max-diagnostics=20', path], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { failed: run.status !== 0, output: `${run.stdout}${run.stderr}` };
}

describe('the rooms are enforced by npm run lint', () => {
  it.each([
    [
      'a domain module importing the DynamoDB client',
      'functions/domain/workflow/probe.ts',
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const probe = DynamoDBClient;\n",
    ],
    [
      'a domain module importing middy',
      'functions/domain/use-cases/probe.ts',
      "import middy from '@middy/core';\nexport const probe = middy;\n",
    ],
    [
      'a domain module importing http/',
      'functions/domain/probe.ts',
      "import { MethodNotAllowedError } from '../http/errors';\nexport const probe = MethodNotAllowedError;\n",
    ],
    [
      'a domain module importing an adapter',
      'functions/domain/workflow/probe.ts',
      "import { DynamoAuditStore } from '../../adapters/dynamodb/audit-store';\nexport const probe = DynamoAuditStore;\n",
    ],
    [
      'a domain module importing the composition',
      'functions/domain/batches/probe.ts',
      "import { getClock } from '../../composition/root';\nexport const probe = getClock;\n",
    ],
    [
      'a domain module importing the configuration',
      'functions/domain/probe.ts',
      "import { loadConfig } from '../config';\nexport const probe = loadConfig;\n",
    ],
    [
      'an adapter importing the composition',
      'functions/adapters/dynamodb/probe.ts',
      "import { getConfig } from '../../composition/root';\nexport const probe = getConfig;\n",
    ],
    [
      'an adapter importing the configuration',
      'functions/adapters/webex/probe.ts',
      "import type { ServiceConfig } from '../../config';\nexport type Probe = ServiceConfig;\n",
    ],
    [
      'an adapter importing an API handler',
      'functions/adapters/sfn/probe.ts',
      "import { handler } from '../../api/get-order';\nexport const probe = handler;\n",
    ],
    [
      'an adapter importing a workflow task',
      'functions/adapters/sfn/probe.ts',
      "import { handler } from '../../workflow/provision';\nexport const probe = handler;\n",
    ],
    [
      'an adapter importing http/',
      'functions/adapters/webex/probe.ts',
      "import { json } from '../../http/responses';\nexport const probe = json;\n",
    ],
    [
      'a function module importing infra/',
      'functions/api/probe.ts',
      "import { ServiceStack } from '../../infra/stack';\nexport const probe = ServiceStack;\n",
    ],
    [
      'an HTTP module importing infra/',
      'functions/http/probe.ts',
      "import { esbuildOptionsFor } from '../../infra/bundling';\nexport const probe = esbuildOptionsFor;\n",
    ],
    [
      'a function module importing local/',
      'functions/workflow/probe.ts',
      "import { startLocalRuntime } from '../../local/runtime';\nexport const probe = startLocalRuntime;\n",
    ],
    [
      'the local runtime importing test/',
      'local/probe.ts',
      "import { createManualClock } from '../test/support/fakes';\nexport const probe = createManualClock;\n",
    ],
    [
      'a bench importing a test suite',
      'bench/probe.ts',
      "import { startHarness } from '../test/workflow/harness';\nexport const probe = startHarness;\n",
    ],
  ])('refuses %s', (_what, path, source) => {
    // Act
    const result = lint(path, source);

    // Assess
    expect(result.failed).toBe(true);
    expect(result.output).toContain('noRestrictedImports');
    expect(result.output).toContain('Rooms (docs/ARCHITECTURE.md)');
  });

  it.each([
    [
      'a domain module importing a port and the contract',
      'functions/domain/workflow/probe.ts',
      "import type { AuditStore } from '../ports/audit';\nimport { RULES } from '../contract/rules';\nexport type Probe = AuditStore;\nexport const rules = RULES;\n",
    ],
    [
      'an adapter importing the domain and the AWS SDK',
      'functions/adapters/sfn/probe.ts',
      "import { SFNClient } from '@aws-sdk/client-sfn';\nimport type { OrderExecutions } from '../../domain/workflow/orders';\nexport type Probe = OrderExecutions;\nexport const client = SFNClient;\n",
    ],
    [
      'a handler importing the composition and the catalogue',
      'functions/api/probe.ts',
      "import { ROUTES } from '../catalog/routes';\nimport { getClock } from '../composition/root';\nexport const probe = [ROUTES, getClock];\n",
    ],
    [
      'infra/ importing the catalogue',
      'infra/probe.ts',
      "import { ROUTES } from '../functions/catalog/routes';\nexport const probe = ROUTES;\n",
    ],
    [
      'a bench importing test/support/',
      'bench/probe.ts',
      "import { createManualClock } from '../test/support/fakes';\nexport const probe = createManualClock;\n",
    ],
  ])('allows %s', (_what, path, source) => {
    // Act
    const result = lint(path, source);

    // Assess
    expect(result.output).not.toContain('noRestrictedImports');
    expect(result.failed).toBe(false);
  });
});
