/**
 * Submit a batch of orders from a CSV or JSON file to POST /v1/batches and (with --follow) show its progress until
 * every order has ended, then save its report.
 *
 *   npm run batch -- subscribers.csv --follow              # local: http://127.0.0.1:$PORT (npm start), default 3000
 *   API_URL=https://api.example.com TOKEN=… npm run batch -- batch.json --batch-id spring-migration --follow
 *
 * CSV: a header line of Provision field names (provisioningId, userId, spEnterpriseId, firstName, lastName, package,
 * primaryPhoneNumber, mobilePhoneNumber, extension, email, language, timezone), optionally `orderId` and
 * `customerInfo.primaryEmail`; one subscriber per line; an empty cell leaves the field out. JSON: `{batchId?, orders,
 * options?}` as POST /v1/batches takes it, or an array of orders.
 *
 * The batchId defaults to the file's name and a digest of its bytes, so running the same file again submits the same
 * batch: the API answers 200 and starts nothing twice. Exit codes: 0 submitted (every order succeeded, with --follow);
 * 1 some orders failed, or the API refused the batch; 2 usage.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProvisionRequestSchema } from '../functions/domain/contract/provision-request';
import { InvalidPortError, resolvePort } from '../local/ports';

const USAGE = `Usage: npm run batch -- <file.csv|file.json> [--batch-id <id>] [--follow] [--report <file>]

  --batch-id  the batch's id (default: the file's name and a digest of its content, so the same file is the same batch)
  --follow    show progress (done/total, rate, ETA) until every order has ended, then save the report
  --report    where to save the report (default: <batchId>-report.csv in the current directory)
Environment: API_URL (default http://127.0.0.1:$PORT, PORT default 3000), TOKEN (a write-scope token; locally, one
is signed with the runtime's key when TOKEN is unset)`;

const POLL_MS = 1000;
/** Provision's field names, and the two more a CSV line may carry. */
export const CSV_FIELDS = [...Object.keys(ProvisionRequestSchema.shape), 'customerInfo.primaryEmail', 'orderId'];

class UsageError extends Error {}

interface Options {
  file: string;
  batchId?: string;
  follow: boolean;
  report?: string;
}

export interface BatchCliSettings {
  /** Milliseconds between progress reads (default 1000). */
  pollMs?: number;
  clock?: { now(): number; sleep(ms: number): Promise<void> };
  env?: Record<string, string | undefined>;
  write?: (text: string) => void;
  writeError?: (text: string) => void;
  /** Whether to redraw the progress bar in place (a terminal). */
  tty?: boolean;
  cwd?: string;
}

interface BatchBody {
  batchId: string;
  orders: Array<Record<string, unknown>>;
  options?: unknown;
}

