/**
 * The adapters over the AWS SDK clients, against a scripted HTTP endpoint (the real clients, their real serializers and
 * error types; only AWS is replaced): Step Functions' DescribeExecution read as an order's execution, stale task tokens
 * named, and Secrets Manager's answers mapped to our named errors without AWS's message.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SdkSecretsManager } from '../../functions/adapters/secrets/sdk-secrets';
import {
  SecretNotFoundError,
  SecretsManagerRequestError,
  SecretsManagerUnavailableError,
} from '../../functions/adapters/secrets/secret-value';
import { StepFunctionsOrderReader } from '../../functions/adapters/sfn/order-reader';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:provisioning';
const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:provisioning:order-1';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

interface Scripted {
  status: number;
  body: unknown;
}
const received: Array<{ target: string; body: unknown }> = [];
let script: Scripted[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        target: String(req.headers['x-amz-target']),
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      });
      const next = script.shift() ?? { status: 200, body: {} };
      res.writeHead(next.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(next.body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));
beforeEach(() => {
  received.length = 0;
  script = [];
});

const clientConfig = () => ({ region: 'eu-west-1', endpoint, credentials: CREDENTIALS, maxAttempts: 1 });

describe('StepFunctionsOrderReader', () => {
  it('reads DescribeExecution as an order execution: ISO dates, input and output parsed', async () => {
    // Prepare
    script = [
      {
        status: 200,
        body: {
          executionArn: EXECUTION_ARN,
          stateMachineArn: STATE_MACHINE_ARN,
          name: 'order-1',
          status: 'FAILED',
          startDate: 1_764_468_000.123,
          stopDate: 1_764_468_042.5,
          input: '{"orderId":"order-1"}',
          output: 'not json',
          error: 'ProvisioningFailed',
          cause: '{"status":"error"}',
        },
      },
    ];
    const reader = new StepFunctionsOrderReader({
      client: new SFNClient(clientConfig()),
      stateMachineArn: STATE_MACHINE_ARN,
    });

    // Act
    const execution = await reader.describe('order-1');

    // Assess
    expect(received).toEqual([{ target: 'AWSStepFunctions.DescribeExecution', body: { executionArn: EXECUTION_ARN } }]);
    expect(execution).toEqual({
      name: 'order-1',
      executionArn: EXECUTION_ARN,
      status: 'FAILED',
      startDate: '2025-11-30T02:00:00.123Z',
      stopDate: '2025-11-30T02:00:42.500Z',
      input: { orderId: 'order-1' },
      output: undefined,
      error: 'ProvisioningFailed',
      cause: '{"status":"error"}',
    });
  });

  it('answers undefined for an execution that does not exist, and throws any other refusal', async () => {
    // Prepare
    script = [
      { status: 400, body: { __type: 'com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist', message: 'no' } },
      { status: 400, body: { __type: 'AccessDeniedException', message: 'no' } },
    ];
    const reader = new StepFunctionsOrderReader({
      client: new SFNClient(clientConfig()),
      stateMachineArn: STATE_MACHINE_ARN,
    });

    // Act
    const missing = await reader.describe('order-1');
    const denied = await reader.describe('order-1').catch((error: unknown) => error);

    // Assess
    expect(missing).toBeUndefined();
    expect(denied).toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('SdkSecretsManager', () => {
  const secrets = () => new SdkSecretsManager(new SecretsManagerClient(clientConfig()));

  it('reads the secret string', async () => {
    // Prepare
    script = [{ status: 200, body: { Name: 'webex', SecretString: '{"a":1}' } }];

    // Act
    const value = await secrets().readSecretString('webex');

    // Assess
    expect(value).toBe('{"a":1}');
    expect(received[0]).toEqual({ target: 'secretsmanager.GetSecretValue', body: { SecretId: 'webex' } });
  });

  it.each([
    [400, 'ResourceNotFoundException', SecretNotFoundError],
    [400, 'AccessDeniedException', SecretsManagerRequestError],
    [500, 'InternalServiceError', SecretsManagerUnavailableError],
    [400, 'ThrottlingException', SecretsManagerUnavailableError],
  ])('maps HTTP %i %s to a named error without AWS message', async (status, type, named) => {
    // Prepare
    script = [{ status, body: { __type: type, message: 'secret arn:aws:secretsmanager:eu-west-1:1:secret:webex' } }];

    // Act
    const failure = await secrets()
      .readSecretString('webex')
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(named);
    expect(failure).toMatchObject({ code: type, status });
    expect((failure as Error).message).not.toContain('arn:aws');
  });
});
