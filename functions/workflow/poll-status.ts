/**
 * The status poller (SQS consumer): each message is one status poll of an execution waiting in `Await status` with a
 * task token. The decision is the domain's (`pollStatusTurn`); this handler only carries it out:
 * - not due yet / still in progress / throttled → heartbeat the task, then send the next poll with its delay;
 * - a decision → SendTaskSuccess with the next workflow state; a failed check → SendTaskFailure with the error's name.
 *
 * A message whose token no longer waits is dropped. Anything else that fails (Step Functions or SQS unreachable) is
 * reported as a batch item failure: SQS delivers the message again after its visibility timeout, and after
 * `maxReceiveCount` deliveries moves it to the dead-letter queue — the execution's heartbeat timeout then checks the
 * status itself, so no subscriber is left unfollowed.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { getStatusPollPorts } from '../adapters/sqs/poller-composition';
import { StaleTaskTokenError, type StatusPollMessage } from '../domain/ports/workflow';
import { type PollTurn, pollStatusTurn } from '../domain/workflow/status-poll';
import { addLambdaContext, type Logger, logger as rootLogger } from '../shared/logger';
import { type TaskContext, workflowDependencies } from './task-handler';

const baseLogger = rootLogger.child({ task: 'pollStatus' });

function readMessage(body: string): StatusPollMessage | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed === null || typeof parsed !== 'object') return undefined;
    const { taskToken, state } = parsed as Record<string, unknown>;
    return typeof taskToken === 'string' && taskToken.length > 0 ? { taskToken, state } : undefined;
  } catch {
    return undefined;
  }
}

function refOf(state: unknown): string | undefined {
  const ref = state !== null && typeof state === 'object' ? (state as { ref?: unknown }).ref : undefined;
  return typeof ref === 'string' ? ref : undefined;
}

async function carryOut(turn: PollTurn, message: StatusPollMessage): Promise<void> {
  const { callbacks, queue } = getStatusPollPorts();
  switch (turn.kind) {
    case 'hold':
    case 'again':
      await callbacks.heartbeat(message.taskToken);
      await queue.send({ taskToken: message.taskToken, state: turn.state }, turn.delaySeconds);
      return;
    case 'resume':
      await callbacks.succeed(message.taskToken, turn.state);
      return;
    case 'fail':
      await callbacks.fail(message.taskToken, turn.error, turn.cause);
      return;
  }
}

async function pollOne(record: SQSRecord, logger: Logger): Promise<boolean> {
  const message = readMessage(record.body);
  if (!message) {
    // Nothing can answer a message without a token: the waiting task's heartbeat timeout takes over.
    logger.error('poll message without a task token dropped', { messageId: record.messageId });
    return true;
  }
  const log = logger.child({ orderId: refOf(message.state), messageId: record.messageId });
  const startedAt = Date.now();
  try {
    const turn = await pollStatusTurn(await workflowDependencies(log), message.state);
    await carryOut(turn, message);
    log.info('poll done', {
      turn: turn.kind,
      ...(turn.kind === 'fail' ? { errorName: turn.error } : {}),
      ...('delaySeconds' in turn ? { delaySeconds: turn.delaySeconds } : {}),
      latencyMs: Date.now() - startedAt,
    });
    return true;
  } catch (error) {
    if (error instanceof StaleTaskTokenError) {
      log.info('poll dropped: the task no longer waits', { latencyMs: Date.now() - startedAt });
      return true;
    }
    log.warn('poll failed; SQS delivers it again', {
      errorName: error instanceof Error ? error.name : typeof error,
      receiveCount: record.attributes?.ApproximateReceiveCount,
      latencyMs: Date.now() - startedAt,
    });
    return false;
  }
}

export async function handler(event: SQSEvent, context?: TaskContext): Promise<SQSBatchResponse> {
  addLambdaContext(rootLogger, context);
  const logger = baseLogger.child({ requestId: context?.awsRequestId });
  const records = event.Records ?? [];
  const done = await Promise.all(records.map((record) => pollOne(record, logger)));
  return {
    batchItemFailures: records
      .filter((_, index) => !done[index])
      .map((record) => ({ itemIdentifier: record.messageId })),
  };
}
