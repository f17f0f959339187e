/**
 * The adapters that are signed AWS JSON 1.0 requests instead of SDK clients: the status poller's task-token callbacks
 * (Step Functions `SendTask*`) and poll queue (SQS `SendMessage`), and the order reader (Step Functions
 * `DescribeExecution`). Held against the SDK clients they replace: for the same call both put the same request on the
 * wire (method, path, protocol headers, JSON body, SigV4 scope), and both read the same answer alike.
 */
import { createHash } from 'node:crypto';
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AwsJsonClientOptions,
  AwsRequestError,
  AwsUnavailableError,
} from '../../functions/adapters/aws/aws-json-client';
import { StepFunctionsOrderReader } from '../../functions/adapters/sfn/order-reader';
import { StepFunctionsTaskCallbacks } from '../../functions/adapters/sfn/task-callbacks';
import { SqsStatusPollQueue } from '../../functions/adapters/sqs/status-poll-queue';
import { StaleTaskTokenError } from '../../functions/domain/ports/workflow';
import {
  type FakeAwsEndpoint,
  failureOf,
  type ReceivedRequest,
  startFakeAwsEndpoint,
} from '../support/fake-aws-endpoint';
import { createTestClock, type TestClock } from '../webex-client/test-clock';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' };
const REGION = 'eu-west-1';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/status-poll';
const TOKEN = 'token-'.padEnd(120, 'x');

/** A fake AWS JSON 1.0 endpoint (Step Functions and SQS alike). */
let fake: FakeAwsEndpoint;

beforeAll(async () => {
  fake = await startFakeAwsEndpoint();
});

afterAll(async () => {
  await fake.close();
});

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  fake.reset();
});

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** SQS's answer to a SendMessage (a message id and the MD5 of the body it stored); `{}` to anything else. */
const awsAnswer = (request: ReceivedRequest) => {
  const { MessageBody } = JSON.parse(request.body) as { MessageBody?: string };
  return {
    status: 200,
    body:
      MessageBody === undefined
        ? {}
        : { MessageId: '5fea7756-0ea4-451a-a703-a558b933e274', MD5OfMessageBody: md5(MessageBody) },
  };
};

/** The options every adapter here is built with: the fake endpoint, fixed credentials, a fake clock, mid jitter. */
function clientOptions(clock: TestClock = createTestClock()): AwsJsonClientOptions {
  return { region: REGION, endpoint: fake.url, credentials: CREDENTIALS, clock, random: () => 0.5 };
}

/** Closes the adapter's connections after the test. */
function closedAfterTest<A extends { destroy(): void }>(adapter: A): A {
  cleanups.push(() => adapter.destroy());
  return adapter;
}

const callbacks = (clock?: TestClock) => closedAfterTest(new StepFunctionsTaskCallbacks(clientOptions(clock)));
const queue = (clock?: TestClock) => closedAfterTest(new SqsStatusPollQueue(QUEUE_URL, clientOptions(clock)));

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:provisioning';
const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:provisioning:order-1';

const orderReader = () =>
  closedAfterTest(new StepFunctionsOrderReader({ ...clientOptions(), stateMachineArn: STATE_MACHINE_ARN }));

function sdkClients(): { sfn: SFNClient; sqs: SQSClient } {
  const sfn = new SFNClient({ region: REGION, endpoint: fake.url, credentials: CREDENTIALS, maxAttempts: 1 });
  const sqs = new SQSClient({ region: REGION, endpoint: fake.url, credentials: CREDENTIALS, maxAttempts: 1 });
  cleanups.push(() => {
    sfn.destroy();
    sqs.destroy();
  });
  return { sfn, sqs };
}

/** What the two requests must share: the protocol as AWS reads it. */
function wire(request: ReceivedRequest | undefined) {
  const credential = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    String(request?.headers.authorization),
  );
  return {
    method: request?.method,
    url: request?.url,
    contentType: request?.headers['content-type'],
    target: request?.headers['x-amz-target'],
    body: JSON.parse(request?.body ?? 'null') as unknown,
    scope: credential?.slice(1),
  };
}

