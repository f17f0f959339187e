/**
 * THE way this project declares a Lambda function: one NodejsFunction with the project's defaults (Node.js 24 on arm64,
 * ESM bundle built by the local esbuild with the AWS SDK inside, source maps, Active tracing, its own log group with
 * retention, its own IAM role with nothing but log writing — every other permission is granted explicitly by the stack).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type OutputFormat, type SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ESM_REQUIRE_BANNER, LAMBDA_BUNDLING, LAMBDA_ESBUILD_ARGS } from '../bundling';
import { REPO_ROOT } from '../paths';

export { ESM_REQUIRE_BANNER };

/** What kind of work a function does; picks its memory and timeout. */
export type FunctionRole = 'api' | 'docs' | 'workflow' | 'scheduled' | 'stream';

export interface FunctionSizing {
  readonly memorySize: number;
  readonly timeout: Duration;
}

/**
 * - api: under API Gateway's 30 s integration limit, so Lambda (not the gateway) ends a stuck call and our error mapper
 *   answers; the Webex client's own deadline (25 s) is shorter still.
 * - workflow: a task makes one or two Webex calls with retries and writes audit records; Step Functions retries on top
 *   (the stack uses the workflow's own TASK_FUNCTION_TIMEOUT, kept below its task timeout).
 * - scheduled: the partner token refresh, one grant call and one secret write.
 * - stream: the audit stream consumer, one StartExecution per record of a batch of at most 10.
 */
export const FUNCTION_SIZING: Readonly<Record<FunctionRole, FunctionSizing>> = {
  api: { memorySize: 512, timeout: Duration.seconds(29) },
  docs: { memorySize: 256, timeout: Duration.seconds(10) },
  workflow: { memorySize: 512, timeout: Duration.seconds(60) },
  scheduled: { memorySize: 256, timeout: Duration.seconds(60) },
  stream: { memorySize: 256, timeout: Duration.seconds(60) },
};

export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;
export const FUNCTION_ARCHITECTURE = lambda.Architecture.ARM_64;

/** The code used instead of a bundle when bundling is skipped: fails loudly if ever deployed. */
const NOT_BUNDLED_CODE =
  "exports.handler = async () => { throw new Error('This function was synthesized with skipBundling: redeploy without it'); };";

export interface ServiceFunctionProps {
  /** Handler module relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly role: FunctionRole;
  readonly description: string;
  /** Overrides the role's timeout (e.g. the workflow's own task-function timeout). */
  readonly timeout?: Duration;
  /** Variables beyond the defaults (`LOG_LEVEL`, `NODE_OPTIONS`). */
  readonly environment?: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  readonly logLevel: string;
  /** Skip esbuild (fast synth for tests). The result is not deployable. Default: context `skipBundling`. */
  readonly skipBundling?: boolean;
  /** Reserved concurrency (e.g. 1 for a job that must never run twice at once). */
  readonly reservedConcurrentExecutions?: number;
  /** Destination for failed asynchronous invocations (scheduled functions). */
  readonly onFailure?: lambda.IDestination;
  /** Retries of a failed asynchronous invocation (scheduled functions). */
  readonly retryAttempts?: number;
}

export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly bundled: boolean;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const sizing = FUNCTION_SIZING[props.role];
    this.bundled = !(props.skipBundling ?? isSkipBundlingContext(this.node.tryGetContext('skipBundling')));

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Our own role: no AWSLambdaBasicExecutionRole (it allows logs on every log group); logs only to this group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    this.logGroup.grantWrite(this.role);

    const entry = join(REPO_ROOT, props.entry);
    if (this.bundled && !existsSync(entry)) {
      throw new Error(`Handler entry ${props.entry} of ${id} does not exist`);
    }

    this.function = new NodejsFunction(this, 'Function', {
      description: props.description.slice(0, 256),
      runtime: FUNCTION_RUNTIME,
      architecture: FUNCTION_ARCHITECTURE,
      memorySize: sizing.memorySize,
      timeout: props.timeout ?? sizing.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      onFailure: props.onFailure,
      retryAttempts: props.retryAttempts,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        LOG_LEVEL: props.logLevel,
        ...props.environment,
      },
      ...(this.bundled
        ? {
            entry,
            handler: 'handler',
            projectRoot: REPO_ROOT,
            depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
            bundling: {
              // The local esbuild devDependency; CDK would only fall back to Docker if it were missing.
              forceDockerBundling: false,
              // infra/bundling.ts: the same options the cold-start benchmark bundles with.
              format: LAMBDA_BUNDLING.format as OutputFormat,
              mainFields: [...LAMBDA_BUNDLING.mainFields],
              target: LAMBDA_BUNDLING.target,
              minify: LAMBDA_BUNDLING.minify,
              sourceMap: LAMBDA_BUNDLING.sourceMap,
              sourceMapMode: LAMBDA_BUNDLING.sourceMapMode as SourceMapMode,
              sourcesContent: LAMBDA_BUNDLING.sourcesContent,
              bundleAwsSDK: LAMBDA_BUNDLING.bundleAwsSDK,
              externalModules: [...LAMBDA_BUNDLING.externalModules],
              banner: LAMBDA_BUNDLING.banner,
              // infra/bundling.ts's alias: the environment credential provider instead of the default chain.
              esbuildArgs: { ...LAMBDA_ESBUILD_ARGS, '--alias': [...(LAMBDA_ESBUILD_ARGS['--alias'] ?? [])] },
            },
          }
        : { code: lambda.Code.fromInline(NOT_BUNDLED_CODE), handler: 'index.handler' }),
    });
  }
}

function isSkipBundlingContext(value: unknown): boolean {
  return value === true || value === 'true';
}
