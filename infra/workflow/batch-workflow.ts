/**
 * The batch workflow, defined once with CDK's Step Functions constructs (JSONPath). The stack deploys it; the local
 * Step Functions endpoint runs the ASL rendered from this same construct (`asl.ts`).
 *
 *   Start chunks (Map over $.chunks, one at a time) ─► Batch started (Succeed)
 *        └─ each chunk: Start orders (Lambda startBatchChunk) ─► Paced? ─ waitSeconds > 0 ─► Pace (Wait) ─► Chunk done
 *
 * The input is `{batchId, chunks: [0, 1, …]}`: a few bytes whatever the batch's size (5,000 orders are 50 chunks; the
 * orders stay in the batch table), far below the 256 KiB input limit. Each chunk is one Map iteration of about nine
 * history events, so the largest batch stays near 450 of Step Functions' 25,000. Each order runs as its own execution
 * of the provisioning workflow (name = orderId); its end reaches the batch through the execution status change event
 * (`functions/batches/record-order-outcome.ts`), not through this execution, so an order that waits days on a person
 * holds no slot here. The execution ends once every order has started; the batch's status is its orders' outcomes
 * (GET /v1/batches/{batchId}).
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { BatchTaskName } from '../../functions/catalog/batch-tasks';

/** The batch execution's timeout: 5,000 orders at 1 order/s (the lowest sensible rate) start within 2 hours. */
export const BATCH_WORKFLOW_TIMEOUT = Duration.hours(24);

export const BATCH_STATE_NAMES = {
  startChunks: 'Start chunks',
  startOrders: 'Start orders',
  paced: 'Paced?',
  pace: 'Pace',
  chunkDone: 'Chunk done',
  started: 'Batch started',
} as const;

/**
 * Retries of the chunk task (DynamoDB or Step Functions throttling, Lambda errors): 2 s doubling to 5 min, full jitter,
 * 12 attempts (about 40 minutes). A retried chunk skips the orders it started (each has an execution or an outcome).
 */
export const CHUNK_RETRY: sfn.RetryProps = {
  errors: [sfn.Errors.ALL],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 12,
  maxDelay: Duration.minutes(5),
  jitterStrategy: sfn.JitterType.FULL,
};

export interface BatchDefinitionProps {
  tasks: Record<BatchTaskName, lambda.IFunction>;
}

export function buildBatchDefinition(scope: Construct, props: BatchDefinitionProps): sfn.IChainable {
  const s = new Construct(scope, 'BatchWorkflowDefinition');

  const startOrders = new tasks.LambdaInvoke(s, BATCH_STATE_NAMES.startOrders, {
    lambdaFunction: props.tasks.startBatchChunk,
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    taskTimeout: sfn.Timeout.duration(Duration.seconds(120)),
    comment: "Task startBatchChunk: start this chunk's orders, answer the wait that keeps the start rate",
  });
  startOrders.addRetry(CHUNK_RETRY);

  const chunkDone = new sfn.Pass(s, BATCH_STATE_NAMES.chunkDone);
  const pace = new sfn.Wait(s, BATCH_STATE_NAMES.pace, {
    time: sfn.WaitTime.secondsPath('$.waitSeconds'),
    comment: 'Keep the batch start rate: the chunk started its orders faster than the rate allows',
  });
  pace.next(chunkDone);
  const paced = new sfn.Choice(s, BATCH_STATE_NAMES.paced)
    .when(sfn.Condition.numberGreaterThan('$.waitSeconds', 0), pace)
    .otherwise(chunkDone);
  startOrders.next(paced);

  const startChunks = new sfn.Map(s, BATCH_STATE_NAMES.startChunks, {
    comment: 'One chunk of up to 100 orders per iteration, one at a time',
    itemsPath: '$.chunks',
    itemSelector: {
      batchId: sfn.JsonPath.stringAt('$.batchId'),
      chunk: sfn.JsonPath.stringAt('$$.Map.Item.Value'),
    },
    maxConcurrency: 1,
    resultPath: sfn.JsonPath.DISCARD,
  });
  startChunks.itemProcessor(startOrders);

  return startChunks.next(
    new sfn.Succeed(s, BATCH_STATE_NAMES.started, {
      comment: 'Every order has started (or was adopted, or conflicted); their outcomes make the batch status',
    }),
  );
}
