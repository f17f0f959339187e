/**
 * The local Step Functions endpoint: AWS JSON 1.0 protocol (`POST /`, `X-Amz-Target: AWSStepFunctions.<Action>`,
 * `Content-Type: application/x-amz-json-1.0`), so `@aws-sdk/client-sfn` and the AWS CLI work against it unchanged
 * (signatures are not checked). Errors are
 * `{"__type": "...", "message": "..."}` with status 400, as AWS sends them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { BATCH_TASKS, ORDER_OUTCOME_RECORDER } from '../../functions/catalog/batch-tasks';
import { createLogger, type Logger } from '../../functions/shared/logger';
import { renderBatchAsl } from '../../infra/workflow/asl';
import { type ExecutionRecord, type LocalEngineOptions, LocalStepFunctionsEngine, SfnError } from './engine';
import { ExecutionEventDelivery, executionStatusChange } from './execution-events';
import { type HistoryEvent, toWire } from './history';
import { FileExecutionStore } from './persistence';
import { moduleTaskHandlers } from './task-handlers';

const MAX_BODY_BYTES = 1024 * 1024;

export interface LocalStepFunctionsOptions extends Omit<LocalEngineOptions, 'logger' | 'timeScale'> {
  /** Default 8083 (env SFN_PORT); 0 for an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Multiplies waits and retry intervals: 1 real time (default, or env LOCAL_TIME_SCALE), 0.1 ten times faster, 0 none. */
  timeScale?: number;
  logger?: Logger;
  /**
   * Keep executions in this directory (one JSON file each): the ones kept are listed again at start, and the RUNNING
   * ones continue when `resume()` is called. Default: in memory.
   */
  executionsDir?: string;
}

export interface LocalStepFunctions {
  /** `http://127.0.0.1:<port>`: the SDK's `endpoint`, the CLI's `--endpoint-url`. */
  url: string;
  stateMachineArn: string;
  /** The batch workflow on the same endpoint (`BATCH_STATE_MACHINE_ARN`). */
  batchStateMachineArn: string;
  batchEngine: LocalStepFunctionsEngine;
  /** The provisioning workflow's execution status change events: `idle()` once every one is delivered. */
  executionEvents: Pick<ExecutionEventDelivery, 'idle' | 'deadLetters'>;
  engine: LocalStepFunctionsEngine;
  /** Continue the kept executions that were running when the endpoint last stopped (once the handlers can run). */
  ready(): void;
  stop(): Promise<void>;
}

/** Dates in responses travel as epoch seconds. */
function wireDates<T extends object>(value: T, keys: string[]): T {
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key of keys) if (typeof copy[key] === 'number') copy[key] = (copy[key] as number) / 1000;
  return copy as T;
}

type Action = (engine: LocalStepFunctionsEngine, body: Record<string, unknown>) => unknown;

/** The engine of the state machine a request names (by its state machine or execution ARN); else the first. */
function engineFor(engines: readonly LocalStepFunctionsEngine[], body: Record<string, unknown>) {
  const arn = typeof body.stateMachineArn === 'string' ? body.stateMachineArn : body.executionArn;
  const name = typeof arn === 'string' ? arn.split(':')[6] : undefined;
  return engines.find((engine) => engine.stateMachineName === name) ?? (engines[0] as LocalStepFunctionsEngine);
}

const ACTIONS: Record<string, Action> = {
  StartExecution: (e, b) => wireDates(e.startExecution(b), ['startDate']),
  DescribeExecution: (e, b) => wireDates(e.describeExecution(b), ['startDate', 'stopDate']),
  GetExecutionHistory: (e, b) => {
    const page = e.getExecutionHistory(b);
    return { ...page, events: page.events.map((event: HistoryEvent) => toWire(event)) };
  },
  ListExecutions: (e, b) => {
    const page = e.listExecutions(b);
    return { ...page, executions: page.executions.map((x) => wireDates(x, ['startDate', 'stopDate'])) };
  },
  StopExecution: (e, b) => wireDates(e.stopExecution(b), ['stopDate']),
  ListStateMachines: (e) => listMachines(e),
  DescribeStateMachine: (e, b) => wireDates(e.describeStateMachine(b), ['creationDate']),
};

function listMachines(engine: LocalStepFunctionsEngine) {
  return { stateMachines: engine.listStateMachines().stateMachines.map((m) => wireDates(m, ['creationDate'])) };
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
  });
  res.end(text);
}

