/**
 * Execution history in AWS's shape: the events GetExecutionHistory returns (ids from 1, previousEventId, timestamps,
 * `<type>EventDetails`), built from the events `aws-local-stepfunctions` emits plus the Lambda events our task runner
 * adds around each invocation.
 */

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** Epoch milliseconds (the wire format turns it into epoch seconds). */
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** A history event before it gets its id. */
export type EventDraft = Omit<HistoryEvent, 'id' | 'previousEventId'>;

const STATE_TYPE_PREFIX: Record<string, string> = {
  Task: 'Task',
  Wait: 'Wait',
  Choice: 'Choice',
  Pass: 'Pass',
  Succeed: 'Succeed',
  Fail: 'Fail',
  Map: 'Map',
  Parallel: 'Parallel',
};

export function payload(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function stateEntered(type: string, name: string, input: unknown, timestamp: number): EventDraft {
  return {
    type: `${STATE_TYPE_PREFIX[type] ?? type}StateEntered`,
    timestamp,
    stateEnteredEventDetails: { name, input: payload(input), inputDetails: { truncated: false } },
  };
}

export function stateExited(type: string, name: string, output: unknown, timestamp: number): EventDraft {
  return {
    type: `${STATE_TYPE_PREFIX[type] ?? type}StateExited`,
    timestamp,
    stateExitedEventDetails: { name, output: payload(output), outputDetails: { truncated: false } },
  };
}

export function lambdaScheduled(resource: string, input: unknown, timestamp: number, timeout?: number): EventDraft {
  return {
    type: 'LambdaFunctionScheduled',
    timestamp,
    lambdaFunctionScheduledEventDetails: {
      resource,
      input: payload(input),
      inputDetails: { truncated: false },
      ...(timeout ? { timeoutInSeconds: timeout } : {}),
    },
  };
}

export function lambdaStarted(timestamp: number): EventDraft {
  return { type: 'LambdaFunctionStarted', timestamp };
}

export function lambdaSucceeded(output: unknown, timestamp: number): EventDraft {
  return {
    type: 'LambdaFunctionSucceeded',
    timestamp,
    lambdaFunctionSucceededEventDetails: { output: payload(output), outputDetails: { truncated: false } },
  };
}

export function lambdaFailed(error: string, cause: string, timestamp: number): EventDraft {
  return { type: 'LambdaFunctionFailed', timestamp, lambdaFunctionFailedEventDetails: { error, cause } };
}

export function executionStarted(input: unknown, roleArn: string, stateMachineArn: string, timestamp: number) {
  return {
    type: 'ExecutionStarted',
    timestamp,
    executionStartedEventDetails: {
      input: payload(input),
      inputDetails: { truncated: false },
      roleArn,
      stateMachineArn,
    },
  } satisfies EventDraft;
}

export function executionSucceeded(output: unknown, timestamp: number): EventDraft {
  return {
    type: 'ExecutionSucceeded',
    timestamp,
    executionSucceededEventDetails: { output: payload(output), outputDetails: { truncated: false } },
  };
}

export function executionFailed(error: string, cause: string, timestamp: number): EventDraft {
  return { type: 'ExecutionFailed', timestamp, executionFailedEventDetails: { error, cause } };
}

export function executionAborted(error: string | undefined, cause: string | undefined, timestamp: number): EventDraft {
  return {
    type: 'ExecutionAborted',
    timestamp,
    executionAbortedEventDetails: { ...(error ? { error } : {}), ...(cause ? { cause } : {}) },
  };
}

export function executionTimedOut(timestamp: number): EventDraft {
  return {
    type: 'ExecutionTimedOut',
    timestamp,
    executionTimedOutEventDetails: { error: 'States.Timeout', cause: 'The execution exceeded its TimeoutSeconds.' },
  };
}

/** Turn a history event into its wire form: timestamps in epoch seconds, as the AWS JSON protocol sends them. */
export function toWire(event: HistoryEvent): Record<string, unknown> {
  return { ...event, timestamp: event.timestamp / 1000 };
}
