/**
 * Start an order on the provisioning workflow and (with --follow) print each step and status change as it happens.
 *
 *   npm run order -- examples/order.json --follow            # local: http://127.0.0.1:$SFN_PORT (npm start)
 *   npm run order -- examples/order.json --order-id order-2   # the same order under another id
 *   STATE_MACHINE_ARN=arn:... npm run order -- order.json --follow --aws   # AWS, default credentials chain
 *   npm run order -- retry order-1 --follow                  # run a failed order again (POST …/retry), follow it
 *
 * Local mode talks to SFN_ENDPOINT, else to the runtime's port SFN_PORT on 127.0.0.1 (8083), as `npm start` does, and
 * finds the state machine with ListStateMachines unless STATE_MACHINE_ARN is set. AWS mode (--aws, SFN_ENDPOINT unset)
 * needs STATE_MACHINE_ARN.
 * `retry` goes through the service's API (API_URL, default the local runtime's; TOKEN, locally a sandbox token), which
 * records who retried and refuses a retry that cannot help (409: running, succeeded, invalid order).
 * Exit codes: 0 provisioned (or started, without --follow); 1 the order failed (the cause is printed) or the retry was
 * refused; 2 usage or setup.
 */
import '../local/sdk-node-warning';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { InvalidPortError, PORT_SETTINGS, resolvePort } from '../local/ports';
import { ApiSetupError, apiBase, writeToken } from './api-access';

const POLL_MS = 1000;
const { envVar: SFN_PORT_VAR, defaultPort: DEFAULT_SFN_PORT } = PORT_SETTINGS.stepFunctions;

const USAGE = `Usage: npm run order -- <order.json> [--follow] [--aws] [--order-id <id>]
       npm run order -- retry <orderId> [--follow] [--aws]

  --follow          print each step and status change until the order ends; exit 0 when provisioned
  --aws             use AWS (default credentials chain) with STATE_MACHINE_ARN; SFN_ENDPOINT must be unset
  --order-id <id>   run the order under this orderId instead of the file's (an orderId runs once)
  retry <orderId>   run a failed order again as a new attempt (after UpstreamUnavailable, InternalError,
                    ProvisioningTimedOut; never after InvalidOrder: submit a corrected order under a new orderId)
Environment: SFN_ENDPOINT (the local endpoint; default http://127.0.0.1:$${SFN_PORT_VAR}, ${SFN_PORT_VAR} default
${DEFAULT_SFN_PORT}, as npm start), STATE_MACHINE_ARN, AWS_REGION; for retry also API_URL (default
http://127.0.0.1:$PORT) and TOKEN (a write-scope token; locally, one is signed with the runtime's key)`;

class UsageError extends Error {}

interface Options {
  file: string;
  follow: boolean;
  aws: boolean;
  orderId?: string;
  /** `retry <orderId>`: `file` is the orderId. */
  retry?: boolean;
}

function parseArgs(argv: string[]): Options {
  if (argv[0] === 'retry') {
    const options = parseArgs(argv.slice(1));
    if (options.orderId) throw new UsageError(`retry takes no --order-id\n\n${USAGE}`);
    return { ...options, retry: true };
  }
  const files: string[] = [];
  const flags = new Set<string>();
  let orderId: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--order-id' || arg.startsWith('--order-id=')) {
      orderId = arg === '--order-id' ? argv[++i] : arg.slice('--order-id='.length);
      if (!orderId) throw new UsageError(`--order-id needs a value\n\n${USAGE}`);
    } else if (arg.startsWith('--')) flags.add(arg);
    else files.push(arg);
  }
  if (flags.has('--help')) throw new UsageError(USAGE);
  for (const flag of flags) {
    if (!['--follow', '--aws'].includes(flag)) throw new UsageError(`Unknown option ${flag}\n\n${USAGE}`);
  }
  const file = files[0];
  if (!file || files.length > 1) throw new UsageError(USAGE);
  return { file, follow: flags.has('--follow'), aws: flags.has('--aws'), ...(orderId ? { orderId } : {}) };
}

