/**
 * The status poll queue over SQS (AWS, or the local endpoint via SQS_ENDPOINT): the poller sends the next poll of a
 * waiting execution with the poll policy's delay. One signed AWS JSON 1.0 call (`../aws/aws-json-client.ts`,
 * `X-Amz-Target: AmazonSQS.SendMessage`) instead of `@aws-sdk/client-sqs`, which would add 24 KB to the poller's cold
 * start. As the SDK client does, it checks the MD5 digest SQS returns of the body it stored.
 */
import { createHash } from 'node:crypto';
import type { StatusPollMessage, StatusPollQueue } from '../../domain/ports/workflow';
import { WORKFLOW_LIMITS } from '../../domain/workflow/state';
import { AwsJsonClient, type AwsJsonClientOptions, type AwsJsonService, AwsRequestError } from '../aws/aws-json-client';

export const SQS: AwsJsonService = { title: 'SQS', signingName: 'sqs', targetPrefix: 'AmazonSQS', jsonVersion: '1.0' };

export class SqsStatusPollQueue implements StatusPollQueue {
  readonly #client: AwsJsonClient;
  readonly #queueUrl: string;

  constructor(queueUrl: string, options: AwsJsonClientOptions) {
    this.#client = new AwsJsonClient(SQS, options);
    this.#queueUrl = queueUrl;
  }

  async send(message: StatusPollMessage, delaySeconds: number): Promise<void> {
    const delay = Math.max(0, Math.min(WORKFLOW_LIMITS.maxQueueDelaySeconds, Math.round(delaySeconds)));
    const body = JSON.stringify(message);
    const answer = await this.#client.call('SendMessage', {
      QueueUrl: this.#queueUrl,
      MessageBody: body,
      DelaySeconds: delay,
    });
    if (answer.MD5OfMessageBody !== createHash('md5').update(body).digest('hex')) {
      // The message SQS stored is not the one sent (or the answer is not SendMessage's): do not count it as queued.
      throw new AwsRequestError('SQS', 'InvalidChecksum', 200, 'SQS stored a message whose MD5 digest does not match.');
    }
  }

  /** Close the kept-alive connections. */
  destroy(): void {
    this.#client.destroy();
  }
}
