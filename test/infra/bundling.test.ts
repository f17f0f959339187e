import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER, ServiceFunction } from '../../infra/constructs/service-function';

/** A real route handler: the middy stack, the contract schemas, the Webex client and the AWS SDK all end up in it. */
const ENTRY = 'functions/api/get-subscriber.ts';

let outdir: string;
let bundleDir: string;
let template: Template;

beforeAll(() => {
  // Prepare: one function, bundled for real by the local esbuild (no Docker)
  outdir = mkdtempSync(join(tmpdir(), 'infra-bundling-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'BundlingTest');
  const fn = new ServiceFunction(stack, 'GetSubscriber', {
    entry: ENTRY,
    role: 'api',
    description: 'bundling test',
    logRetentionDays: 7,
    logLevel: 'info',
    skipBundling: false,
  });
  template = Template.fromStack(stack);
  const assembly = app.synth();
  const assetPath = (fn.function.node.findChild('Code') as unknown as { assetPath: string } | undefined)?.assetPath;
  bundleDir = assetPath === undefined ? '' : join(assembly.directory, assetPath);
}, 120_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('ServiceFunction bundling (one real esbuild run)', () => {
  it('produces an ESM bundle with its source map and a sane size', () => {
    // Act
    const bundle = join(bundleDir, 'index.mjs');
    const size = statSync(bundle).size;

    // Assess
    expect(existsSync(join(bundleDir, 'index.mjs.map'))).toBe(true);
    expect(size).toBeGreaterThan(10 * 1024);
    expect(size).toBeLessThan(3 * 1024 * 1024);
  });

  it('bundles the AWS SDK instead of expecting the runtime to provide it, and gives ESM a require', () => {
    // Act
    const code = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');

    // Assess
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    // An external module would stay as an import statement or an esbuild `__require` call.
    for (const module of ['@aws-sdk/client-secrets-manager', '@aws-sdk/client-dynamodb', 'zod', '@middy/core']) {
      for (const form of ['from', 'import(', '__require(']) {
        expect(code).not.toContain(`${form}"${module}"`);
        expect(code).not.toContain(`${form} "${module}"`);
      }
    }
    expect(code).not.toMatch(/\b(from\s*|import\(\s*|__require\(\s*)["']@aws-sdk\//);
  });

  it("applies infra/bundling.ts's one substitution: environment credentials instead of the default chain", () => {
    // Act
    const { sources } = JSON.parse(readFileSync(join(bundleDir, 'index.mjs.map'), 'utf8')) as { sources: string[] };

    // Assess
    expect(sources.some((source) => source.endsWith('infra/lambda-credentials.ts'))).toBe(true);
    expect(sources.filter((source) => /credential-provider-node\//.test(source))).toEqual([]);
  });

  it('loads as a module and exports the handler', async () => {
    // Act
    const module = (await import(pathToFileURL(join(bundleDir, 'index.mjs')).href)) as { handler?: unknown };

    // Assess
    expect(typeof module.handler).toBe('function');
  });

  it('points the function at the bundle: index.handler on nodejs24.x arm64', () => {
    // Act / Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Code: { S3Bucket: { 'Fn::Sub': Match.stringLikeRegexp('^cdk-') }, S3Key: Match.stringLikeRegexp('\\.zip$') },
    });
  });
});
