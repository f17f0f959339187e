/**
 * A Lambda bundle takes its AWS credentials from the environment (infra/bundling.ts aliases the SDK's default
 * credential provider chain to `@aws-sdk/credential-provider-env`): a bundle built with the deployed options signs a
 * request with the environment's credentials, carries none of the chain's other providers, and without environment
 * credentials fails at once instead of looking for profiles or metadata endpoints.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptionsFor } from '../../infra/bundling';

const run = promisify(execFile);

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

let dir: string;
let bundle: string;
let metafile: Metafile;
let server: Server;
let endpoint: string;
const received: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  // Prepare: the bundle, built with the deployed options, and an endpoint that records what it is sent
  dir = mkdtempSync(join(tmpdir(), 'bundle-credentials-'));
  bundle = join(dir, 'index.mjs');
  const { entryPoints: _entry, ...options } = esbuildOptionsFor(resolve('functions/composition/root.ts'), bundle);
  const result = await build({
    ...options,
    stdin: { contents: ENTRY, resolveDir: resolve('.'), sourcefile: 'entry.mjs', loader: 'js' },
    sourcemap: false,
    metafile: true,
  });
  metafile = result.metafile;
  server = createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{"TableNames":["audit"]}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  rmSync(dir, { recursive: true, force: true });
});

/** Run the bundle in a fresh node process with only `env` (and an empty HOME: no profile files to find). */
async function runBundle(env: Record<string, string>): Promise<{ ok: boolean; name?: string; tables?: string[] }> {
  const { stdout } = await run(process.execPath, [bundle], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, AWS_REGION: 'eu-west-1', DYNAMODB_ENDPOINT: endpoint, ...env },
    timeout: 20_000,
  });
  return JSON.parse(stdout) as { ok: boolean; name?: string; tables?: string[] };
}

describe('a Lambda bundle', () => {
  it("signs a request with the environment's credentials", async () => {
    // Act
    received.length = 0;
    const result = await runBundle(ENV_CREDENTIALS);

    // Assess
    expect(result).toEqual({ ok: true, tables: ['audit'] });
    expect(received).toHaveLength(1);
    expect(received[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAENVIRONMENTKEY01\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=.*x-amz-security-token.*, Signature=[0-9a-f]{64}$/,
    );
    expect(received[0]?.['x-amz-security-token']).toBe(ENV_CREDENTIALS.AWS_SESSION_TOKEN);
  });

  it('has no other credential source: without environment credentials it sends nothing', async () => {
    // Act
    received.length = 0;
    const result = await runBundle({});

    // Assess
    expect(result).toEqual({ ok: false, name: 'CredentialsProviderError' });
    expect(received).toHaveLength(0);
  });

  it("carries the environment provider and none of the default chain's", () => {
    // Act
    const inputs = Object.keys(metafile.inputs);

    // Assess
    expect(inputs.some((input) => input.includes('@aws-sdk/credential-provider-env/'))).toBe(true);
    expect(
      inputs.filter((input) => /credential-provider-(node|ini|sso|process|web-identity|http)\//.test(input)),
    ).toEqual([]);
    expect(inputs.filter((input) => /@aws-sdk\/(nested-clients|client-sts|client-sso)\//.test(input))).toEqual([]);
  });
});
