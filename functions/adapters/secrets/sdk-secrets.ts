/**
 * Secret values through `@aws-sdk/client-secrets-manager`: `GetSecretValue` for every function that reads the partner
 * token or the audit digest key, and `PutSecretValue` for the scheduled partner-token refresh, which also writes it.
 * The SDK client retries throttling, 5xx and transport errors itself; what is left is mapped to the named errors of
 * `secret-value.ts`, which carry AWS's error type and the HTTP status only (never AWS's message or a secret's value).
 */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  type SecretsManagerClientConfig,
} from '@aws-sdk/client-secrets-manager';
import {
  SecretNotFoundError,
  SecretsManagerRequestError,
  SecretsManagerUnavailableError,
  type SecretValueReader,
  type SecretValueWriter,
} from './secret-value';

/** What the adapter needs of a Secrets Manager client: `SecretsManagerClient` fits, and so does a test double. */
export interface SecretsManagerSender {
  send(command: GetSecretValueCommand | PutSecretValueCommand): Promise<unknown>;
}

export class SdkSecretsManager implements SecretValueReader, SecretValueWriter {
  readonly #client: SecretsManagerSender;

  constructor(client: SecretsManagerSender | SecretsManagerClientConfig = {}) {
    this.#client = 'send' in client ? client : new SecretsManagerClient(client);
  }

  async readSecretString(secretId: string): Promise<string | undefined> {
    let output: { SecretString?: unknown };
    try {
      output = (await this.#client.send(new GetSecretValueCommand({ SecretId: secretId }))) as {
        SecretString?: unknown;
      };
    } catch (error) {
      throw secretsErrorOf(error);
    }
    // A secret that holds binary data only has no SecretString.
    return typeof output.SecretString === 'string' ? output.SecretString : undefined;
  }

  async writeSecretString(secretId: string, value: string): Promise<void> {
    try {
      await this.#client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
    } catch (error) {
      throw secretsErrorOf(error);
    }
  }
}

/** Secrets Manager's "slow down" error types (what is left after the SDK client's own retries). */
const THROTTLING: ReadonlySet<string> = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException']);

/** An SDK error as a named error of ours, without AWS's message (it may name resources). */
function secretsErrorOf(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  const httpStatus = typeof status === 'number' ? status : undefined;
  if (error.name === 'ResourceNotFoundException') return new SecretNotFoundError(httpStatus);
  const fault = (error as { $fault?: unknown }).$fault;
  const throttled = THROTTLING.has(error.name);
  if (httpStatus === undefined && fault === undefined) {
    // Not an answer of Secrets Manager: a transport error or a timeout, after the SDK's own retries.
    return new SecretsManagerUnavailableError(error.name, undefined, 1, error);
  }
  if (fault === 'server' || throttled || (httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429))) {
    return new SecretsManagerUnavailableError(error.name, httpStatus, attemptsOf(error), error);
  }
  return new SecretsManagerRequestError(error.name, httpStatus);
}

function attemptsOf(error: Error): number {
  const attempts = (error as { $metadata?: { attempts?: unknown } }).$metadata?.attempts;
  return typeof attempts === 'number' ? attempts : 1;
}
