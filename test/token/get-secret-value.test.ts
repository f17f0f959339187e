import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/transport';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  GetSecretValueReader,
  type GetSecretValueReaderOptions,
} from '../../functions/adapters/secrets/get-secret-value';
import {
  SecretNotFoundError,
  SecretsManagerRequestError,
  SecretsManagerUnavailableError,
} from '../../functions/adapters/secrets/secret-value';
import {
  type FakeAwsEndpoint,
  failureOf,
  type ReceivedRequest,
  type ScriptedAnswer,
  startFakeAwsEndpoint,
} from '../support/fake-aws-endpoint';
import { createTestClock, type TestClock } from '../webex-client/test-clock';

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI-SECRET',
  sessionToken: 'session-SECRET',
};
const SECRET_VALUE = '{"accessToken":"access-SECRET"}';

/** A fake Secrets Manager endpoint (AWS JSON 1.1). */
let fake: FakeAwsEndpoint;

beforeAll(async () => {
  fake = await startFakeAwsEndpoint('application/x-amz-json-1.1');
});

afterAll(async () => {
  await fake.close();
});

const readers: GetSecretValueReader[] = [];
afterEach(() => {
  for (const reader of readers.splice(0)) reader.destroy();
  fake.reset();
});

function newReader(options: Partial<GetSecretValueReaderOptions> = {}): {
  reader: GetSecretValueReader;
  clock: TestClock;
} {
  const clock = createTestClock();
  const reader = new GetSecretValueReader({
    region: 'eu-west-1',
    endpoint: fake.url,
    credentials: CREDENTIALS,
    clock,
    random: () => 0.5,
    ...options,
  });
  readers.push(reader);
  return { reader, clock };
}

