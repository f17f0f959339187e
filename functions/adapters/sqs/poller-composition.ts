/**
 * The status poller's wiring: the task-token callbacks (Step Functions) and the status poll queue (SQS), one client of
 * each per configuration (module scope, reused by warm invocations), pointed at `SFN_ENDPOINT` / `SQS_ENDPOINT` when set
 * (the local endpoint serves both). Only the poller imports this module, so no other bundle carries the SQS client.
 * Static, named imports: esbuild keeps only the commands and schemas used.
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

let cached: { config: ServiceConfig; sfn: SFNClient; sqs: SQSClient; ports: StatusPollPorts } | undefined;

/** The poller's ports (needs `POLL_QUEUE_URL`). */
export function getStatusPollPorts(): StatusPollPorts {
  const config = getConfig(['poller']);
  if (cached?.config !== config) {
    cached?.sfn.destroy();
    cached?.sqs.destroy();
    const sfn = new SFNClient(awsClientConfig(config, config.sfnEndpoint));
    const sqs = new SQSClient(awsClientConfig(config, config.sqsEndpoint));
    cached = {
      config,
      sfn,
      sqs,
      ports: {
        callbacks: new StepFunctionsTaskCallbacks(sfn),
        queue: new SqsStatusPollQueue(sqs, config.pollQueueUrl as string),
      },
    };
  }
  return cached.ports;
}
