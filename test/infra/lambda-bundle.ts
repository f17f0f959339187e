/**
 * Running a script as a deployed function would: built with the Lambda bundling options (infra/bundling.ts) into a
 * temporary folder, run in a fresh `node` process with only the environment given, against a local endpoint that
 * records what it is sent and answers as an AWS JSON service.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { esbuildOptionsFor } from '../../infra/bundling';

const run = promisify(execFile);

export interface LambdaScript {
  dir: string;
  bundle: string;
  metafile: Metafile;
  /** Runs the bundle with only PATH, HOME (the temporary folder: no profile files) and `env`; parses its stdout. */
  run(env: Record<string, string>): Promise<unknown>;
  remove(): void;
}

/** `contents` (JavaScript) bundled with the deployed options, as `functions/composition/root.ts` would be. */
export async function buildLambdaScript(contents: string, name: string): Promise<LambdaScript> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const bundle = join(dir, 'index.mjs');
  const { entryPoints: _entry, ...options } = esbuildOptionsFor(resolve('functions/composition/root.ts'), bundle);
  const result = await build({
    ...options,
    stdin: { contents, resolveDir: resolve('.'), sourcefile: 'entry.mjs', loader: 'js' },
    sourcemap: false,
    metafile: true,
  });
  return {
    dir,
    bundle,
    metafile: result.metafile,
    async run(env) {
      const { stdout } = await run(process.execPath, [bundle], {
        env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
        timeout: 20_000,
      });
      return JSON.parse(stdout) as unknown;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface RecordedAnswer {
  status: number;
  contentType: string;
  body: unknown;
}

export interface RecordingEndpoint {
  url: string;
  /** The headers of every request received, in order. */
  received: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** A local HTTP endpoint that records each request's headers and answers what `answer` says for them. */
export async function startRecordingEndpoint(
  answer: (headers: IncomingHttpHeaders) => RecordedAnswer,
): Promise<RecordingEndpoint> {
  const received: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    req.on('end', () => {
      const { status, contentType, body } = answer(req.headers);
      res.writeHead(status, { 'content-type': contentType });
      res.end(JSON.stringify(body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