describe('the signed AWS JSON adapters on the wire', () => {
  it.each<[string, (c: StepFunctionsTaskCallbacks, q: SqsStatusPollQueue) => Promise<void>, () => unknown]>([
    [
      'SendTaskSuccess',
      (c) => c.succeed(TOKEN, { route: 'succeeded', ref: 'order-1' }),
      () =>
        sdkClients().sfn.send(
          new SendTaskSuccessCommand({
            taskToken: TOKEN,
            output: JSON.stringify({ route: 'succeeded', ref: 'order-1' }),
          }),
        ),
    ],
    [
      'SendTaskFailure',
      (c) => c.fail(TOKEN, 'UpstreamUnavailable', '{"status":503}'),
      () =>
        sdkClients().sfn.send(
          new SendTaskFailureCommand({ taskToken: TOKEN, error: 'UpstreamUnavailable', cause: '{"status":503}' }),
        ),
    ],
    [
      'SendTaskHeartbeat',
      (c) => c.heartbeat(TOKEN),
      () => sdkClients().sfn.send(new SendTaskHeartbeatCommand({ taskToken: TOKEN })),
    ],
    [
      'SendMessage',
      (_c, q) => q.send({ taskToken: TOKEN, state: { ref: 'order-1' } }, 42),
      () =>
        sdkClients().sqs.send(
          new SendMessageCommand({
            QueueUrl: QUEUE_URL,
            MessageBody: JSON.stringify({ taskToken: TOKEN, state: { ref: 'order-1' } }),
            DelaySeconds: 42,
          }),
        ),
    ],
    [
      'DescribeExecution',
      async () => {
        await orderReader().describe('order-1');
      },
      () => sdkClients().sfn.send(new DescribeExecutionCommand({ executionArn: EXECUTION_ARN })),
    ],
  ])('sends %s as the SDK client does', async (operation, ours, sdk) => {
    // Prepare
    fake.script = [awsAnswer];

    // Act
    await ours(callbacks(), queue());
    await sdk();

    // Assess
    expect(fake.received).toHaveLength(2);
    expect(wire(fake.received[0])).toEqual(wire(fake.received[1]));
    expect(wire(fake.received[0]).scope).toEqual([REGION, operation === 'SendMessage' ? 'sqs' : 'states']);
  });
});

describe('StepFunctionsTaskCallbacks', () => {
  it.each(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'])(
    'reports %s as a stale token, so the poller drops the message',
    async (type) => {
      // Prepare
      fake.script = [{ status: 400, body: { __type: `com.amazonaws.swf.service.v2.model#${type}`, message: 'no' } }];

      // Act
      const failure = await failureOf(callbacks().heartbeat(TOKEN));

      // Assess
      expect(failure).toBeInstanceOf(StaleTaskTokenError);
      expect(failure.message).toContain(type);
      expect(fake.received).toHaveLength(1);
    },
  );

  it('reports any other refusal as the AWS error type, which SQS redelivery retries', async () => {
    // Prepare
    fake.script = [{ status: 400, body: { __type: 'AccessDeniedException', message: `not authorized ${TOKEN}` } }];

    // Act
    const failure = await failureOf(callbacks().succeed(TOKEN, {}));

    // Assess
    expect(failure).toBeInstanceOf(AwsRequestError);
    expect(failure).not.toBeInstanceOf(StaleTaskTokenError);
    expect(failure).toMatchObject({ code: 'AccessDeniedException', status: 400 });
    expect(failure.message).not.toContain(TOKEN);
  });

  it('retries throttling with backoff and then answers the token', async () => {
    // Prepare
    fake.script = [
      { status: 400, body: { __type: 'ThrottlingException' } },
      { status: 200, body: {} },
    ];
    const clock = createTestClock();

    // Act
    await callbacks(clock).succeed(TOKEN, { route: 'succeeded' });

    // Assess
    expect(fake.received).toHaveLength(2);
    expect(clock.waits).toEqual([250]);
  });

  it('gives up as unavailable when Step Functions fails every attempt', async () => {
    // Prepare
    fake.script = [{ status: 500, body: { __type: 'InternalFailure' } }];

    // Act
    const failure = await failureOf(callbacks().heartbeat(TOKEN));

    // Assess
    expect(failure).toBeInstanceOf(AwsUnavailableError);
    expect(failure).toMatchObject({ code: 'InternalFailure', status: 500, attempts: 3 });
  });

  it("cuts SendTaskFailure's error and cause to Step Functions' limits", async () => {
    // Prepare
    fake.script = [{ status: 200, body: {} }];

    // Act
    await callbacks().fail(TOKEN, 'E'.repeat(300), 'c'.repeat(40_000));

    // Assess
    const body = JSON.parse(fake.received[0]?.body ?? '{}') as { error: string; cause: string };
    expect(body.error).toHaveLength(256);
    expect(body.cause).toHaveLength(32_768);
  });
});

