/**
 * `npm start` as a child process for tests: on ephemeral ports, with its data and signing key in a test directory. By
 * default the same entry without npm (`node --import tsx local/main.ts`); `viaNpm` runs the real `npm start`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { REPO_ROOT } from '../../local/paths';

export interface MainProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number>;
  /** Resolves once the output contains `text`; rejects if the process exits first. */
  printed: (text: string) => Promise<void>;
}

export interface BannerUrls {
  api: string;
  dynamodb: string;
  simulator: string;
  stepFunctions: string;
  writeToken: string;
  readToken: string;
}

export function startMain(options: {
  dir: string;
  env?: Record<string, string>;
  args?: string[];
  viaNpm?: boolean;
}): MainProcess {
  // As a shell would start it: without the SDK warning switch the test runner sets for itself.
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _runnerSwitch, ...shellEnv } = process.env;
  const env = {
    ...shellEnv,
    PORT: '0',
    DYNAMODB_PORT: '0',
    SIMULATOR_PORT: '0',
    SFN_PORT: '0',
    LOG_LEVEL: 'warn',
    LOCAL_JWT_KEY_FILE: path.join(options.dir, 'jwt-key.json'),
    DATA_DIR: path.join(options.dir, 'data'),
    ...options.env,
  };
  const args = options.args ?? [];
  const child = options.viaNpm
    ? spawn('npm', ['start', '--silent', ...(args.length > 0 ? ['--', ...args] : [])], {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'local/main.ts'), ...args], {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
  let output = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const waiter of waiters.filter((w) => output.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = once(child, 'exit').then(([code]) => (typeof code === 'number' ? code : -1));
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      if (output.includes(text)) return resolve();
      waiters.push({ text, resolve });
      void exited.then(() => reject(new Error(`npm start exited before printing "${text}":\n${output}`)));
    });
  return { child, output: () => output, exited, printed };
}

/** The URLs and tokens of a printed banner. */
export function bannerUrls(banner: string): BannerUrls {
  const find = (pattern: RegExp, what: string) => {
    const value = pattern.exec(banner)?.[1];
    if (value === undefined) throw new Error(`the banner has no ${what}:\n${banner}`);
    return value;
  };
  return {
    api: find(/API\s+(http:\/\/127\.0\.0\.1:\d+)/, 'API URL'),
    dynamodb: find(/DynamoDB\s+(http:\/\/127\.0\.0\.1:\d+)/, 'DynamoDB URL'),
    simulator: find(/Webex simulator\s+(http:\/\/127\.0\.0\.1:\d+)/, 'simulator URL'),
    stepFunctions: find(/Step Functions\s+(http:\/\/127\.0\.0\.1:\d+)/, 'Step Functions URL'),
    writeToken: find(/write \+ read\s+(\S+)/, 'write token'),
    readToken: find(/ {2}read\s+(\S+)/, 'read token'),
  };
}
