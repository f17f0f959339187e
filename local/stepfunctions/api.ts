/**
 * The Step Functions actions the local engine answers, as AWS shapes them: validating each request (ARNs, execution
 * names, input, page sizes and tokens) and building each response (execution descriptions, history and execution
 * pages, state machine descriptions).
 */
import { randomUUID } from 'node:crypto';
import type { HistoryEvent } from './history';
import { type ExecutionRecord, SfnError } from './types';

const MAX_INPUT_BYTES = 256 * 1024;
/** Execution names as AWS accepts them: 1 to 80 characters, no whitespace, brackets, wildcards or punctuation. */
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

/** The state machine the actions answer for. */
export interface StateMachineInfo {
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  creationDate: number;
  definition: unknown;
}

export function isExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || NAME_FORBIDDEN.test(name)) return false;
  return [...name].every((c) => {
    const code = c.charCodeAt(0);
    return code > 0x1f && (code < 0x7f || code > 0x9f);
  });
}

/** The AWS error for a request naming a state machine other than `stateMachineArn`. */
export function assertStateMachine(stateMachineArn: string, arn: unknown): void {
  if (typeof arn !== 'string' || !arn.startsWith('arn:aws:states:')) {
    throw new SfnError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
  }
  if (arn !== stateMachineArn) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
}

/** A StartExecution request's name (a UUID when it has none), input text and parsed input. */
export function startRequest(request: { name?: unknown; input?: unknown }): {
  name: string;
  inputText: string;
  input: unknown;
} {
  const name = request.name === undefined ? randomUUID() : request.name;
  if (typeof name !== 'string' || !isExecutionName(name)) {
    throw new SfnError('InvalidName', `Invalid Name: '${String(name)}'`);
  }
  const inputText = request.input === undefined ? '{}' : request.input;
  if (typeof inputText !== 'string') throw new SfnError('ValidationException', 'input must be a string');
  if (Buffer.byteLength(inputText) > MAX_INPUT_BYTES) {
    throw new SfnError('ValidationException', 'input must be at most 262144 bytes');
  }
  let input: unknown;
  try {
    input = JSON.parse(inputText);
  } catch {
    throw new SfnError('InvalidExecutionInput', 'Invalid execution input: not valid JSON');
  }
  return { name, inputText, input };
}

/** A page of `items` as AWS pages them: `maxResults` (0 or absent: 100, at most 1000) from the opaque `nextToken`. */
function pageOf<T>(items: readonly T[], request: { maxResults?: unknown; nextToken?: unknown }) {
  const max = request.maxResults === undefined || request.maxResults === 0 ? 100 : request.maxResults;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > 1000) {
    throw new SfnError('ValidationException', 'maxResults must be an integer from 0 to 1000');
  }
  let start = 0;
  if (request.nextToken !== undefined) {
    const parsed =
      typeof request.nextToken === 'string' ? Number(Buffer.from(request.nextToken, 'base64url').toString()) : NaN;
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > items.length) {
      throw new SfnError('InvalidToken', 'Invalid Token');
    }
    start = parsed;
  }
  const page = items.slice(start, start + max);
  const next = start + page.length;
  return {
    page,
    ...(next < items.length ? { nextToken: Buffer.from(String(next)).toString('base64url') } : {}),
  };
}

export function describeExecutionResponse(record: ExecutionRecord, stateMachineArn: string) {
  return {
    executionArn: record.executionArn,
    stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: record.startDate,
    ...(record.stopDate !== undefined ? { stopDate: record.stopDate } : {}),
    input: record.input,
    inputDetails: { included: true },
    ...(record.output !== undefined ? { output: record.output, outputDetails: { included: true } } : {}),
    ...(record.error !== undefined ? { error: record.error } : {}),
    ...(record.cause !== undefined ? { cause: record.cause } : {}),
  };
}

export function executionHistoryResponse(
  record: ExecutionRecord,
  request: { maxResults?: unknown; nextToken?: unknown; reverseOrder?: unknown; includeExecutionData?: unknown },
) {
  const ordered = request.reverseOrder === true ? [...record.events].reverse() : record.events;
  const { page, ...next } = pageOf(ordered, request);
  const strip = request.includeExecutionData === false;
  return {
    events: page.map((event) => (strip ? withoutData(event) : event)),
    ...next,
  };
}

/** ListExecutions: newest first, optionally only those with `statusFilter`. */
export function listExecutionsResponse(
  records: readonly ExecutionRecord[],
  stateMachineArn: string,
  request: { statusFilter?: unknown; maxResults?: unknown; nextToken?: unknown },
) {
  const all = records
    .filter((r) => request.statusFilter === undefined || r.status === request.statusFilter)
    .sort((a, b) => b.startDate - a.startDate);
  const { page, ...next } = pageOf(all, request);
  return {
    executions: page.map((r) => ({
      executionArn: r.executionArn,
      stateMachineArn,
      name: r.name,
      status: r.status,
      startDate: r.startDate,
      ...(r.stopDate !== undefined ? { stopDate: r.stopDate } : {}),
    })),
    ...next,
  };
}

/** A StopExecution request's error and cause, cut to the lengths AWS keeps. */
export function stopRequest(request: { error?: unknown; cause?: unknown }) {
  return {
    error: typeof request.error === 'string' ? request.error.slice(0, 256) : undefined,
    cause: typeof request.cause === 'string' ? request.cause.slice(0, 32768) : undefined,
  };
}

export function listStateMachinesResponse(machine: StateMachineInfo) {
  return {
    stateMachines: [
      {
        stateMachineArn: machine.stateMachineArn,
        name: machine.stateMachineName,
        type: 'STANDARD',
        creationDate: machine.creationDate,
      },
    ],
  };
}

export function describeStateMachineResponse(machine: StateMachineInfo) {
  return {
    stateMachineArn: machine.stateMachineArn,
    name: machine.stateMachineName,
    status: 'ACTIVE',
    definition: JSON.stringify(machine.definition),
    roleArn: machine.roleArn,
    type: 'STANDARD',
    creationDate: machine.creationDate,
  };
}

function withoutData(event: HistoryEvent): HistoryEvent {
  const copy: HistoryEvent = { ...event };
  for (const [key, value] of Object.entries(copy)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') {
      const { input: _i, output: _o, ...rest } = value as Record<string, unknown>;
      copy[key] = rest;
    }
  }
  return copy;
}