function sendError(res: ServerResponse, type: string, message: string, status = 400): void {
  send(res, status, { __type: type, message }, type);
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createLocalStepFunctionsHandler(
  engineOrEngines: LocalStepFunctionsEngine | readonly LocalStepFunctionsEngine[],
  logger: Logger,
) {
  const engines = Array.isArray(engineOrEngines)
    ? (engineOrEngines as readonly LocalStepFunctionsEngine[])
    : [engineOrEngines as LocalStepFunctionsEngine];
  const engine = engines[0] as LocalStepFunctionsEngine;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.method !== 'POST') {
        if (req.method === 'GET' && (req.url === '/' || req.url === '/health')) {
          send(res, 200, { status: 'ok', stateMachineArn: engine.stateMachineArn });
          return;
        }
        sendError(res, 'UnknownOperationException', 'Only POST with X-Amz-Target is supported.', 404);
        return;
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const [service, action] = target.split('.');
      const handler = service === 'AWSStepFunctions' && action ? ACTIONS[action] : undefined;
      const text = await readBody(req);
      if (text === undefined) {
        sendError(res, 'ValidationException', 'Request body too large.', 413);
        return;
      }
      if (!handler) {
        sendError(res, 'UnknownOperationException', `Unknown operation: ${target || '(no X-Amz-Target)'}`);
        return;
      }
      let body: unknown;
      try {
        body = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        sendError(res, 'SerializationException', 'The request body is not valid JSON.');
        return;
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        sendError(res, 'SerializationException', 'The request body must be a JSON object.');
        return;
      }
      const request = body as Record<string, unknown>;
      if (action === 'ListStateMachines') {
        const machines = engines.flatMap((e) => listMachines(e).stateMachines);
        send(res, 200, { stateMachines: machines });
        return;
      }
      send(res, 200, handler(engineFor(engines, request), request));
    } catch (error) {
      if (error instanceof SfnError) {
        sendError(res, error.type, error.message);
        return;
      }
      logger.error('local step functions request failed', { error });
      if (!res.headersSent)
        sendError(res, 'InternalFailure', 'Internal error in the local Step Functions endpoint.', 500);
    }
  };
}

function localRecorderContext() {
  const arn = `arn:aws:lambda:us-east-1:000000000000:function:${ORDER_OUTCOME_RECORDER.name}`;
  return {
    awsRequestId: randomUUID(),
    functionName: ORDER_OUTCOME_RECORDER.name,
    invokedFunctionArn: arn,
    getRemainingTimeInMillis: () => 30_000,
  };
}

/** Read LOCAL_TIME_SCALE (a number ≥ 0); anything else is refused loudly rather than silently ignored. */
export function timeScaleFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.LOCAL_TIME_SCALE;
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`LOCAL_TIME_SCALE must be a number ≥ 0 (1 = real time, 0.1 = ten times faster); got '${raw}'`);
  }
  return value;
}

/**
 * Start the local Step Functions endpoint with the provisioning workflow. Its task handlers read the same environment
 * as in Lambda (`functions/config.ts`), so start it after that environment is set.
 */
export async function startLocalStepFunctions(options: LocalStepFunctionsOptions = {}): Promise<LocalStepFunctions> {
  const logger = options.logger ?? createLogger({ component: 'local-stepfunctions' });
  const timeScale = options.timeScale ?? timeScaleFromEnv() ?? 1;
  const store = options.executionsDir ? new FileExecutionStore(options.executionsDir, logger) : undefined;
  // The batch workflow's executions are kept beside the provisioning workflow's (a subdirectory: its files are apart).
  const batchStore = options.executionsDir
    ? new FileExecutionStore(path.join(options.executionsDir, 'batches'), logger)
    : undefined;
  // Step Functions' execution status change events, as the stack's EventBridge rule routes them: the provisioning
  // workflow's execution ends go to the batch outcome recorder (when there is a batch table to record into).
  const recorder = moduleTaskHandlers([ORDER_OUTCOME_RECORDER])[ORDER_OUTCOME_RECORDER.name];
  const events = new ExecutionEventDelivery({
    target: process.env.BATCH_TABLE_NAME && recorder ? (event) => recorder(event, localRecorderContext()) : undefined,
    logger: logger.child({ component: 'local-events' }),
  });
  let engine: LocalStepFunctionsEngine;
  const onExecutionEnd = (record: ExecutionRecord) => {
    options.onExecutionEnd?.(record);
    events.deliver(executionStatusChange(record, engine.stateMachineArn));
  };
  engine = new LocalStepFunctionsEngine({ ...options, timeScale, logger, onExecutionEnd, ...(store ? { store } : {}) });
  if (store) engine.restore(store.load());
  const batchEngine = new LocalStepFunctionsEngine({
    definition: renderBatchAsl(),
    stateMachineName: 'BatchWorkflow',
    taskHandlers: moduleTaskHandlers(BATCH_TASKS),
    timeScale,
    logger: logger.child({ stateMachine: 'BatchWorkflow' }),
    ...(options.onWait ? { onWait: options.onWait } : {}),
    ...(options.wrapTask ? { wrapTask: options.wrapTask } : {}),
    ...(batchStore ? { store: batchStore } : {}),
  });
  if (batchStore) batchEngine.restore(batchStore.load());
  const handler = createLocalStepFunctionsHandler([engine, batchEngine], logger);
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((error) => logger.error('local step functions handler crashed', { error }));
  });
  const port = options.port ?? (process.env.SFN_PORT ? Number(process.env.SFN_PORT) : 8083);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} is in use: set SFN_PORT to another port for the local Step Functions endpoint.`)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  logger.info('local step functions endpoint started', { url, stateMachineArn: engine.stateMachineArn, timeScale });
  return {
    url,
    stateMachineArn: engine.stateMachineArn,
    batchStateMachineArn: batchEngine.stateMachineArn,
    batchEngine,
    executionEvents: events,
    engine,
    ready: () => {
      const resumed = engine.resumeRunning();
      const batches = batchEngine.resumeRunning();
      if (resumed + batches > 0) {
        logger.info('resumed the executions that were running', { count: resumed, batches });
      }
    },
    stop: async () => {
      // Keeping data: running executions are suspended (they continue after the next start), not aborted.
      if (store) await Promise.all([batchEngine.suspend(), engine.suspend()]);
      else {
        await batchEngine.close();
        await engine.close();
      }
      await events.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
