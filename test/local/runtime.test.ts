import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../functions/catalog/routes';
import { InvalidPortError, PortInUseError } from '../../local/ports';
import { startLocalRuntime } from '../../local/runtime';
import { startTestRuntime, useTestRuntime } from '../support/local-runtime';

describe('local runtime', () => {
  const ctx = useTestRuntime();

  it('reports every component up on /health', async () => {
    // Act
    const response = await ctx.api.get('/health', { token: null });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'ok',
      components: {
        gateway: { status: 'ok' },
        dynamodb: { status: 'ok' },
        simulator: { status: 'ok' },
      },
    });
  });

  it('gives the handlers a local environment: dynalite, the simulator as Webex, fake AWS credentials', () => {
    // Prepare
    const { runtime } = ctx;

    // Assess
    expect(process.env).toMatchObject({
      AUDIT_TABLE_NAME: runtime.auditTableName,
      DYNAMODB_ENDPOINT: runtime.urls.dynamodb,
      WEBEX_BASE_URL: `${runtime.urls.simulator}/v1`,
      WEBEX_REFRESH_TOKEN: runtime.simulator.credentials.refreshToken,
      WEBEX_CLIENT_ID: runtime.simulator.credentials.clientId,
      WEBEX_CLIENT_SECRET: runtime.simulator.credentials.clientSecret,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'us-east-1',
    });
    expect(process.env.AUDIT_DIGEST_KEY).toMatch(/^[0-9a-f]{64}$/);
    expect(process.env.PARTNER_TOKEN_SECRET_ID).toBeUndefined();
    expect(process.env.STATE_MACHINE_ARN).toBeUndefined();
    expect(runtime.env).toMatchObject({ AUDIT_DIGEST_KEY: process.env.AUDIT_DIGEST_KEY });
    const { console: consoleUrl, ...servers } = runtime.urls;
    expect(consoleUrl).toBe(`${runtime.urls.api}/console`);
    for (const url of Object.values(servers)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('creates the audit table from its description, reachable with the unchanged AWS SDK', async () => {
    // Prepare
    const client = new DynamoDBClient({
      endpoint: ctx.runtime.urls.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

    // Act
    const { Table } = await client.send(new DescribeTableCommand({ TableName: ctx.runtime.auditTableName }));
    client.destroy();

    // Assess
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['byDay', 'byOrder', 'bySubscriber']);
  });

  it('hands out a read token and a write token that also reads', async () => {
    // Prepare
    const { tokens, issuer, audience } = ctx.runtime;

    // Act
    const read = decodeJwt(tokens.read);
    const write = decodeJwt(tokens.write);

    // Assess
    expect(issuer).toBe(`${ctx.runtime.urls.api}/local-idp`);
    expect(read).toMatchObject({ iss: issuer, aud: audience, scope: SCOPES.read });
    expect(String(write.scope).split(' ').sort()).toEqual([SCOPES.read, SCOPES.write].sort());
  });

  it('refuses a read token on a write route with 403 before any handler runs', async () => {
    // Act
    const response = await ctx.api.post('/v1/broadworks/subscribers', {}, { token: ctx.runtime.tokens.read });

    // Assess
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ message: expect.any(String), trackingId: expect.any(String) });
  });

  it('mints tokens with chosen claims that the gateway checks', async () => {
    // Prepare
    const wrongAudience = await ctx.runtime.mintToken(['read'], { aud: 'elsewhere' });

    // Act
    const response = await ctx.api.get('/v1/broadworks/subscribers', { token: wrongAudience });

    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });

  it('refuses a second runtime in the same process, since handlers share process.env', async () => {
    // Act + Assess
    await expect(startLocalRuntime({ ports: { api: 0, dynamodb: 0, simulator: 0 }, keyFile: false })).rejects.toThrow(
      /already running in this process/,
    );
  });

  it('reports 503 on /health when a component is down', async () => {
    // Prepare
    await ctx.runtime.simulator.stop();

    // Act
    const response = await ctx.api.get('/health', { token: null });

    // Assess
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      status: 'unavailable',
      components: {
        gateway: { status: 'ok' },
        dynamodb: { status: 'ok' },
        simulator: { status: 'down', error: expect.any(String) },
      },
    });
  });
});

