/**
 * Secret values through `@aws-sdk/client-secrets-manager`: what the scheduled partner-token refresh uses, since it also
 * WRITES the secret (`PutSecretValue`). The functions that only read secrets use `get-secret-value.ts` instead, so the
 * SDK client is in this one bundle only. Errors are mapped to the same named errors as there.
 */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  type SecretsManagerClientConfig,
} from '@aws-sdk/client-secrets-manager';
import { SecretNotFoundError, type SecretValueReader, type SecretValueWriter } from './secret-value';

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
    try {
      const output = (await this.#client.send(new GetSecretValueCommand({ SecretId: secretId }))) as {
        SecretString?: string;
      };
      return typeof output.SecretString === 'string' ? output.SecretString : undefined;
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') throw new SecretNotFoundError();
      throw error;
    }
  }

  async writeSecretString(secretId: string, value: string): Promise<void> {
    await this.#client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
  }
}
