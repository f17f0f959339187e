/**
 * How a Lambda function is bundled: ONE source of truth for the CDK stack (`constructs/service-function.ts` hands these
 * options to NodejsFunction, which runs the local esbuild CLI with them) and for the cold-start benchmark
 * (`bench/cold-start.ts` runs esbuild's JS API with `esbuildOptionsFor`, the same flags CDK passes).
 * Pure data: no CDK import, so the benchmark does not load aws-cdk-lib.
 */
import type { BuildOptions } from 'esbuild';

/** Lets bundled CommonJS dependencies call `require` inside the ESM bundle. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** The Node.js major the functions run on (Lambda `nodejs24.x`); esbuild targets it. */
export const LAMBDA_NODE_MAJOR = 24;

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
export function esbuildOptionsFor(entryPoint: string, outfile: string): BuildOptions {
  return {
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
