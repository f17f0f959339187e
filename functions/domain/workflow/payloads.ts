/**
 * Readers of what a workflow task receives: the execution input and name, a workflow state, a tracking input, and what
 * the Catch hands the failure recorder. Pure: a payload in, a typed value (or the validation errors) out.
 */
import type { WebexErrorItem } from '../contract/fields';
import { issuesToErrorItems } from '../contract/validation';
import { CaughtSchema, type Tracking, TrackingSchema, type WorkflowState, WorkflowStateSchema } from './state';
import { WorkflowTaskError } from './task-errors';
import { iso } from './timestamps';

/** What the state machine hands the first task: the execution input as it is, and the execution's name. */
export interface StartPayload {
  input: unknown;
  executionName: string;
}

/** What the state machine's Catch hands RecordFailure: the state as it was (with `caught`), and the execution's name. */
export interface CaughtPayload {
  state: unknown;
  executionName: string;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Read a start payload leniently: the execution input may be anything at all. */
export function readStartPayload(payload: unknown): StartPayload {
  const executionName =
    isObject(payload) && typeof payload.executionName === 'string' && payload.executionName.length > 0
      ? payload.executionName.slice(0, 80)
      : 'unnamed';
  return { input: isObject(payload) ? payload.input : undefined, executionName };
}

/** Parse a state handed to a task; a state this code did not produce is a bug, never retried into success. */
export function parseWorkflowState(input: unknown): WorkflowState {
  const result = WorkflowStateSchema.safeParse(input);
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((i) => i.path.join('.') || '(root)'))].slice(0, 10).join(', ');
    throw new WorkflowTaskError('InvalidWorkflowState', `The workflow state is invalid at: ${fields}.`);
  }
  return result.data;
}

/** A tracking execution's input: its `tracking`, or the validation errors (field names under `tracking.`). */
export function readTracking(input: unknown): { tracking?: Tracking; errors: WebexErrorItem[] } {
  const raw = isObject(input) ? input.tracking : undefined;
  const parsed = TrackingSchema.safeParse(raw);
  if (parsed.success) return { tracking: parsed.data, errors: [] };
  const errors = issuesToErrorItems(parsed.error.issues, raw).map((e) =>
    e.fieldName ? { ...e, fieldName: `tracking.${e.fieldName}` } : e,
  );
  return { errors };
}

/**
 * The state RecordFailure ends, and the name of the error Step Functions caught (`Unknown` when it is missing). A state
 * this code did not produce is replaced by a minimal one named after the execution, ending at `now`.
 */
export function readCaughtState(payload: CaughtPayload, now: number): { state: WorkflowState; errorName: string } {
  const raw = isObject(payload.state) ? payload.state : {};
  const caught = CaughtSchema.safeParse(raw.caught);
  const errorName = caught.success ? caught.data.Error : 'Unknown';
  const { caught: _caught, ...rest } = raw;
  const parsed = WorkflowStateSchema.safeParse(rest);
  const state: WorkflowState = parsed.success
    ? parsed.data
    : {
        kind: isObject(rest.input) && 'tracking' in rest.input ? 'tracking' : 'order',
        ref: payload.executionName,
        startedAt: iso(now),
        deadlineAt: iso(now),
        checks: 0,
        route: 'failed',
        throttled: false,
      };
  return { state, errorName };
}
