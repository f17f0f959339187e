/**
 * The one Step Functions client of a function, pointed at `SFN_ENDPOINT` when set (the local endpoint). Kept out of
 * `root.ts` so that only the functions that start or describe executions bundle `@aws-sdk/client-sfn`: the modules
 * that import this one (`orders.ts`, `tracker.ts`, `batch-executions.ts`) are imported statically and by name, since
 * esbuild inlines a dynamic `import()` as a namespace that keeps every command of the client.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { once } from './cache';
import { awsClientConfig, getConfig } from './root';

export function getStepFunctionsClient(): SFNClient {
  return once(
    'sfn',
    () => {
      const config = getConfig();
      return new SFNClient(awsClientConfig(config, config.sfnEndpoint));
    },
    (client) => client.destroy(),
  );
}
