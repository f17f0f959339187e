/**
 * `npm start`: the whole system on 127.0.0.1 — API gateway, DynamoDB (dynalite), the Webex simulator, the workflow — with
 * a banner holding the URLs, the operator console, ready sandbox tokens and a copy-paste example.
 *
 * Data: kept in `.data/` (`DATA_DIR` to move it) across restarts — the audit table, the simulator's subscribers and the
 * workflow's executions; orders that were running continue after the next start. `npm start -- --fresh` starts empty.
 *
 * Stopping: Ctrl-C (SIGINT) or SIGTERM stops every component and exits 0; whatever does not stop within
 * `SHUTDOWN_DEADLINE_MS` is cut short by exiting (the process holds every port, so they are free within 5 s). A second
 * signal exits at once. `npm start` runs this file in the npm process's only child (`exec node --import tsx`), so a
 * signal sent to `npm start` reaches it.
 *
 * Ports: PORT (API, 3000), DYNAMODB_PORT (8000), SIMULATOR_PORT (3001), SFN_PORT (8083). LOG_LEVEL sets the log level;
 * LOCAL_TIME_SCALE scales the workflow's waits (1 = real time, the default; 0.1 = ten times faster);
 * SIMULATOR_PROVISIONING_DELAY_MS (5000) and SIMULATOR_UPDATE_DELAY_MS (3000) how long the simulated Webex takes.
 */

import './sdk-node-warning';
import { formatBanner } from './banner';
import { clearSandboxData, resolveDataDir } from './data-dir';
import { InvalidPortError, PortInUseError } from './ports';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from './runtime';
import { startLocalStepFunctions } from './stepfunctions';

/** Stop cleanly within this, else exit anyway (the ports go with the process). */
const SHUTDOWN_DEADLINE_MS = 4000;
const MAX_DELAY_MS = 30 * 24 * 3600 * 1000;

function delayFromEnv(name: string): number | undefined {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > MAX_DELAY_MS) {
    throw new Error(`${name} must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}; got '${raw}'`);
  }
  return value;
}

async function main(argv: readonly string[]): Promise<LocalRuntime | undefined> {
  const unknown = argv.filter((arg) => arg !== '--fresh');
  if (unknown.length > 0) {
    console.error(`\nUnknown option ${unknown.join(' ')}: npm start takes only --fresh (start with no kept data).\n`);
    process.exitCode = 2;
    return undefined;
  }
  let runtime: LocalRuntime;
  try {
    const dataDir = resolveDataDir();
    if (argv.includes('--fresh')) clearSandboxData(dataDir);
    const provisioningDelayMs = delayFromEnv('SIMULATOR_PROVISIONING_DELAY_MS');
    const updateDelayMs = delayFromEnv('SIMULATOR_UPDATE_DELAY_MS');
    const options: LocalRuntimeOptions = {
      dataDir,
      simulator: {
        ...(provisioningDelayMs === undefined ? {} : { provisioningDelayMs }),
        ...(updateDelayMs === undefined ? {} : { updateDelayMs }),
      },
      // The workflow engine is part of `npm start`: waits run in real time unless LOCAL_TIME_SCALE says otherwise.
      stepFunctions: ({ port, host, logger, executionsDir }) =>
        startLocalStepFunctions({ port, host, logger, ...(executionsDir ? { executionsDir } : {}) }),
    };
    runtime = await startLocalRuntime(options);
  } catch (error) {
    if (error instanceof PortInUseError || error instanceof InvalidPortError) {
      console.error(`\nCannot start the local runtime: ${error.message}\n`);
    } else {
      console.error('\nCannot start the local runtime:', error);
    }
    process.exitCode = 1;
    return undefined;
  }
  console.log(formatBanner(runtime));

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`\n${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping the local runtime…`);
    const deadline = setTimeout(() => {
      console.error(`The local runtime did not stop within ${SHUTDOWN_DEADLINE_MS / 1000} s: exiting anyway.`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('The local runtime did not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  return runtime;
}

await main(process.argv.slice(2));
