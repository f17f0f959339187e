/**
 * The status poller's wiring: the task-token callbacks (`@aws-sdk/client-sfn`) and the status poll queue
 * (`@aws-sdk/client-sqs`), built once per configuration (module scope, reused by warm invocations) and pointed at
 * `SFN_ENDPOINT` / `SQS_ENDPOINT` when set (the local endpoint serves both).
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, getConfig } from '../../composition';
import type { ServiceConfig } from '../../config';
import type { StatusPollQueue, TaskCallbacks } from '../../domain/ports/workflow';
import { StepFunctionsTaskCallbacks } from '../sfn/task-callbacks';
import { SqsStatusPollQueue } from './status-poll-queue';

export interface StatusPollPorts {
  callbacks: TaskCallbacks;
  queue: StatusPollQueue;
}

let cached: { config: ServiceConfig; clients: [SFNClient, SQSClient]; ports: StatusPollPorts } | undefined;

/** The poller's ports (needs `POLL_QUEUE_URL` and `AWS_REGION`). */
export function getStatusPollPorts(): StatusPollPorts {
  const config = getConfig(['poller']);
  if (cached?.config !== config) {
    for (const client of cached?.clients ?? []) client.destroy();
    const sfn = new SFNClient(awsClientConfig(config, config.sfnEndpoint));
    const sqs = new SQSClient(awsClientConfig(config, config.sqsEndpoint));
    cached = {
      config,
      clients: [sfn, sqs],
      ports: {
        callbacks: new StepFunctionsTaskCallbacks(sfn),
        queue: new SqsStatusPollQueue(config.pollQueueUrl as string, sqs),
      },
    };
  }
  return cached.ports;
}
