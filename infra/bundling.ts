/**
 * How a Lambda function is bundled: ONE source of truth for the CDK stack (`constructs/service-function.ts` hands these
 * options to NodejsFunction, which runs the local esbuild CLI with them) and for the cold-start benchmark
 * (`bench/cold-start.ts` runs esbuild's JS API with `esbuildOptionsFor`, the same flags CDK passes).
 * Pure data: no CDK import, so the benchmark does not load aws-cdk-lib.
 *
 * One substitution (esbuild `alias`), in Lambda bundles only: `LAMBDA_ALIASES` points
 * `@aws-sdk/credential-provider-node` (the SDK clients' default credential provider chain) at `lambda-credentials.ts`,
 * the SDK's environment provider (`@aws-sdk/credential-provider-env`): in Lambda the function's credentials are in its
 * environment, and the rest of the chain (SSO, STS, profiles, metadata endpoints: about 240 KB) is never used.
 * `test/infra/bundle-credentials.test.ts` signs a request with a bundle built this way. The local runtime, the CLIs and
 * the tests run the sources and keep the whole chain, and so does the cold-start benchmark's standard function: it is
 * bundled with these options but without this alias. Nothing else of the SDK is replaced or left out.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/** The project root: what the aliases are relative to. */
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Lets bundled CommonJS dependencies call `require` inside the ESM bundle. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** The Node.js major the functions run on (Lambda `nodejs24.x`); esbuild targets it. */
export const LAMBDA_NODE_MAJOR = 24;

/**
 * The package aliases of a Lambda bundle (esbuild `alias`): its credential provider. Paths are relative to the project
 * root (CDK's working directory).
 */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './infra/lambda-credentials.ts',
};

/** The same aliases as NodejsFunction's `esbuildArgs` (`--alias:<package>=<path>`). */
export const LAMBDA_ESBUILD_ARGS: Readonly<Record<string, string[]>> = {
  '--alias': Object.entries(LAMBDA_ALIASES).map(([name, path]) => `${name}=${path}`),
};

/**
 * Where a bundle's SDK clients take their credentials: `environment` (our functions) or the SDK's `default-chain`
 * (the cold-start benchmark's standard function, written the standard way).
 */
export type BundleCredentials = 'environment' | 'default-chain';

/** NodejsFunction `bundling` options, in CDK's vocabulary (string values of its OutputFormat / SourceMapMode enums). */
export const LAMBDA_BUNDLING = {
  format: 'esm',
  /** Prefer the ESM build of dependencies (better tree-shaking of the AWS SDK and zod). */
  mainFields: ['module', 'main'],
  target: `node${LAMBDA_NODE_MAJOR}`,
  minify: true,
  sourceMap: true,
  sourceMapMode: 'external',
  sourcesContent: false,
  /** The SDK version we test with ships in the bundle instead of the runtime's. */
  bundleAwsSDK: true,
  externalModules: [] as string[],
  banner: ESM_REQUIRE_BANNER,
} as const;

/** The file name CDK gives an ESM bundle. */
export const BUNDLE_FILE_NAME = 'index.mjs';

/** The esbuild options equivalent to what CDK runs for an entry (`esbuild --bundle <entry> --platform=node …`). */
export function esbuildOptionsFor(
  entryPoint: string,
  outfile: string,
  credentials: BundleCredentials = 'environment',
): BuildOptions {
  return {
    absWorkingDir: PROJECT_ROOT,
    alias: credentials === 'environment' ? { ...LAMBDA_ALIASES } : {},
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: 'node',
    format: LAMBDA_BUNDLING.format,
    target: LAMBDA_BUNDLING.target,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMapMode,
    sourcesContent: LAMBDA_BUNDLING.sourcesContent,
    external: [...LAMBDA_BUNDLING.externalModules],
    banner: { js: LAMBDA_BUNDLING.banner },
    logLevel: 'warning',
  };
}