describe('SqsStatusPollQueue', () => {
  it.each([
    [-5, 0],
    [12.4, 12],
    [900, 900],
    [3_600, 900],
  ])('sends a delay of %s s as DelaySeconds %s (SQS takes 0 to 900)', async (delay, sent) => {
    // Prepare
    fake.script = [awsAnswer];

    // Act
    await queue().send({ taskToken: TOKEN, state: {} }, delay);

    // Assess
    expect(JSON.parse(fake.received[0]?.body ?? '{}')).toMatchObject({ QueueUrl: QUEUE_URL, DelaySeconds: sent });
  });

  it('refuses an answer whose MD5 is not the MD5 of the body it sent', async () => {
    // Prepare
    fake.script = [{ status: 200, body: { MessageId: 'm-1', MD5OfMessageBody: md5('another body') } }];

    // Act
    const failure = await failureOf(queue().send({ taskToken: TOKEN, state: {} }, 10));

    // Assess
    expect(failure).toBeInstanceOf(AwsRequestError);
    expect(failure).toMatchObject({ code: 'InvalidChecksum' });
  });

  it('reports a queue that does not exist as the AWS error type, without retrying', async () => {
    // Prepare
    fake.script = [{ status: 400, body: { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: QUEUE_URL } }];

    // Act
    const failure = await failureOf(queue().send({ taskToken: TOKEN, state: {} }, 10));

    // Assess
    expect(failure).toMatchObject({ name: 'AwsRequestError', code: 'QueueDoesNotExist', status: 400 });
    expect(failure.message).not.toContain(QUEUE_URL);
    expect(fake.received).toHaveLength(1);
  });
});

describe('StepFunctionsOrderReader', () => {
  it('reads a DescribeExecution answer as the SDK client does: ISO dates from epoch seconds, input and output parsed', async () => {
    // Prepare
    const answer = {
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
    };
    fake.script = [{ status: 200, body: answer }];

    // Act
    const ours = await orderReader().describe('order-1');
    const sdk = await sdkClients().sfn.send(new DescribeExecutionCommand({ executionArn: EXECUTION_ARN }));

    // Assess
    expect(ours).toEqual({
      name: 'order-1',
      executionArn: EXECUTION_ARN,
      status: 'FAILED',
      startDate: sdk.startDate?.toISOString(),
      stopDate: sdk.stopDate?.toISOString(),
      input: { orderId: 'order-1' },
      output: undefined,
      error: 'ProvisioningFailed',
      cause: '{"status":"error"}',
    });
    expect(ours?.startDate).toBe('2025-11-30T02:00:00.123Z');
  });

  it('reads a running execution without stopDate, error or cause', async () => {
    // Prepare
    fake.script = [
      {
        status: 200,
        body: {
          executionArn: EXECUTION_ARN,
          name: 'order-1',
          status: 'RUNNING',
          startDate: 1_764_468_000,
          input: '{}',
        },
      },
    ];

    // Act
    const execution = await orderReader().describe('order-1');

    // Assess
    expect(execution).toEqual({
      name: 'order-1',
      executionArn: EXECUTION_ARN,
      status: 'RUNNING',
      startDate: '2025-11-30T02:00:00.000Z',
      input: {},
      output: undefined,
    });
  });

  it('answers undefined for an execution that does not exist', async () => {
    // Prepare
    fake.script = [
      { status: 400, body: { __type: 'com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist', message: 'no' } },
    ];

    // Act / Assess
    await expect(orderReader().describe('order-1')).resolves.toBeUndefined();
  });

  it('reports any other refusal as the AWS error type', async () => {
    // Prepare
    fake.script = [{ status: 400, body: { __type: 'AccessDeniedException', message: 'no' } }];

    // Act
    const failure = await failureOf(orderReader().describe('order-1'));

    // Assess
    expect(failure).toMatchObject({ name: 'AwsRequestError', code: 'AccessDeniedException', status: 400 });
  });
});
