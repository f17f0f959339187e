/**
 * Task-token callbacks over the Step Functions API (AWS, or the local endpoint via SFN_ENDPOINT): the status poller
 * answers the workflow's `Await status` state with them. Three signed AWS JSON 1.0 calls (`../aws/aws-json-client.ts`,
 * `X-Amz-Target: AWSStepFunctions.SendTask*`) instead of `@aws-sdk/client-sfn`, which would add 22 KB to the poller's
 * cold start for three one-field requests; the functions that start executions keep the SDK client.
 *
 * A token whose task no longer waits — it was answered already (a duplicate poll message), its heartbeat timed out, or
 * the execution ended — is `TaskTimedOut` / `TaskDoesNotExist` / `InvalidToken` for AWS: reported as
 * StaleTaskTokenError, so the poller drops that message instead of retrying it.
 */
import { StaleTaskTokenError, type TaskCallbacks } from '../../domain/ports/workflow';
import { AwsJsonClient, type AwsJsonClientOptions, AwsRequestError } from '../aws/aws-json-client';
import { STEP_FUNCTIONS } from './step-functions';

const STALE_TOKEN_ERRORS: ReadonlySet<string> = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);
/** SendTaskFailure's limits: error ≤ 256 characters, cause ≤ 32,768. */
const MAX_ERROR = 256;
const MAX_CAUSE = 32_768;

export class StepFunctionsTaskCallbacks implements TaskCallbacks {
  readonly #client: AwsJsonClient;

  constructor(options: AwsJsonClientOptions) {
    this.#client = new AwsJsonClient(STEP_FUNCTIONS, options);
  }

  async succeed(taskToken: string, output: unknown): Promise<void> {
    await this.#call('SendTaskSuccess', { taskToken, output: JSON.stringify(output) });
  }

  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    await this.#call('SendTaskFailure', {
      taskToken,
      error: error.slice(0, MAX_ERROR),
      cause: cause.slice(0, MAX_CAUSE),
    });
  }

  async heartbeat(taskToken: string): Promise<void> {
    await this.#call('SendTaskHeartbeat', { taskToken });
  }

  /** Close the kept-alive connections. */
  destroy(): void {
    this.#client.destroy();
  }

  async #call(operation: string, input: Record<string, unknown>): Promise<void> {
    try {
      await this.#client.call(operation, input);
    } catch (error) {
      if (error instanceof AwsRequestError && STALE_TOKEN_ERRORS.has(error.code)) {
        throw new StaleTaskTokenError(`The task no longer waits for this token (${error.code}).`);
      }
      throw error;
    }
  }
}