interface BatchAnswer {
  batchId: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'COMPLETED_WITH_FAILURES';
  counts: { total: number; succeeded: number; failed: number; running: number };
  failures: Array<{ orderId: string; error: string; cause: unknown }>;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Partial<Options> & { follow: boolean } = { follow: false };
  const files: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') throw new UsageError(USAGE);
    if (arg === '--follow') options.follow = true;
    else if (arg === '--batch-id' || arg === '--report') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value\n\n${USAGE}`);
      if (arg === '--batch-id') options.batchId = value;
      else options.report = value;
      i += 1;
    } else if (arg.startsWith('--')) throw new UsageError(`Unknown option ${arg}\n\n${USAGE}`);
    else files.push(arg);
  }
  if (files.length !== 1) throw new UsageError(USAGE);
  return { ...options, file: files[0] as string };
}

/** RFC 4180: quoted fields (with "" for a quote), commas, CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i += 1) {
    const c = input[i] as string;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && input[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new UsageError('The CSV ends inside a quoted field.');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((cell) => cell.trim() !== ''));
}

/** The orders of a CSV file: one per line under a header of Provision field names (plus orderId). */
export function ordersFromCsv(text: string): Array<Record<string, unknown>> {
  const [header, ...lines] = parseCsv(text);
  if (!header) throw new UsageError('The CSV is empty: it needs a header line of Provision field names.');
  const names = header.map((name) => name.trim());
  const unknown = names.filter((name) => !CSV_FIELDS.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`Unknown CSV column ${unknown.join(', ')}: the columns are ${CSV_FIELDS.join(', ')}.`);
  }
  return lines.map((cells, i) => {
    if (cells.length > names.length) {
      throw new UsageError(`CSV line ${i + 2} has ${cells.length} fields, the header ${names.length}.`);
    }
    const subscriber: Record<string, unknown> = {};
    const order: Record<string, unknown> = { subscriber };
    names.forEach((name, column) => {
      const value = cells[column]?.trim() ?? '';
      if (value === '') return;
      if (name === 'orderId') order.orderId = value;
      else if (name === 'customerInfo.primaryEmail') subscriber.customerInfo = { primaryEmail: value };
      else subscriber[name] = value;
    });
    return order;
  });
}

/** The default batchId: the file's name and a digest of its bytes (same file, same batch). */
export function defaultBatchId(file: string, bytes: Buffer): string {
  const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  const stem = basename(file, extname(file))
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return stem === '' ? `batch-${digest}` : `${stem}-${digest}`;
}

async function readBatch(options: Options): Promise<{ body: BatchBody; csv: boolean }> {
  const bytes = await readFile(options.file).catch(() => {
    throw new UsageError(`Cannot read ${options.file}.`);
  });
  const text = bytes.toString('utf8');
  const csv = extname(options.file).toLowerCase() === '.csv';
  let orders: Array<Record<string, unknown>>;
  let batchId = options.batchId;
  let batchOptions: unknown;
  if (csv) orders = ordersFromCsv(text);
  else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UsageError(`${options.file} is neither a .csv file nor JSON.`);
    }
    if (Array.isArray(parsed)) orders = parsed as Array<Record<string, unknown>>;
    else if (parsed !== null && typeof parsed === 'object' && Array.isArray((parsed as BatchBody).orders)) {
      const body = parsed as Partial<BatchBody>;
      orders = body.orders as Array<Record<string, unknown>>;
      batchId ??= typeof body.batchId === 'string' ? body.batchId : undefined;
      batchOptions = body.options;
    } else throw new UsageError(`${options.file} holds no orders: {batchId?, orders: [...]} or an array of orders.`);
  }
  const body: BatchBody = { batchId: batchId ?? defaultBatchId(options.file, bytes), orders };
  if (batchOptions !== undefined) body.options = batchOptions;
  return { body, csv };
}

/** API_URL, else the local runtime's API on 127.0.0.1 at its port variable (PORT, 3000), as `npm start` uses it. */
function apiBase(env: Record<string, string | undefined>): string {
  const configured = env.API_URL?.trim();
  if (configured) return configured.replace(/\/+$/, '');
  try {
    return `http://127.0.0.1:${resolvePort('api', undefined, env)}`;
  } catch (error) {
    if (error instanceof InvalidPortError) throw new UsageError(error.message);
    throw error;
  }
}

async function tokenFor(base: string, env: Record<string, string | undefined>): Promise<string> {
  const configured = env.TOKEN?.trim();
  if (configured) return configured;
  const { hostname } = new URL(base);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost') {
    throw new UsageError(`Set TOKEN to a token with the write scope for ${base}.`);
  }
  // Locally: sign a sandbox token with the running runtime's key, as `npm run token -- write` does.
  const [{ existsSync }, { loadLocalIdp, SANDBOX_TOKEN_SCOPES }, { DEFAULT_JWT_KEY_FILE, JWT_KEY_FILE_ENV }] =
    await Promise.all([import('node:fs'), import('../local/auth/local-idp'), import('../local/paths')]);
  const keyFile = env[JWT_KEY_FILE_ENV] || DEFAULT_JWT_KEY_FILE;
  if (!existsSync(keyFile)) throw new UsageError(`No local signing key at ${keyFile}: start npm start, or set TOKEN.`);
  const idp = await loadLocalIdp(keyFile);
  return idp.mint(SANDBOX_TOKEN_SCOPES.write);
}

