/**
 * Task-token callbacks over the Step Functions API with `@aws-sdk/client-sfn` (AWS, or the local endpoint via
 * SFN_ENDPOINT): the status poller answers the workflow's `Await status` state with them.
 *
 * A token whose task no longer waits — it was answered already (a duplicate poll message), its heartbeat timed out, or
 * the execution ended — is `TaskTimedOut` / `TaskDoesNotExist` / `InvalidToken` for AWS: reported as
 * StaleTaskTokenError, so the poller drops that message instead of retrying it.
 */
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { StaleTaskTokenError, type TaskCallbacks } from '../../domain/ports/workflow';
import { isAwsErrorType } from './step-functions';

const STALE_TOKEN_ERRORS = ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'] as const;
/** SendTaskFailure's limits: error ≤ 256 characters, cause ≤ 32,768. */
const MAX_ERROR = 256;
const MAX_CAUSE = 32_768;

export class StepFunctionsTaskCallbacks implements TaskCallbacks {
  readonly #client: Pick<SFNClient, 'send'>;

  constructor(client: Pick<SFNClient, 'send'>) {
    this.#client = client;
  }

  async succeed(taskToken: string, output: unknown): Promise<void> {
    await this.#call(() =>
      this.#client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })),
    );
  }

  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    await this.#call(() =>
      this.#client.send(
        new SendTaskFailureCommand({ taskToken, error: error.slice(0, MAX_ERROR), cause: cause.slice(0, MAX_CAUSE) }),
      ),
    );
  }

  async heartbeat(taskToken: string): Promise<void> {
    await this.#call(() => this.#client.send(new SendTaskHeartbeatCommand({ taskToken })));
  }

  async #call(send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      const stale = STALE_TOKEN_ERRORS.find((type) => isAwsErrorType(error, type));
      if (stale !== undefined) throw new StaleTaskTokenError(`The task no longer waits for this token (${stale}).`);
      throw error;
    }
  }
}
