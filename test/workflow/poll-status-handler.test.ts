/**
 * The status poller (functions/workflow/poll-status.ts) run for real, as the local poll queue's consumer: the workflow
 * on the local engine, the Webex simulator on a manual clock, the audit table on dynalite. The poller is watched (not
 * replaced) through the harness's `wrapTask`, so each case sees what it answered SQS, and its log lines are read from
 * stdout and stderr.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import type { WorkflowState } from '../../functions/domain/workflow/state';
import { STATUS_POLLER } from '../../infra/workflow-tasks';
import type { TaskHandler } from '../../local/stepfunctions';
import { anOrder, eventsOfType, startWorkflowHarness, statesEntered, type WorkflowHarness } from './harness';

let h: WorkflowHarness;

beforeAll(async () => {
  h = await startWorkflowHarness();
});
afterAll(async () => {
  await h?.stop();
});

// ---- watching the status poller ----

interface PollerRun {
  messageIds: string[];
  bodies: string[];
  response: SQSBatchResponse | undefined;
}

/** Every invocation of the poller in the current test, in the order they ended. */
let runs: PollerRun[] = [];
let inFlight: Array<Promise<unknown>> = [];
let runListeners: Array<() => void> = [];
/** When set, the poller waits for it before handling a message (to order it after something the test does). */
let pollerGate: Promise<unknown> | undefined;
/** When set, rewrites a record's body before the poller sees it (a fault between the queue and the poller). */
let rewriteBody: ((messageId: string, body: string) => string) | undefined;

function watchPoller(name: string, handler: TaskHandler): TaskHandler {
  if (name !== STATUS_POLLER.name) return handler;
  return async (input, context) => {
    const event = input as SQSEvent;
    const records = event.Records.map((r) => ({ ...r, body: rewriteBody ? rewriteBody(r.messageId, r.body) : r.body }));
    const run = (async () => {
      if (pollerGate) await pollerGate;
      return (await handler({ Records: records }, context)) as SQSBatchResponse | undefined;
    })();
    inFlight.push(run.catch(() => undefined));
    const response = await run;
    runs.push({ messageIds: records.map((r) => r.messageId), bodies: records.map((r) => r.body), response });
    for (const listener of runListeners) listener();
    return response;
  };
}

/** Resolves once the poller has ended `count` invocations in this test. */
function pollerRuns(count: number): Promise<PollerRun[]> {
  return new Promise((resolve) => {
    const check = () => {
      if (runs.length < count) return;
      runListeners = runListeners.filter((l) => l !== check);
      resolve(runs.slice(0, count));
    };
    runListeners.push(check);
    check();
  });
}

