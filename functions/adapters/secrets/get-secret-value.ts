/**
 * Secrets Manager `GetSecretValue`, and nothing else, as one signed AWS JSON 1.1 request (`../aws/aws-json-client.ts`):
 * it replaces `@aws-sdk/client-secrets-manager` (14 KB of generated client per bundle) in the functions that only READ
 * secrets (partner token, audit digest key); the scheduled token refresh, which also writes the secret, keeps the SDK
 * client (`sdk-secrets.ts`). Retries, timeouts and what it does not do are the AWS JSON client's; AWS's error types
 * become `SecretNotFoundError`, `SecretsManagerUnavailableError` and `SecretsManagerRequestError`. No secret value
 * reaches a log or an error: errors carry AWS's error type and the HTTP status only.
 */
import {
  AwsJsonClient,
  type AwsJsonClientOptions,
  type AwsJsonService,
  AwsRequestError,
  AwsUnavailableError,
} from '../aws/aws-json-client';
import {
  SecretNotFoundError,
  SecretsManagerRequestError,
  SecretsManagerUnavailableError,
  type SecretValueReader,
} from './secret-value';

export type GetSecretValueReaderOptions = AwsJsonClientOptions;

const SECRETS_MANAGER: AwsJsonService = {
  title: 'Secrets Manager',
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  jsonVersion: '1.1',
};

export class GetSecretValueReader implements SecretValueReader {
  readonly #client: AwsJsonClient;

  constructor(options: GetSecretValueReaderOptions) {
    this.#client = new AwsJsonClient(SECRETS_MANAGER, options);
  }

  async readSecretString(secretId: string): Promise<string | undefined> {
    let answer: Record<string, unknown>;
    try {
      answer = await this.#client.call('GetSecretValue', { SecretId: secretId });
    } catch (error) {
      throw secretsErrorOf(error);
    }
    // A secret that holds binary data only has no SecretString.
    return typeof answer.SecretString === 'string' ? answer.SecretString : undefined;
  }

  /** The URL requests go to. */
  get endpoint(): string {
    return this.#client.endpoint;
  }

  /** Close the kept-alive connections (tests, and the composition root's reset). */
  destroy(): void {
    this.#client.destroy();
  }
}

function secretsErrorOf(error: unknown): unknown {
  if (error instanceof AwsUnavailableError) {
    return new SecretsManagerUnavailableError(error.code, error.status, error.attempts, error.cause);
  }
  if (error instanceof AwsRequestError) {
    if (error.code === 'ResourceNotFoundException') return new SecretNotFoundError(error.status);
    return new SecretsManagerRequestError(error.code, error.status, error.message);
  }
  return error;
}
