/**
 * The status poller's decision for one poll message: what the workflow's `Await status` state waits for.
 *
 * The execution waits in ONE task state (a task token, no transitions) while the poller checks the subscriber's status
 * from a queue message delayed by the poll policy's wait. Each message turn is one of:
 * - `hold`: the check is not due yet (a wait longer than one queue delay, `holdSeconds` left): send the state again for
 *   the next hop, no Webex call (hops count the delays, as a Wait state does, whatever the clock says);
 * - `again`: the check ran and the subscriber is still in progress (or Webex throttled): send the next state with its
 *   delay (`delaySeconds`, or exactly Retry-After when throttled);
 * - `resume`: the check reached a decision (provisioned, failed, resend consent): the execution continues with `state`;
 * - `fail`: the check threw (Webex unavailable, audit unwritable, a bad state): the execution's `Await status` state
 *   fails with that error name, so its Retry/Catch rules apply as to any task.
 */
import { WORKFLOW_LIMITS, type WorkflowState } from './state';
import { checkStatusStep, parseWorkflowState, type WorkflowDeps } from './steps';

export type PollTurn =
  | { kind: 'hold'; state: WorkflowState; delaySeconds: number }
  | { kind: 'again'; state: WorkflowState; delaySeconds: number }
  | { kind: 'resume'; state: WorkflowState }
  | { kind: 'fail'; error: string; cause: string };

function queueDelay(seconds: number): number {
  return Math.max(0, Math.min(WORKFLOW_LIMITS.maxQueueDelaySeconds, Math.ceil(seconds)));
}

export async function pollStatusTurn(deps: WorkflowDeps, input: unknown): Promise<PollTurn> {
  try {
    const state = parseWorkflowState(input);
    const hold = state.holdSeconds ?? 0;
    if (hold > 0) {
      const hop = queueDelay(hold);
      return { kind: 'hold', state: { ...state, delaySeconds: hop, holdSeconds: hold - hop }, delaySeconds: hop };
    }
    const next = await checkStatusStep(deps, state);
    if (next.throttled) {
      // Exactly Retry-After: a longer one than a queue delay is held for the rest, as a long poll wait is.
      const retryAfter = Math.max(1, Math.ceil(next.retryAfterSeconds ?? 1));
      const hop = queueDelay(retryAfter);
      const state = retryAfter > hop ? { ...next, holdSeconds: retryAfter - hop } : next;
      return { kind: 'again', state, delaySeconds: hop };
    }
    if (next.route === 'poll') {
      return { kind: 'again', state: next, delaySeconds: queueDelay(next.delaySeconds ?? next.waitSeconds ?? 0) };
    }
    return { kind: 'resume', state: next };
  } catch (error) {
    const name = error instanceof Error && error.name !== 'Error' ? error.name : 'InternalError';
    const cause = error instanceof Error ? error.message : String(error);
    return { kind: 'fail', error: name, cause };
  }
}