/** One turn of the event loop: the queue's bookkeeping after a delivery (dead letters, redelivery timers) is done. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

// ---- the poller's log lines ----

interface LogLine {
  level: string;
  message: string;
  task?: string;
  messageId?: string;
  orderId?: string;
  errorName?: string;
}

let stdout: MockInstance<typeof process.stdout.write>;
let stderr: MockInstance<typeof process.stderr.write>;
let logLines: LogLine[] = [];

function pollerLog(message: string): LogLine[] {
  return logLines.filter((line) => line.task === STATUS_POLLER.name && line.message === message);
}

beforeEach(() => {
  h.reset();
  runs = [];
  inFlight = [];
  runListeners = [];
  pollerGate = undefined;
  rewriteBody = undefined;
  h.wrapTask = watchPoller;
  logLines = [];
  // The poller's logger reads LOG_LEVEL per invocation: let its lines through, into the test instead of the terminal.
  process.env.LOG_LEVEL = 'info';
  // Warnings and errors go to stderr (Powertools Logger).
  const capture = (chunk: string | Uint8Array) => {
    for (const text of String(chunk).split('\n')) {
      if (!text.startsWith('{')) continue;
      try {
        logLines.push(JSON.parse(text) as LogLine);
      } catch {
        // Not a log line of ours.
      }
    }
    return true;
  };
  stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});

afterEach(async () => {
  // Let the poller finish what it started, so nothing of this test runs into the next one.
  for (let settled = 0; settled < inFlight.length; ) {
    const batch = inFlight.slice(settled);
    settled = inFlight.length;
    await Promise.all(batch);
  }
  stdout.mockRestore();
  stderr.mockRestore();
  process.env.LOG_LEVEL = 'silent';
});

const noFailures: SQSBatchResponse = { batchItemFailures: [] };

describe('status poller: messages nothing can answer', () => {
  it('drops a message without a task token: no batch item failure, no redelivery, no dead letter, an error log', async () => {
    // Prepare
    const deadLettersBefore = h.engine.pollQueue.deadLetters.length;
    const bodies = [
      JSON.stringify({ state: { ref: 'no-token-1' } }),
      JSON.stringify({ taskToken: '', state: { ref: 'no-token-2' } }),
      'not json at all',
    ];

    // Act
    const sent = bodies.map((body) => h.engine.pollQueue.send(body, 0).MessageId);
    const ended = await pollerRuns(3);
    await nextTurn();

    // Assess
    expect(ended.map((run) => run.response)).toEqual([noFailures, noFailures, noFailures]);
    expect(runs).toHaveLength(3);
    expect(ended.flatMap((run) => run.messageIds).sort()).toEqual([...sent].sort());
    expect(h.engine.pollQueue.deadLetters).toHaveLength(deadLettersBefore);
    expect(h.waits).toEqual([]);
    expect(h.sim.stats().requests.total).toBe(0);
    const dropped = pollerLog('poll message without a task token dropped');
    expect(dropped.map((line) => line.level)).toEqual(['error', 'error', 'error']);
    expect(dropped.map((line) => line.messageId).sort()).toEqual([...sent].sort());
  });

  it('drops a poll whose execution was stopped (a stale token): no batch item failure, no re-send, no dead letter', async () => {
    // Prepare
    const order = anOrder();
    const deadLettersBefore = h.engine.pollQueue.deadLetters.length;
    h.onWait = (wait) => {
      if (wait.stateName !== 'Await status' || pollerGate) return;
      // After the execution has ended (its task no longer waits), the poller handles the message.
      pollerGate = Promise.resolve().then(() => {
        h.engine.stopExecution({ executionArn: wait.executionArn, error: 'Stopped', cause: 'by the test' });
        return h.engine.waitForExecution(wait.executionArn);
      });
    };

    // Act
    const execution = await h.runOrder(order);
    const [run] = await pollerRuns(1);
    await nextTurn();

    // Assess
    expect(execution.status).toBe('ABORTED');
    expect(execution.error).toBe('Stopped');
    expect(run?.response).toEqual(noFailures);
    expect(runs).toHaveLength(1);
    // The poller checked the status, then found nobody waiting for the answer: no next poll was sent.
    expect(h.calls('getSubscriber')).toEqual({ 200: 1 });
    expect(h.waits.map((w) => w.stateName)).toEqual(['Await status']);
    expect(h.engine.pollQueue.deadLetters).toHaveLength(deadLettersBefore);
    expect(pollerLog('poll dropped: the task no longer waits')).toEqual([
      expect.objectContaining({ level: 'info', orderId: order.orderId, messageId: run?.messageIds[0] }),
    ]);
    expect(pollerLog('poll failed; SQS delivers it again')).toEqual([]);
  });
});

describe('status poller: when the poller stops answering', () => {
  it('falls back to Check status on the first heartbeat timeout while the order waits in Await status, and still succeeds', async () => {
    // Prepare
    const order = anOrder();
    let expired: number | undefined;
    h.onWait = (wait) => {
      // Right after the first poll was sent (the task is waiting): as if the poller had died.
      if (wait.stateName === 'Await status' && expired === undefined) {
        expired = 0;
        queueMicrotask(() => {
          expired = h.engine.expireHeartbeats();
        });
      }
    };

    // Act
    const execution = await h.runOrder(order);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(expired).toBe(1);
    const entered = statesEntered(execution);
    expect(entered.filter((name) => name === 'Check status')).toHaveLength(1);
    expect(entered.indexOf('Check status')).toBe(entered.indexOf('Await status') + 1);
    expect(entered.filter((name) => name === 'Await status')).toHaveLength(2);
    expect(entered.at(-1)).toBe('Provisioned');
    expect(eventsOfType(execution, 'TaskTimedOut')).toEqual([
      expect.objectContaining({
        taskTimedOutEventDetails: expect.objectContaining({ error: 'States.HeartbeatTimeout' }),
      }),
    ]);
    const records = await h.orderRecords(order.orderId);
    expect(records.filter((r) => r.step === 'finish')).toHaveLength(1);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
  });

  it('reports a poll that fails for another reason as a batch item failure until it is dead-lettered; the heartbeat timeout then takes over', async () => {
    // Prepare
    const order = anOrder();
    const maxReceiveCount = 5;
    const deadLettersBefore = h.engine.pollQueue.deadLetters.length;
    let faulty: string | undefined;
    // The first poll's state is padded past SQS's 256 KiB and held: the poller heartbeats, then cannot send it on.
    rewriteBody = (messageId, body) => {
      faulty ??= messageId;
      if (messageId !== faulty) return body;
      const message = JSON.parse(body) as { taskToken: string; state: WorkflowState };
      const state = { ...message.state, holdSeconds: 60, lastStatusChange: 'x'.repeat(300_000) };
      return JSON.stringify({ ...message, state });
    };
    let resolveDeadLettered: () => void = () => undefined;
    const deadLettered = new Promise<void>((resolve) => {
      resolveDeadLettered = resolve;
    });
    runListeners.push(() => {
      if (runs.filter((run) => run.messageIds.includes(faulty ?? '')).length === maxReceiveCount) resolveDeadLettered();
    });

    // Act
    const started = h.engine.startExecution({
      stateMachineArn: h.engine.stateMachineArn,
      name: order.orderId,
      input: JSON.stringify(order),
    });
    await deadLettered;
    await nextTurn();
    const deadLetters = h.engine.pollQueue.deadLetters.slice(deadLettersBefore);
    const expired = h.engine.expireHeartbeats();
    const execution = await h.engine.waitForExecution(started.executionArn);

    // Assess
    const faultyRuns = runs.filter((run) => run.messageIds.includes(faulty ?? ''));
    expect(faultyRuns).toHaveLength(maxReceiveCount);
    for (const run of faultyRuns) expect(run.response).toEqual({ batchItemFailures: [{ itemIdentifier: faulty }] });
    expect(deadLetters).toEqual([expect.objectContaining({ messageId: faulty, receiveCount: maxReceiveCount })]);
    expect(pollerLog('poll failed; SQS delivers it again')).toHaveLength(maxReceiveCount);
    expect(expired).toBe(1);
    // The execution did not stay stuck behind the dead-lettered poll: the heartbeat timeout moved it on.
    expect(eventsOfType(execution, 'TaskTimedOut')).toEqual([
      expect.objectContaining({
        taskTimedOutEventDetails: expect.objectContaining({ error: 'States.HeartbeatTimeout' }),
      }),
    ]);
    expect(execution.status).toBe('SUCCEEDED');
  });
});