describe('local runtime start and stop', () => {
  const previousSecret = process.env.PARTNER_TOKEN_SECRET_ID;
  afterAll(() => {
    if (previousSecret === undefined) delete process.env.PARTNER_TOKEN_SECRET_ID;
    else process.env.PARTNER_TOKEN_SECRET_ID = previousSecret;
  });

  it('names the variable to change when a port is taken, and leaves nothing running', async () => {
    // Prepare
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;

    try {
      // Act
      const attempt = startLocalRuntime({ ports: { api: taken, dynamodb: 0, simulator: 0 }, keyFile: false });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
      await expect(attempt).rejects.toThrow(new RegExp(`Port ${taken} .*PORT=`));
      const next = await startTestRuntime({ stopAfterAll: false });
      await next.stop();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('refuses a port variable that is not a port, naming it', async () => {
    // Act
    const attempt = startLocalRuntime({ env: { DYNAMODB_PORT: 'eight thousand' }, keyFile: false });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidPortError);
    await expect(attempt).rejects.toThrow(/DYNAMODB_PORT/);
  });

  it('hides AWS credentials sources from the handlers while running and restores the environment on stop', async () => {
    // Prepare
    process.env.PARTNER_TOKEN_SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:real';

    // Act
    const started = await startTestRuntime({ stopAfterAll: false });
    const whileRunning = process.env.PARTNER_TOKEN_SECRET_ID;
    const tableWhileRunning = process.env.AUDIT_TABLE_NAME;
    await started.stop();

    // Assess
    expect(whileRunning).toBeUndefined();
    expect(tableWhileRunning).toBe(started.runtime.auditTableName);
    expect(process.env.PARTNER_TOKEN_SECRET_ID).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:real');
    expect(process.env.AUDIT_TABLE_NAME).toBeUndefined();
  });

  it('stops idempotently', async () => {
    // Prepare
    const started = await startTestRuntime({ stopAfterAll: false });

    // Act
    await Promise.all([started.stop(), started.stop()]);
    await started.stop();

    // Assess
    await expect(fetch(`${started.runtime.urls.api}/health`)).rejects.toThrow();
  });
});

describe('local runtime Step Functions hook', () => {
  it('starts the component after the handler environment, points the handlers at it and stops it', async () => {
    // Prepare
    const stateMachineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:webex-bw-provisioning-local';
    const seen: Array<{ port: number; host: string; table: string | undefined }> = [];
    let stopped = 0;
    const fake = createHttpServer((_req, res) => res.end('{}'));
    const hook = async ({ port, host }: { port: number; host: string }) => {
      seen.push({ port, host, table: process.env.AUDIT_TABLE_NAME });
      await new Promise<void>((resolve) => fake.listen(port, host, resolve));
      const { port: bound } = fake.address() as { port: number };
      return {
        url: `http://${host}:${bound}`,
        stateMachineArn,
        stop: async () => {
          stopped++;
          await new Promise((resolve) => fake.close(resolve));
        },
      };
    };

    // Act
    const started = await startTestRuntime({ stopAfterAll: false, stepFunctions: hook });
    const env = { arn: process.env.STATE_MACHINE_ARN, endpoint: process.env.SFN_ENDPOINT };
    const health = await started.api.get<{ components: Record<string, unknown> }>('/health', { token: null });
    await started.stop();

    // Assess
    expect(seen).toEqual([{ port: 0, host: '127.0.0.1', table: started.runtime.auditTableName }]);
    expect(started.runtime.urls.stepFunctions).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.runtime.stateMachineArn).toBe(stateMachineArn);
    expect(env).toEqual({ arn: stateMachineArn, endpoint: started.runtime.urls.stepFunctions });
    expect(health.status).toBe(200);
    expect(health.body.components.stepFunctions).toEqual({ status: 'ok' });
    expect(stopped).toBe(1);
    expect(process.env.STATE_MACHINE_ARN).toBeUndefined();
  });
});