/** `line 5 (orders[3].subscriber.userId): …` for a CSV; the API's fieldName otherwise. */
function describeRefusal(body: unknown, csv: boolean): string {
  const errors = (body as { errors?: Array<{ description?: string; fieldName?: string }> } | undefined)?.errors ?? [];
  const lines = errors.map((error) => {
    const place = /^orders\[(\d+)\]/.exec(error.fieldName ?? '');
    const where = csv && place ? `line ${Number(place[1]) + 2} (${error.fieldName})` : (error.fieldName ?? 'batch');
    return `  ${where}: ${error.description ?? ''}`;
  });
  const message = (body as { message?: string } | undefined)?.message ?? '';
  return [message, ...lines].join('\n');
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

/** `[########------------] 412/1000  41%  23.5/s  ETA 25s  (failed 12)` */
export function progressLine(counts: BatchAnswer['counts'], elapsedSeconds: number, doneAtStart: number): string {
  const done = counts.succeeded + counts.failed;
  const width = 30;
  const filled = counts.total === 0 ? width : Math.round((done / counts.total) * width);
  const rate = elapsedSeconds > 0 ? (done - doneAtStart) / elapsedSeconds : 0;
  const eta = counts.running === 0 ? 0 : rate > 0 ? counts.running / rate : Number.POSITIVE_INFINITY;
  const percent = counts.total === 0 ? 100 : Math.floor((done / counts.total) * 100);
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${counts.total} ${String(percent).padStart(3)}%  ` +
    `${rate.toFixed(1)}/s  ETA ${formatDuration(eta)}  (succeeded ${counts.succeeded}, failed ${counts.failed})`
  );
}

export async function main(argv: string[], settings: BatchCliSettings = {}): Promise<number> {
  const write = settings.write ?? ((text: string) => process.stdout.write(text));
  const writeError = settings.writeError ?? ((text: string) => process.stderr.write(text));
  const clock = settings.clock ?? {
    now: () => Date.now(),
    sleep: (ms: number) => new Promise<void>((done) => setTimeout(done, ms)),
  };
  const env = settings.env ?? process.env;
  try {
    const options = parseArgs(argv);
    const { body, csv } = await readBatch(options);
    const base = apiBase(env);
    const token = await tokenFor(base, env);
    const request = async (method: string, path: string, payload?: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      }).catch((error: unknown) => {
        throw new UsageError(
          `No API at ${base} (${(error as Error).message}): start it with npm start, or set API_URL.`,
        );
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // the report is CSV
      }
      return { status: response.status, body: parsed, text };
    };

    const submitted = await request('POST', '/v1/batches', body);
    if (submitted.status === 409 || submitted.status >= 400) {
      writeError(
        `The API refused batch ${body.batchId} (${submitted.status}): ${describeRefusal(submitted.body, csv)}\n`,
      );
      return 1;
    }
    const answer = submitted.body as BatchAnswer;
    write(
      submitted.status === 202
        ? `batch ${body.batchId}: ${answer.counts.total} orders accepted and starting\n`
        : `batch ${body.batchId} exists already (${answer.status}): nothing started again\n`,
    );
    if (!options.follow) {
      write(`follow it: npm run batch -- ${options.file} --batch-id ${body.batchId} --follow\n`);
      return 0;
    }

    const startedAt = clock.now();
    let doneAtStart: number | undefined;
    const path = `/v1/batches/${encodeURIComponent(body.batchId)}`;
    let last: BatchAnswer;
    for (;;) {
      const read = await request('GET', `${path}?max=1`);
      if (read.status !== 200) throw new Error(`GET ${path} answered ${read.status}: ${read.text}`);
      last = read.body as BatchAnswer;
      doneAtStart ??= last.counts.succeeded + last.counts.failed;
      const line = progressLine(last.counts, (clock.now() - startedAt) / 1000, doneAtStart);
      write(settings.tty ? `\r${line}` : `${line}\n`);
      if (last.counts.running === 0) break;
      await clock.sleep(settings.pollMs ?? POLL_MS);
    }
    if (settings.tty) write('\n');
    const report = await request('GET', `${path}/report`);
    if (report.status !== 200) throw new Error(`GET ${path}/report answered ${report.status}`);
    const reportPath = resolve(settings.cwd ?? process.cwd(), options.report ?? `${body.batchId}-report.csv`);
    await writeFile(reportPath, report.text);
    write(`batch ${body.batchId} ${last.status}: ${last.counts.succeeded} succeeded, ${last.counts.failed} failed\n`);
    write(`report: ${reportPath}\n`);
    return last.status === 'SUCCEEDED' ? 0 : 1;
  } catch (error) {
    writeError(`${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2), { tty: process.stdout.isTTY === true }).then((code) => {
    process.exitCode = code;
  });
}