const ok = (secretString?: string): ScriptedAnswer => ({
  status: 200,
  body: { ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x', Name: 'x', SecretString: secretString },
});
const awsError = (status: number, type: string, message = 'no'): ScriptedAnswer => ({
  status,
  body: { __type: type, message },
});

describe('GetSecretValueReader (AWS JSON 1.1, signed with SigV4)', () => {
  it('asks GetSecretValue for the secret and returns its SecretString', async () => {
    // Prepare
    fake.script = [ok(SECRET_VALUE)];
    const { reader } = newReader();

    // Act
    const value = await reader.readSecretString('webex/partner-token');

    // Assess
    expect(value).toBe(SECRET_VALUE);
    expect(fake.received).toHaveLength(1);
    const [request] = fake.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/');
    expect(request?.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(request?.body ?? '')).toEqual({ SecretId: 'webex/partner-token' });
  });

  it('signs the request with SigV4 for secretsmanager in the configured region, session token included', async () => {
    // Prepare
    fake.script = [ok(SECRET_VALUE)];
    const { reader, clock } = newReader();

    // Act
    await reader.readSecretString('digest-key');

    // Assess: the Authorization header is what SigV4 gives for the request as the server fake.received it
    const request = fake.received[0] as ReceivedRequest;
    const authorization = String(request.headers.authorization);
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    expect(authorization).toContain('x-amz-target');
    expect(request.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
    const url = new URL(fake.url);
    const expected = await new SignatureV4({
      service: 'secretsmanager',
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      sha256: Sha256,
    }).sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers: {
          host: url.host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'secretsmanager.GetSecretValue',
        },
        body: request.body,
      }),
      { signingDate: new Date(clock.now()) },
    );
    expect(authorization).toBe((expected as HttpRequest).headers.authorization);
  });

  it('returns undefined for a secret that holds binary data only', async () => {
    // Prepare
    fake.script = [ok(undefined)];
    const { reader } = newReader();

    // Act / Assess
    await expect(reader.readSecretString('binary')).resolves.toBeUndefined();
  });

  it.each([
    ['a 500', awsError(500, 'InternalServiceError'), 50],
    ['a 503 without a body', { status: 503 } as ScriptedAnswer, 50],
    ['a 429', { status: 429 } as ScriptedAnswer, 250],
    ['a ThrottlingException (400)', awsError(400, 'ThrottlingException'), 250],
    [
      'a throttling error type in the x-amzn-errortype header',
      {
        status: 400,
        headers: { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/' },
      } as ScriptedAnswer,
      250,
    ],
  ])('retries %s with jittered backoff and then reads the secret', async (_name, failure, waitMs) => {
    // Prepare
    fake.script = [failure, ok(SECRET_VALUE)];
    const { reader, clock } = newReader();

    // Act
    const value = await reader.readSecretString('id');

    // Assess
    expect(value).toBe(SECRET_VALUE);
    expect(fake.received).toHaveLength(2);
    expect(clock.waits).toEqual([waitMs]);
  });

  it('doubles the backoff ceiling per retry and gives up after the last attempt as unavailable', async () => {
    // Prepare
    fake.script = [awsError(500, 'InternalServiceError', 'secret-VALUE in a message')];
    const { reader, clock } = newReader({ maxAttempts: 4, random: () => 0.999 });

    // Act
    const failure = await failureOf(reader.readSecretString('id'));

    // Assess
    expect(fake.received).toHaveLength(4);
    expect(clock.waits).toEqual([99, 199, 399]);
    expect(failure).toBeInstanceOf(SecretsManagerUnavailableError);
    expect(failure).toMatchObject({
      name: 'SecretsManagerUnavailableError',
      code: 'InternalServiceError',
      status: 500,
    });
    expect(failure.message).toContain('after 4 attempt(s)');
    expect(failure.message).not.toContain('secret-VALUE');
  });

  it('caps one backoff at maxDelayMs', async () => {
    // Prepare
    fake.script = [{ status: 429 }];
    const { reader, clock } = newReader({ maxAttempts: 3, random: () => 0.999, maxDelayMs: 600 });

    // Act
    await failureOf(reader.readSecretString('id'));

    // Assess
    expect(clock.waits).toEqual([499, 599]);
  });

  it('reports a missing secret as SecretNotFoundError at once, without retrying', async () => {
    // Prepare
    fake.script = [awsError(400, 'com.amazonaws.secretsmanager#ResourceNotFoundException', "can't find secret-VALUE")];
    const { reader, clock } = newReader();

    // Act
    const failure = await failureOf(reader.readSecretString('missing'));

    // Assess
    expect(failure).toBeInstanceOf(SecretNotFoundError);
    expect(failure).toMatchObject({ code: 'ResourceNotFoundException', status: 400 });
    expect(failure.message).not.toContain('secret-VALUE');
    expect(fake.received).toHaveLength(1);
    expect(clock.waits).toEqual([]);
  });

  it.each([
    ['AccessDeniedException', 400],
    ['DecryptionFailure', 400],
    ['InvalidRequestException', 400],
    ['UnrecognizedClientException', 403],
  ])('reports %s as a request error with its type and status, without retrying', async (type, status) => {
    // Prepare
    fake.script = [awsError(status, type, 'User arn:aws:iam::123:role/x is not authorized: secret-VALUE')];
    const { reader } = newReader();

    // Act
    const failure = await failureOf(reader.readSecretString('id'));

    // Assess
    expect(failure).toBeInstanceOf(SecretsManagerRequestError);
    expect(failure).not.toBeInstanceOf(SecretsManagerUnavailableError);
    expect(failure).toMatchObject({ code: type, status });
    expect(failure.message).not.toContain('secret-VALUE');
    expect(failure.message).not.toContain('arn:aws');
    expect(fake.received).toHaveLength(1);
  });

  it('times out an attempt that gets no answer, on the clock, and retries it', async () => {
    // Prepare
    fake.script = ['hang', ok(SECRET_VALUE)];
    const { reader, clock } = newReader({ attemptTimeoutMs: 3_000 });
    const firstRequest = new Promise<void>((resolve) => {
      fake.onRequest = resolve;
    });

    // Act
    const pending = reader.readSecretString('id');
    await firstRequest;
    clock.advance(3_000);
    const value = await pending;

    // Assess
    expect(value).toBe(SECRET_VALUE);
    expect(clock.timers).toEqual([3_000, 3_000]);
    expect(clock.waits).toEqual([50]);
  });

  it('reports a timeout on the last attempt as unavailable', async () => {
    // Prepare
    fake.script = ['hang'];
    const { reader, clock } = newReader({ maxAttempts: 1 });
    const firstRequest = new Promise<void>((resolve) => {
      fake.onRequest = resolve;
    });

    // Act
    const pending = failureOf(reader.readSecretString('id'));
    await firstRequest;
    clock.advance(3_000);
    const failure = await pending;

    // Assess
    expect(failure).toBeInstanceOf(SecretsManagerUnavailableError);
    expect(failure).toMatchObject({ code: 'TimeoutError', status: undefined });
  });

  it('retries a connection that is refused and reports it as unavailable with the transport code', async () => {
    // Prepare: a port nobody listens on
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { reader, clock } = newReader({ endpoint: `http://127.0.0.1:${port}` });

    // Act
    const failure = await failureOf(reader.readSecretString('id'));

    // Assess
    expect(failure).toBeInstanceOf(SecretsManagerUnavailableError);
    expect(failure).toMatchObject({ code: 'ECONNREFUSED' });
    expect(failure.message).toContain('after 3 attempt(s)');
    expect(clock.waits).toHaveLength(2);
  });

  it('refuses an answer that is not JSON without retrying', async () => {
    // Prepare
    fake.script = [{ status: 200, body: undefined }];
    const { reader } = newReader();

    // Act
    const failure = await failureOf(reader.readSecretString('id'));

    // Assess
    expect(failure).toBeInstanceOf(SecretsManagerRequestError);
    expect(failure).toMatchObject({ code: 'InvalidResponse' });
    expect(fake.received).toHaveLength(1);
  });

  it('calls the regional endpoint of the region, in its partition', () => {
    // Prepare / Act / Assess: a bad region is a configuration error, not a request to a made-up host
    expect(() => new GetSecretValueReader({ region: 'not a region', credentials: CREDENTIALS })).toThrow(/AWS_REGION/);
    expect(endpointOf(new GetSecretValueReader({ region: 'eu-west-1', credentials: CREDENTIALS }))).toBe(
      'https://secretsmanager.eu-west-1.amazonaws.com/',
    );
    expect(endpointOf(new GetSecretValueReader({ region: 'cn-north-1', credentials: CREDENTIALS }))).toBe(
      'https://secretsmanager.cn-north-1.amazonaws.com.cn/',
    );
  });
});

function endpointOf(reader: GetSecretValueReader): string {
  readers.push(reader);
  return reader.endpoint;
}
