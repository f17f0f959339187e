/**
 * The local endpoint's callback and queue APIs over HTTP, with the AWS SDK clients unchanged: SendTaskSuccess,
 * SendTaskFailure and SendTaskHeartbeat (AWS JSON 1.0, `AWSStepFunctions.*`) and SQS SendMessage (`AmazonSQS.*`) on the
 * same endpoint. The workflow's tasks are replaced by fakes here (the status poller is the queue's consumer), so a test
 * can hold a real task token and answer it as the poller would.
 */
import { createHash } from 'node:crypto';
import {
  DescribeExecutionCommand,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { QueueDoesNotExist, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../functions/shared/logger';
import { type LocalStepFunctions, startLocalStepFunctions, type TaskHandler } from '../../local/stepfunctions';

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

let endpoint: LocalStepFunctions;
let sfn: SFNClient;
let sqs: SQSClient;
/** Bodies the status poll queue delivered to its consumer (the fake poller), in order. */
let delivered: string[] = [];
let onDelivery: (() => void) | undefined;

/** The fake status poller: records each message body, answers no batch item failure. */
const fakePoller: TaskHandler = async (input) => {
  const event = input as SQSEvent;
  delivered.push(...event.Records.map((r) => r.body));
  onDelivery?.();
  return { batchItemFailures: [] };
};

/** The fake StartTracking task: a tracking state routed to `Await status` with no delay. */
const fakeStartTracking: TaskHandler = async () => ({
  kind: 'tracking',
  ref: 'callback-test',
  route: 'poll',
  throttled: false,
  checks: 0,
  delaySeconds: 0,
});

/** The next body the fake poller receives. */
function nextDelivery(): Promise<string> {
  const seen = delivered.length;
  return new Promise((resolve) => {
    onDelivery = () => {
      const body = delivered[seen];
      if (body !== undefined) {
        onDelivery = undefined;
        resolve(body);
      }
    };
  });
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

beforeAll(async () => {
  endpoint = await startLocalStepFunctions({
    port: 0,
    timeScale: 0,
    logger: createLogger({}, { level: 'silent' }),
    taskHandlers: { pollStatus: fakePoller, startTracking: fakeStartTracking },
  });
  sfn = new SFNClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: CREDENTIALS });
  sqs = new SQSClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: CREDENTIALS });
});
afterAll(async () => {
  sfn?.destroy();
  sqs?.destroy();
  await endpoint?.stop();
});
beforeEach(() => {
  delivered = [];
  onDelivery = undefined;
});

const UNKNOWN_TOKEN = 'a'.repeat(64);

