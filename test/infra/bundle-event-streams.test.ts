/**
 * A Lambda bundle carries no event-stream support (infra/bundling.ts aliases `@smithy/core/event-streams` to
 * `infra/lambda-event-streams.ts`): the SDK clients our functions use still make their calls, asking for event-stream
 * support fails with a named error, and no deployed bundle initialises SDK modules lazily (the cost the alias removes:
 * esbuild wraps a dynamically imported module and everything it imports in `__esm` closures).
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/catalog/routes';
import { FOLLOW_SUBSCRIBERS_ENTRY } from '../../functions/catalog/stream-consumers';
import { WORKFLOW_TASKS } from '../../functions/catalog/workflow-tasks';
import { esbuildOptionsFor } from '../../infra/bundling';
import { REFRESH_FUNCTION_ENTRY } from '../../infra/constructs/partner-token';
import { buildLambdaScript, type LambdaScript, type RecordingEndpoint, startRecordingEndpoint } from './lambda-bundle';

/** One call with each SDK client the functions use, then a request for the SDK's event-stream support. */
const ENTRY = `
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
const config = { endpoint: process.env.AWS_ENDPOINT, maxAttempts: 1 };
const outcome = (call) => call.then((answer) => ({ ok: true, answer }), (error) => ({ ok: false, name: error.name }));
const result = {
  dynamodb: await outcome(new DynamoDBClient(config).send(new PutItemCommand({ TableName: 'audit', Item: { pk: { S: 'a' } } }))),
  sfn: await outcome(new SFNClient(config).send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:m:e' }))),
  secrets: await outcome(new SecretsManagerClient(config).send(new GetSecretValueCommand({ SecretId: 'partner-token' }))),
};
try {
  await import('@smithy/core/event-streams');
  result.eventStreams = 'loaded';
} catch (error) {
  result.eventStreams = { name: error.name, message: error.message };
}
process.stdout.write(JSON.stringify(result));
`;

/** What the recording endpoint answers per operation (the `x-amz-target` header of the AWS JSON protocols). */
const ANSWERS: Record<string, { contentType: string; body: unknown }> = {
  'DynamoDB_20120810.PutItem': { contentType: 'application/x-amz-json-1.0', body: {} },
  'AWSStepFunctions.DescribeExecution': {
    contentType: 'application/x-amz-json-1.0',
    body: { executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:m:e', status: 'RUNNING' },
  },
  'secretsmanager.GetSecretValue': { contentType: 'application/x-amz-json-1.1', body: { SecretString: 'token' } },
};

interface Outcome {
  ok: boolean;
  name?: string;
  answer?: Record<string, unknown>;
}

let script: LambdaScript;
let endpoint: RecordingEndpoint;

beforeAll(async () => {
  // Prepare: the bundle, built with the deployed options, and an endpoint that answers the three operations
  script = await buildLambdaScript(ENTRY, 'bundle-event-streams');
  endpoint = await startRecordingEndpoint((headers) => {
    const answer = ANSWERS[String(headers['x-amz-target'])];
    return answer === undefined
      ? { status: 400, contentType: 'application/json', body: { __type: 'UnknownOperationException' } }
      : { status: 200, ...answer };
  });
}, 60_000);

afterAll(async () => {
  await endpoint.close();
  script.remove();
});

describe('a Lambda bundle without event-stream support', () => {
  it('still calls DynamoDB, Step Functions and Secrets Manager, and refuses event streams by name', async () => {
    // Act
    const result = (await script.run({
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT: endpoint.url,
      AWS_ACCESS_KEY_ID: 'ASIAENVIRONMENTKEY01',
      AWS_SECRET_ACCESS_KEY: 'environment/secret/access/key/0000000000',
    })) as Record<'dynamodb' | 'sfn' | 'secrets', Outcome> & { eventStreams: unknown };

    // Assess
    expect(endpoint.received.map((headers) => headers['x-amz-target'])).toEqual([
      'DynamoDB_20120810.PutItem',
      'AWSStepFunctions.DescribeExecution',
      'secretsmanager.GetSecretValue',
    ]);
    expect(result.dynamodb.ok).toBe(true);
    expect(result.sfn).toMatchObject({ ok: true, answer: { status: 'RUNNING' } });
    expect(result.secrets).toMatchObject({ ok: true, answer: { SecretString: 'token' } });
    expect(result.eventStreams).toEqual({
      name: 'EventStreamsNotBundledError',
      message: expect.stringContaining('infra/bundling.ts replaces @smithy/core/event-streams'),
    });
  });
});

/** Every deployed function's entry: API routes, workflow tasks, the scheduled token refresh, the stream consumer. */
const DEPLOYED_ENTRIES = [
  ...new Set([
    ...ROUTES.map((route) => route.entry),
    ...WORKFLOW_TASKS.map((task) => task.entry),
    REFRESH_FUNCTION_ENTRY,
    FOLLOW_SUBSCRIBERS_ENTRY,
  ]),
];

/** The modules a bundle initialises lazily: esbuild's `__esm` wrappers, named after their source in readable output. */
async function lazilyInitialisedModules(entry: string): Promise<string[]> {
  const result = await build({
    ...esbuildOptionsFor(resolve(entry), 'out/index.mjs'),
    minify: false,
    write: false,
    sourcemap: false,
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'))?.text ?? '';
  return [...code.matchAll(/= __esm\(\{\s*"([^"]+)"/g)].map((match) => match[1] ?? '');
}

describe('deployed bundles', () => {
  it.each(DEPLOYED_ENTRIES)('%s initialises every SDK module when it loads', async (entry) => {
    // Act
    const lazy = await lazilyInitialisedModules(entry);

    // Assess: at most the stand-in for event-stream support, which only an event-stream operation would import
    expect(lazy.filter((module) => module !== 'infra/lambda-event-streams.ts')).toEqual([]);
  });
});
