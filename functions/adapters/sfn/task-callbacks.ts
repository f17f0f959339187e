/**
 * Task-token callbacks over the Step Functions API (AWS, or the local endpoint via SFN_ENDPOINT): the status poller
 * answers the workflow's `Await status` state with them.
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

const STALE_TOKEN_ERRORS = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);
/** SendTaskFailure's limits: error ≤ 256 characters, cause ≤ 32,768. */
const MAX_ERROR = 256;
const MAX_CAUSE = 32_768;

function staleOr(error: unknown): unknown {
  const name = error instanceof Error ? ((error as { __type?: string }).__type ?? error.name) : undefined;
  if (name !== undefined && STALE_TOKEN_ERRORS.has(name)) {
    return new StaleTaskTokenError(`The task no longer waits for this token (${name}).`);
  }
  return error;
}

export class StepFunctionsTaskCallbacks implements TaskCallbacks {
  constructor(private readonly client: SFNClient) {}

  async succeed(taskToken: string, output: unknown): Promise<void> {
    await this.call(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }

  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    await this.call(
      new SendTaskFailureCommand({ taskToken, error: error.slice(0, MAX_ERROR), cause: cause.slice(0, MAX_CAUSE) }),
    );
  }

  async heartbeat(taskToken: string): Promise<void> {
    await this.call(new SendTaskHeartbeatCommand({ taskToken }));
  }

  private async call(
    command: SendTaskSuccessCommand | SendTaskFailureCommand | SendTaskHeartbeatCommand,
  ): Promise<void> {
    try {
      // The union of commands is sent one at a time; the client's overloads take each.
      await this.client.send(command as SendTaskSuccessCommand);
    } catch (error) {
      throw staleOr(error);
    }
  }
}
