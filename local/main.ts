/**
 * `npm start`: the whole system on 127.0.0.1 — API gateway, DynamoDB (dynalite), the Webex simulator — with a banner
 * holding the URLs, ready sandbox tokens and a copy-paste example. Ctrl-C (SIGINT) or SIGTERM stops every component and
 * exits 0; a second signal exits at once.
 *
 * Ports: PORT (API, 3000), DYNAMODB_PORT (8000), SIMULATOR_PORT (3001), SFN_PORT (8083). LOG_LEVEL sets the log level;
 * LOCAL_TIME_SCALE scales the workflow's waits (1 = real time, the default; 0.1 = ten times faster).
 */

import './sdk-node-warning';
import { formatBanner } from './banner';
import { InvalidPortError, PortInUseError } from './ports';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from './runtime';
import { startLocalStepFunctions } from './stepfunctions';

async function main(options: LocalRuntimeOptions = {}): Promise<LocalRuntime | undefined> {
  let runtime: LocalRuntime;
  try {
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

// The workflow engine is part of `npm start`: waits run in real time unless LOCAL_TIME_SCALE says otherwise.
await main({
  stepFunctions: ({ port, host, logger }) => startLocalStepFunctions({ port, host, logger }),
});