describe('local endpoint: task-token callbacks for a token nothing waits on', () => {
  it('answers SendTaskSuccess with TaskTimedOut', async () => {
    // Act
    const sent = sfn.send(new SendTaskSuccessCommand({ taskToken: UNKNOWN_TOKEN, output: '{}' }));

    // Assess
    await expect(sent).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('answers SendTaskFailure with TaskTimedOut', async () => {
    // Act
    const sent = sfn.send(new SendTaskFailureCommand({ taskToken: UNKNOWN_TOKEN, error: 'Boom', cause: 'test' }));

    // Assess
    await expect(sent).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('answers SendTaskHeartbeat with TaskTimedOut', async () => {
    // Act
    const sent = sfn.send(new SendTaskHeartbeatCommand({ taskToken: UNKNOWN_TOKEN }));

    // Assess
    await expect(sent).rejects.toBeInstanceOf(TaskTimedOut);
  });
});

describe('local endpoint: task-token callbacks with a malformed token', () => {
  it.each<[string, () => Promise<unknown>]>([
    ['SendTaskSuccess', () => sfn.send(new SendTaskSuccessCommand({ taskToken: '', output: '{}' }))],
    ['SendTaskFailure', () => sfn.send(new SendTaskFailureCommand({ taskToken: '', error: 'Boom' }))],
    ['SendTaskHeartbeat', () => sfn.send(new SendTaskHeartbeatCommand({ taskToken: '' }))],
  ])('answers %s with an empty token with InvalidToken (the SDK sends it as it is)', async (_action, send) => {
    // Act
    const sent = send();

    // Assess
    await expect(sent).rejects.toBeInstanceOf(InvalidToken);
  });

  it('answers a token longer than 2048 characters with InvalidToken', async () => {
    // Act
    const sent = sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'a'.repeat(2049) }));

    // Assess
    await expect(sent).rejects.toBeInstanceOf(InvalidToken);
  });
});

describe('local endpoint: task-token callbacks for a task that waits', () => {
  it('heartbeats and then succeeds the waiting Await status task; the token is stale afterwards', async () => {
    // Prepare
    const delivery = nextDelivery();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: endpoint.stateMachineArn,
        name: 'callback-success',
        input: JSON.stringify({ tracking: { subscriberId: 'SUB1' } }),
      }),
    );
    const message = JSON.parse(await delivery) as { taskToken: string; state: { ref: string } };
    const result = { subscriber: { id: 'SUB1', status: 'provisioned' } };

    // Act
    const heartbeat = await sfn.send(new SendTaskHeartbeatCommand({ taskToken: message.taskToken }));
    const success = await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: message.taskToken,
        output: JSON.stringify({ ...message.state, route: 'succeeded', result }),
      }),
    );
    const execution = await endpoint.engine.waitForExecution(executionArn as string);
    const again = await sfn
      .send(new SendTaskSuccessCommand({ taskToken: message.taskToken, output: '{}' }))
      .catch((error: unknown) => error);

    // Assess
    expect(message.taskToken.length).toBeGreaterThan(0);
    expect(message.state.ref).toBe('callback-test');
    expect(heartbeat.$metadata.httpStatusCode).toBe(200);
    expect(success.$metadata.httpStatusCode).toBe(200);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? 'null')).toEqual(result);
    expect(again).toBeInstanceOf(TaskTimedOut);
  });

  it('fails the waiting task with the error SendTaskFailure names, which the state retries with a fresh token', async () => {
    // Prepare
    const first = nextDelivery();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: endpoint.stateMachineArn,
        name: 'callback-failure',
        input: JSON.stringify({ tracking: { subscriberId: 'SUB1' } }),
      }),
    );
    const failed = JSON.parse(await first) as { taskToken: string; state: Record<string, unknown> };
    const retried = nextDelivery();

    // Act
    const failure = await sfn.send(
      new SendTaskFailureCommand({ taskToken: failed.taskToken, error: 'InvalidWorkflowState', cause: 'bad state' }),
    );
    const retry = JSON.parse(await retried) as { taskToken: string; state: Record<string, unknown> };
    const stale = await sfn
      .send(new SendTaskHeartbeatCommand({ taskToken: failed.taskToken }))
      .catch((error: unknown) => error);
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: retry.taskToken,
        output: JSON.stringify({ ...retry.state, route: 'succeeded', result: { subscriber: { id: 'SUB1' } } }),
      }),
    );
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const execution = await endpoint.engine.waitForExecution(executionArn as string);

    // Assess
    expect(failure.$metadata.httpStatusCode).toBe(200);
    expect(retry.taskToken).not.toBe(failed.taskToken);
    expect(stale).toBeInstanceOf(TaskTimedOut);
    expect(described.executionArn).toBe(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.events).toContainEqual(
      expect.objectContaining({
        type: 'TaskFailed',
        taskFailedEventDetails: expect.objectContaining({ error: 'InvalidWorkflowState', cause: 'bad state' }),
      }),
    );
  });
});

describe('local endpoint: SQS SendMessage', () => {
  it('refuses a queue it does not serve with QueueDoesNotExist', async () => {
    // Act
    const sent = sqs.send(
      new SendMessageCommand({ QueueUrl: `${endpoint.url}/000000000000/no-such-queue`, MessageBody: '{}' }),
    );

    // Assess
    await expect(sent).rejects.toBeInstanceOf(QueueDoesNotExist);
    expect(delivered).toEqual([]);
  });

  it('queues a message on the poll queue: a MessageId, an MD5 the SDK verifies, and a delivery of the same body', async () => {
    // Prepare
    const body = JSON.stringify({ note: 'no task token: the fake poller just records it' });
    const delivery = nextDelivery();

    // Act
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: endpoint.pollQueueUrl, MessageBody: body }));

    // Assess
    expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.MD5OfMessageBody).toBe(md5(body));
    expect(await delivery).toBe(body);
  });

  it('accepts the poll queue by its AWS-shaped URL too, with the longest delay (none passes at timeScale 0)', async () => {
    // Prepare
    const delivery = nextDelivery();

    // Act
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/status-poll',
        MessageBody: 'delayed',
        DelaySeconds: 900,
      }),
    );

    // Assess
    expect(sent.MD5OfMessageBody).toBe(md5('delayed'));
    expect(await delivery).toBe('delayed');
  });

  it.each([
    ['DelaySeconds above 900', { MessageBody: 'x', DelaySeconds: 901 }],
    ['an empty body', { MessageBody: '' }],
  ])('refuses %s with InvalidParameterValue', async (_label, request) => {
    // Act
    const sent = sqs.send(new SendMessageCommand({ QueueUrl: endpoint.pollQueueUrl, ...request }));

    // Assess
    await expect(sent).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});