/** The local Step Functions endpoint: SFN_ENDPOINT, else 127.0.0.1 on the runtime's SFN_PORT (8083), as npm start. */
export function localEndpoint(env: Record<string, string | undefined> = process.env): string {
  const explicit = env.SFN_ENDPOINT?.trim();
  if (explicit) return explicit;
  try {
    return `http://127.0.0.1:${resolvePort('stepFunctions', undefined, env)}`;
  } catch (error) {
    if (error instanceof InvalidPortError) throw new UsageError(error.message);
    throw error;
  }
}

function regionOfArn(arn: string | undefined): string | undefined {
  return arn?.split(':')[3] || undefined;
}

async function connect(options: Options): Promise<{ client: SFNClient; stateMachineArn: string; where: string }> {
  const configuredArn = process.env.STATE_MACHINE_ARN?.trim() || undefined;
  if (options.aws) {
    if (process.env.SFN_ENDPOINT) throw new UsageError('--aws talks to AWS: unset SFN_ENDPOINT.');
    if (!configuredArn) throw new UsageError('--aws needs STATE_MACHINE_ARN (the stack output).');
    const region = process.env.AWS_REGION ?? regionOfArn(configuredArn);
    return { client: new SFNClient(region ? { region } : {}), stateMachineArn: configuredArn, where: 'AWS' };
  }
  const endpoint = localEndpoint();
  const client = new SFNClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  if (configuredArn) return { client, stateMachineArn: configuredArn, where: endpoint };
  const machines = await client.send(new ListStateMachinesCommand({})).catch((error: unknown) => {
    throw new UsageError(
      `No Step Functions endpoint at ${endpoint} (${(error as Error).message}). Start it with npm start, or use --aws.`,
    );
  });
  const list = machines.stateMachines ?? [];
  const machine = list.find((m) => m.name === 'ProvisioningWorkflow') ?? (list.length === 1 ? list[0] : undefined);
  if (!machine?.stateMachineArn) throw new UsageError(`No provisioning state machine at ${endpoint}.`);
  return { client, stateMachineArn: machine.stateMachineArn, where: endpoint };
}

function elapsed(since: number, at: Date | undefined): string {
  const seconds = ((at?.getTime() ?? Date.now()) - since) / 1000;
  return `[${seconds.toFixed(1).padStart(8)}s]`;
}

