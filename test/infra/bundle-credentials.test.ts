/**
 * A Lambda bundle takes its AWS credentials from the environment (infra/bundling.ts aliases the SDK's default
 * credential provider chain to `@aws-sdk/credential-provider-env`): a bundle built with the deployed options signs a
 * request with the environment's credentials, carries none of the chain's other providers, and without environment
 * credentials fails at once instead of looking for profiles or metadata endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambdaScript, type LambdaScript, type RecordingEndpoint, startRecordingEndpoint } from './lambda-bundle';

/** A function that makes one DynamoDB call, as every deployed function does through the composition root. */
const ENTRY = `
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
export const handler = async () => {
  const client = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, maxAttempts: 1 });
  try {
    const answer = await client.send(new ListTablesCommand({}));
    return { ok: true, tables: answer.TableNames };
  } catch (error) {
    return { ok: false, name: error.name };
  }
};
const result = await handler();
process.stdout.write(JSON.stringify(result));
`;

const ENV_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'ASIAENVIRONMENTKEY01',
  AWS_SECRET_ACCESS_KEY: 'environment/secret/access/key/0000000000',
  AWS_SESSION_TOKEN: 'environment-session-token',
};

let script: LambdaScript;
let endpoint: RecordingEndpoint;

beforeAll(async () => {
  // Prepare: the bundle, built with the deployed options, and an endpoint that records what it is sent
  script = await buildLambdaScript(ENTRY, 'bundle-credentials');
  endpoint = await startRecordingEndpoint(() => ({
    status: 200,
    contentType: 'application/x-amz-json-1.0',
    body: { TableNames: ['audit'] },
  }));
}, 60_000);

afterAll(async () => {
  await endpoint.close();
  script.remove();
});

/** Run the bundle in a fresh node process with only `env` (and an empty HOME: no profile files to find). */
async function runBundle(env: Record<string, string>): Promise<{ ok: boolean; name?: string; tables?: string[] }> {
  return (await script.run({ AWS_REGION: 'eu-west-1', DYNAMODB_ENDPOINT: endpoint.url, ...env })) as {
    ok: boolean;
    name?: string;
    tables?: string[];
  };
}

describe('a Lambda bundle', () => {
  it("signs a request with the environment's credentials", async () => {
    // Act
    endpoint.received.length = 0;
    const result = await runBundle(ENV_CREDENTIALS);

    // Assess
    expect(result).toEqual({ ok: true, tables: ['audit'] });
    expect(endpoint.received).toHaveLength(1);
    expect(endpoint.received[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAENVIRONMENTKEY01\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=.*x-amz-security-token.*, Signature=[0-9a-f]{64}$/,
    );
    expect(endpoint.received[0]?.['x-amz-security-token']).toBe(ENV_CREDENTIALS.AWS_SESSION_TOKEN);
  });

  it('has no other credential source: without environment credentials it sends nothing', async () => {
    // Act
    endpoint.received.length = 0;
    const result = await runBundle({});

    // Assess
    expect(result).toEqual({ ok: false, name: 'CredentialsProviderError' });
    expect(endpoint.received).toHaveLength(0);
  });

  it("carries the environment provider and none of the default chain's", () => {
    // Act
    const inputs = Object.keys(script.metafile.inputs);

    // Assess
    expect(inputs.some((input) => input.includes('@aws-sdk/credential-provider-env/'))).toBe(true);
    expect(
      inputs.filter((input) => /credential-provider-(node|ini|sso|process|web-identity|http)\//.test(input)),
    ).toEqual([]);
    expect(inputs.filter((input) => /@aws-sdk\/(nested-clients|client-sts|client-sso)\//.test(input))).toEqual([]);
  });
});
