/**
 * The status poller's wiring: the task-token callbacks (Step Functions) and the status poll queue (SQS), built once
 * per configuration (module scope, reused by warm invocations) and pointed at `SFN_ENDPOINT` / `SQS_ENDPOINT` when set
 * (the local endpoint serves both). Both are signed AWS JSON requests (`../aws/aws-json-client.ts`), not SDK clients:
 * the poller's bundle carries neither `@aws-sdk/client-sfn` nor `@aws-sdk/client-sqs`.
 */
import { awsJsonClientOptions, getConfig } from '../../composition';
import type { ServiceConfig } from '../../config';
import type { StatusPollQueue, TaskCallbacks } from '../../domain/ports/workflow';
import { StepFunctionsTaskCallbacks } from '../sfn/task-callbacks';
import { SqsStatusPollQueue } from './status-poll-queue';

export interface StatusPollPorts {
  callbacks: TaskCallbacks;
  queue: StatusPollQueue;
}

let cached:
  | { config: ServiceConfig; ports: { callbacks: StepFunctionsTaskCallbacks; queue: SqsStatusPollQueue } }
  | undefined;

/** The poller's ports (needs `POLL_QUEUE_URL` and `AWS_REGION`). */
export function getStatusPollPorts(): StatusPollPorts {
  const config = getConfig(['poller']);
  if (cached?.config !== config) {
    cached?.ports.callbacks.destroy();
    cached?.ports.queue.destroy();
    cached = {
      config,
      ports: {
        callbacks: new StepFunctionsTaskCallbacks(awsJsonClientOptions(config, config.sfnEndpoint)),
        queue: new SqsStatusPollQueue(config.pollQueueUrl as string, awsJsonClientOptions(config, config.sqsEndpoint)),
      },
    };
  }
  return cached.ports;
}