function parse(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** One line per event worth seeing: steps, waits, retries, status changes, the end. Never personal data. */
export function describeEvent(event: HistoryEvent, lastStatus: { value?: string }): string | undefined {
  switch (event.type) {
    case 'TaskStateEntered':
      return `step      ${event.stateEnteredEventDetails?.name}`;
    case 'WaitStateEntered': {
      const input = parse(event.stateEnteredEventDetails?.input);
      const name = event.stateEnteredEventDetails?.name ?? '';
      const seconds = name.endsWith('throttled') ? input?.retryAfterSeconds : input?.waitSeconds;
      return `wait      ${name} (${seconds ?? '?'} s)`;
    }
    case 'LambdaFunctionFailed':
      return `retry     ${event.lambdaFunctionFailedEventDetails?.error ?? 'error'} (Step Functions retries)`;
    case 'TaskStateExited': {
      const output = parse(event.stateExitedEventDetails?.output);
      const status = typeof output?.lastStatus === 'string' ? output.lastStatus : undefined;
      if (status && status !== lastStatus.value) {
        lastStatus.value = status;
        return `status    ${status}${typeof output?.subscriberId === 'string' ? ` (subscriber ${output.subscriberId})` : ''}`;
      }
      return undefined;
    }
    case 'ExecutionSucceeded':
      return 'done      provisioned';
    case 'ExecutionFailed':
      return `failed    ${event.executionFailedEventDetails?.error}: ${event.executionFailedEventDetails?.cause ?? ''}`;
    case 'ExecutionAborted':
      return 'aborted   the execution was stopped';
    case 'ExecutionTimedOut':
      return 'timed out the state machine timeout ended the execution';
    default:
      return undefined;
  }
}

async function follow(client: SFNClient, executionArn: string, pollMs: number): Promise<number> {
  const startedAt = Date.now();
  let origin: number | undefined;
  let seen = 0;
  const lastStatus: { value?: string } = {};
  for (;;) {
    // Describe BEFORE reading the history: once the execution has ended, the history read after it holds every event,
    // so the last steps (and `done`) are never lost to a race between the two calls.
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    origin ??= events[0]?.timestamp?.getTime() ?? startedAt;
    for (const event of events.slice(seen)) {
      const line = describeEvent(event, lastStatus);
      if (line) process.stdout.write(`${elapsed(origin, event.timestamp)} ${line}\n`);
    }
    seen = events.length;
    if (described.status !== 'RUNNING' && described.status !== 'PENDING_REDRIVE') {
      if (described.status === 'SUCCEEDED') {
        const output = parse(described.output);
        const subscriber = output?.subscriber as { id?: string; status?: string } | undefined;
        process.stdout.write(`subscriber ${subscriber?.id ?? '?'} is ${subscriber?.status ?? '?'}\n`);
        return 0;
      }
      process.stderr.write(`order ended ${described.status}: ${described.error ?? ''} ${described.cause ?? ''}\n`);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** POST /v1/orders/{orderId}/retry: the new attempt's execution ARN, or the API's refusal as an Error. */
async function requestRetry(orderId: string): Promise<{ executionArn: string; attempt: number }> {
  const base = apiBase();
  const token = await writeToken(base);
  const response = await fetch(`${base}/v1/orders/${encodeURIComponent(orderId)}/retry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  }).catch((error: unknown) => {
    throw new UsageError(`No API at ${base} (${(error as Error).message}). Start it with npm start, or set API_URL.`);
  });
  const body = (await response.json().catch(() => ({}))) as {
    message?: string;
    executionArn?: string;
    attempt?: number;
    trackingId?: string;
  };
  if (response.status !== 202 || typeof body.executionArn !== 'string') {
    throw new Error(
      `retry refused (${response.status}): ${body.message ?? 'no message'}${body.trackingId ? ` [${body.trackingId}]` : ''}`,
    );
  }
  return { executionArn: body.executionArn, attempt: body.attempt ?? 0 };
}

async function retry(options: Options, settings: { pollMs?: number }): Promise<number> {
  const orderId = options.file;
  const { executionArn, attempt } = await requestRetry(orderId);
  process.stdout.write(`order ${orderId} retried: attempt ${attempt}\nexecution ${executionArn}\n`);
  if (!options.follow) return 0;
  const { client } = await connect(options);
  const code = await follow(client, executionArn, settings.pollMs ?? POLL_MS);
  client.destroy();
  return code;
}

export async function main(argv: string[], settings: { pollMs?: number } = {}): Promise<number> {
  try {
    const options = parseArgs(argv);
    if (options.retry) return await retry(options, settings);
    const text = await readFile(options.file, 'utf8').catch(() => {
      throw new UsageError(`Cannot read ${options.file}.`);
    });
    const order = parse(text);
    if (typeof order?.orderId !== 'string')
      throw new UsageError(`${options.file} is not an order: it needs an orderId.`);
    // The execution name is the orderId: another id is another order, with the same content.
    const orderId = options.orderId ?? order.orderId;
    const input = options.orderId ? JSON.stringify({ ...order, orderId }) : text;
    const { client, stateMachineArn, where } = await connect(options);
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
    const existing = await client.send(new DescribeExecutionCommand({ executionArn })).catch((error: unknown) => {
      if (error instanceof ExecutionDoesNotExist) return undefined;
      throw error;
    });
    if (existing) {
      process.stdout.write(
        `order ${orderId} exists already (${existing.status}; not started again: an orderId runs once, ` +
          `use --order-id for another)\nexecution ${executionArn}\n`,
      );
    } else {
      try {
        await client.send(new StartExecutionCommand({ stateMachineArn, name: orderId, input }));
        process.stdout.write(`order ${orderId} started on ${where}\nexecution ${executionArn}\n`);
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
        process.stdout.write(`order ${orderId} exists already (not started again)\nexecution ${executionArn}\n`);
      }
    }
    const code = options.follow ? await follow(client, executionArn, settings.pollMs ?? POLL_MS) : 0;
    client.destroy();
    return code;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof UsageError || error instanceof ApiSetupError ? 2 : 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
