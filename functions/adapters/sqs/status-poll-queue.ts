/**
 * The status poll queue over SQS with `@aws-sdk/client-sqs` (AWS, or the local endpoint via SQS_ENDPOINT): the poller
 * sends the next poll of a waiting execution with the poll policy's delay. The SDK client checks the MD5 digest SQS
 * returns of the body it stored.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { StatusPollMessage, StatusPollQueue } from '../../domain/ports/workflow';
import { WORKFLOW_LIMITS } from '../../domain/workflow/state';

export class SqsStatusPollQueue implements StatusPollQueue {
  readonly #client: Pick<SQSClient, 'send'>;
  readonly #queueUrl: string;

  constructor(queueUrl: string, client: Pick<SQSClient, 'send'>) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  async send(message: StatusPollMessage, delaySeconds: number): Promise<void> {
    const delay = Math.max(0, Math.min(WORKFLOW_LIMITS.maxQueueDelaySeconds, Math.round(delaySeconds)));
    await this.#client.send(
      new SendMessageCommand({ QueueUrl: this.#queueUrl, MessageBody: JSON.stringify(message), DelaySeconds: delay }),
    );
  }
}
