/**
 * Step Functions' "Execution Status Change" events, locally: the engine reports each execution's end, and this
 * delivers it as the EventBridge event AWS sends (`source: aws.states`, epoch-millisecond dates, input and output as
 * JSON text) to a target handler, as the stack's rule does. A failed delivery is retried (growing waits, as
 * EventBridge retries), then logged as a dead letter.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../functions/shared/logger';
import type { ExecutionRecord } from './types';

export interface ExecutionStatusChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'Step Functions Execution Status Change';
  source: 'aws.states';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: string;
    startDate: number;
    stopDate: number | null;
    input: string;
    output: string | null;
    error: string | null;
    cause: string | null;
  };
}

export function executionStatusChange(record: ExecutionRecord, stateMachineArn: string): ExecutionStatusChangeEvent {
  const [, , , region = 'us-east-1', account = '000000000000'] = record.executionArn.split(':');
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    time: new Date(record.stopDate ?? Date.now()).toISOString(),
    region,
    resources: [record.executionArn],
    detail: {
      executionArn: record.executionArn,
      stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate,
      stopDate: record.stopDate ?? null,
      input: record.input,
      output: record.output ?? null,
      error: record.error ?? null,
      cause: record.cause ?? null,
    },
  };
}

const DEFAULT_RETRY_DELAYS_MS = [100, 500, 1000, 2000, 5000, 5000, 5000, 5000] as const;

export class ExecutionEventDelivery {
  readonly deadLetters: ExecutionStatusChangeEvent[] = [];
  readonly #target: ((event: ExecutionStatusChangeEvent) => Promise<unknown>) | undefined;
  readonly #logger: Logger;
  readonly #retryDelaysMs: readonly number[];
  readonly #pending = new Set<Promise<void>>();

  constructor(options: {
    /** Where events go; undefined: nowhere (no batch table to record into). */
    target: ((event: ExecutionStatusChangeEvent) => Promise<unknown>) | undefined;
    logger: Logger;
    retryDelaysMs?: readonly number[];
  }) {
    this.#target = options.target;
    this.#logger = options.logger;
    this.#retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  deliver(event: ExecutionStatusChangeEvent): void {
    const target = this.#target;
    if (!target) return;
    const delivery = (async () => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await target(event);
          return;
        } catch (error) {
          const delay = this.#retryDelaysMs[attempt];
          if (delay === undefined) {
            this.deadLetters.push(event);
            this.#logger.error('execution status change not delivered: dead letter', {
              executionArn: event.detail.executionArn,
              status: event.detail.status,
              error,
            });
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, delay).unref());
        }
      }
    })();
    this.#pending.add(delivery);
    void delivery.finally(() => this.#pending.delete(delivery));
  }

  /** Resolves once every event delivered so far has been handled (or dead-lettered). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
