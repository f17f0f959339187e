/**
 * The local Step Functions endpoint speaks the AWS JSON 1.0 protocol: `@aws-sdk/client-sfn` works against it unchanged.
 */
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidName,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StepFunctionsSubscriberTracker } from '../../functions/adapters/sfn/subscriber-tracker';
import { auditId } from '../../functions/domain/audit';
import { renderBatchAsl, renderProvisioningAsl } from '../../infra/workflow/asl';
import { type LocalStepFunctions, startLocalStepFunctions } from '../../local/stepfunctions';
import { anOrder, startWorkflowHarness, type WorkflowHarness } from './harness';

let h: WorkflowHarness;
let endpoint: LocalStepFunctions;
let client: SFNClient;
let blockWaits: (() => void) | undefined;

beforeAll(async () => {
  h = await startWorkflowHarness();
  endpoint = await startLocalStepFunctions({
    port: 0,
    timeScale: 0,
    onWait: (wait) => {
      h.clock.advance(wait.seconds * 1000);
      blockWaits?.();
    },
  });
  client = new SFNClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client?.destroy();
  await endpoint?.stop();
  await h?.stop();
});

describe('local Step Functions endpoint', () => {
  it('lists the provisioning and batch state machines and serves their definitions, rendered from the constructs', async () => {
    // Act
    const list = await client.send(new ListStateMachinesCommand({}));
    const described = await client.send(new DescribeStateMachineCommand({ stateMachineArn: endpoint.stateMachineArn }));
    const batch = await client.send(
      new DescribeStateMachineCommand({ stateMachineArn: endpoint.batchStateMachineArn }),
    );

    // Assess
    expect(list.stateMachines).toEqual([
      expect.objectContaining({
        stateMachineArn: endpoint.stateMachineArn,
        type: 'STANDARD',
        name: 'ProvisioningWorkflow',
      }),
      expect.objectContaining({
        stateMachineArn: endpoint.batchStateMachineArn,
        type: 'STANDARD',
        name: 'BatchWorkflow',
      }),
    ]);
    expect(list.stateMachines?.[0]?.creationDate).toBeInstanceOf(Date);
    expect(JSON.parse(described.definition ?? '{}')).toEqual(renderProvisioningAsl());
    expect(JSON.parse(batch.definition ?? '{}')).toEqual(renderBatchAsl());
  });

  it('starts an order, describes it and pages through its history', async () => {
    // Prepare
    const order = anOrder();

    // Act
    const started = await client.send(
      new StartExecutionCommand({
        stateMachineArn: endpoint.stateMachineArn,
        name: order.orderId,
        input: JSON.stringify(order),
      }),
    );
    await endpoint.engine.waitForExecution(started.executionArn as string);
    const described = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    const first = await client.send(
      new GetExecutionHistoryCommand({ executionArn: started.executionArn, maxResults: 10 }),
    );
    const rest = await client.send(
      new GetExecutionHistoryCommand({
        executionArn: started.executionArn,
        maxResults: 1000,
        nextToken: first.nextToken,
      }),
    );
    const reversed = await client.send(
      new GetExecutionHistoryCommand({ executionArn: started.executionArn, reverseOrder: true, maxResults: 1 }),
    );

    // Assess
    expect(started.executionArn).toBe(
      `arn:aws:states:us-east-1:000000000000:execution:ProvisioningWorkflow:${order.orderId}`,
    );
    expect(started.startDate).toBeInstanceOf(Date);
    expect(described).toMatchObject({
      status: 'SUCCEEDED',
      name: order.orderId,
      stateMachineArn: endpoint.stateMachineArn,
    });
    expect(JSON.parse(described.output ?? '{}').subscriber.status).toBe('provisioned');
    expect(described.stopDate).toBeInstanceOf(Date);
    expect(first.events).toHaveLength(10);
    expect(first.events?.[0]).toMatchObject({ id: 1, previousEventId: 0, type: 'ExecutionStarted' });
    expect(first.events?.[0]?.timestamp).toBeInstanceOf(Date);
    expect(first.events?.[0]?.executionStartedEventDetails?.input).toBe(JSON.stringify(order));
    expect(rest.nextToken).toBeUndefined();
    expect(rest.events?.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(reversed.events?.[0]?.type).toBe('ExecutionSucceeded');
    const types = new Set([...(first.events ?? []), ...(rest.events ?? [])].map((e) => e.type));
    expect([...types]).toEqual(
      expect.arrayContaining([
        'TaskStateEntered',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionSucceeded',
        'TaskStateExited',
        'WaitStateEntered',
        'WaitStateExited',
        'ChoiceStateEntered',
        'SucceedStateEntered',
      ]),
    );
    const listed = await client.send(
      new ListExecutionsCommand({ stateMachineArn: endpoint.stateMachineArn, statusFilter: 'SUCCEEDED' }),
    );
    expect(listed.executions?.map((e) => e.name)).toContain(order.orderId);
  });

  it('answers the running execution for the same name and input, and ExecutionAlreadyExists otherwise', async () => {
    // Prepare
    const order = anOrder();
    const request = { stateMachineArn: endpoint.stateMachineArn, name: order.orderId, input: JSON.stringify(order) };

    // Act
    const first = await client.send(new StartExecutionCommand(request));
    await endpoint.engine.waitForExecution(first.executionArn as string);
    const again = client.send(new StartExecutionCommand(request));
    const different = client.send(new StartExecutionCommand({ ...request, input: '{"orderId":"x"}' }));

    // Assess
    await expect(again).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await expect(different).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('answers AWS error types for unknown executions, bad ARNs, bad names and unknown state machines', async () => {
    // Act
    const unknown = client.send(
      new DescribeExecutionCommand({
        executionArn: `${endpoint.stateMachineArn.replace('stateMachine', 'execution')}:nope`,
      }),
    );
    const badArn = client.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' }));
    const badName = client.send(
      new StartExecutionCommand({ stateMachineArn: endpoint.stateMachineArn, name: 'has space', input: '{}' }),
    );
    const otherMachine = client.send(
      new StartExecutionCommand({
        stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Other',
        name: 'x',
        input: '{}',
      }),
    );

    // Assess
    await expect(unknown).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(badArn).rejects.toBeInstanceOf(InvalidArn);
    await expect(badName).rejects.toBeInstanceOf(InvalidName);
    await expect(otherMachine).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('answers SerializationException with status 400 for a body that is not JSON', async () => {
    // Act
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSStepFunctions.StartExecution', 'content-type': 'application/x-amz-json-1.0' },
      body: '{not json',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'SerializationException', message: expect.any(String) });
  });

  it('stops a running execution: ABORTED with the given error and cause', async () => {
    // Prepare
    const order = anOrder({ subscriber: { email: undefined } });
    const stopped = new Promise<void>((resolve) => {
      blockWaits = resolve;
    });
    const slow = await startLocalStepFunctions({ port: 0, timeScale: 1, onWait: () => blockWaits?.() });
    const slowClient = new SFNClient({
      endpoint: slow.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { executionArn } = await slowClient.send(
      new StartExecutionCommand({
        stateMachineArn: slow.stateMachineArn,
        name: order.orderId,
        input: JSON.stringify(order),
      }),
    );
    await stopped;

    // Act
    await slowClient.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'operator' }));
    await slow.engine.waitForExecution(executionArn as string);
    const described = await slowClient.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'operator' });
    slowClient.destroy();
    blockWaits = undefined;
    await slow.stop();
  });

  it('starts a tracking execution through the subscriber tracker, once per API call', async () => {
    // Prepare
    const order = anOrder();
    const subscriber = await h.provisionDirectly(order.subscriber);
    const tracker = new StepFunctionsSubscriberTracker({ client, stateMachineArn: endpoint.stateMachineArn });
    const input = {
      subscriberId: subscriber.id,
      reason: 'provision' as const,
      trackingId: 'WBXPROV_x:1',
      requestId: 'req-1',
      actor: 'c',
    };
    // The API call's own audit record, which the tracking outbox follows (and Start tracking checks)
    await h.audit.append({
      id: auditId(input.requestId, input.reason),
      at: new Date(h.clock.now()).toISOString(),
      actor: input.actor,
      action: input.reason,
      subscriberId: subscriber.id,
      outcome: { result: 'success', statusCode: 200 },
      trackingId: input.trackingId,
    });

    // Act
    await tracker.trackSubscriber(input);
    const list = await client.send(new ListExecutionsCommand({ stateMachineArn: endpoint.stateMachineArn }));
    const execution = list.executions?.find((e) => e.name?.startsWith('track-provision-WBXPROV_x_1-'));
    await endpoint.engine.waitForExecution(execution?.executionArn as string);
    await tracker.trackSubscriber(input);

    // Assess
    const described = await client.send(new DescribeExecutionCommand({ executionArn: execution?.executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    const again = await client.send(new ListExecutionsCommand({ stateMachineArn: endpoint.stateMachineArn }));
    expect(again.executions?.filter((e) => e.name === execution?.name)).toHaveLength(1);
  });
});
