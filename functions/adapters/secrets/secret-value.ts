/**
 * Reading and writing one Secrets Manager secret's string, as the adapters that keep secrets need it (the partner token
 * store, the audit digest key), and the named errors the implementation (`sdk-secrets.ts`, with
 * `@aws-sdk/client-secrets-manager`) throws.
 *
 * No error carries a secret's value: only the secret's id is known to them, and AWS's own messages are not kept.
 */

export interface SecretValueReader {
  /** The secret's current `SecretString`; `undefined` when the secret holds binary data only. */
  readSecretString(secretId: string): Promise<string | undefined>;
}

export interface SecretValueWriter {
  /** Store a new current version of the secret's `SecretString`. */
  writeSecretString(secretId: string, value: string): Promise<void>;
}

/** Secrets Manager answered with an error that retrying will not fix (access denied, KMS, invalid request…). */
export class SecretsManagerRequestError extends Error {
  override name = 'SecretsManagerRequestError';
  /** AWS's error type, e.g. `AccessDeniedException` (never the message, which may name resources). */
  readonly code: string;
  /** The HTTP status, when Secrets Manager answered. */
  readonly status: number | undefined;

  constructor(code: string, status: number | undefined, message?: string) {
    super(message ?? `Secrets Manager refused the request: ${code}${status === undefined ? '' : ` (HTTP ${status})`}.`);
    this.code = code;
    this.status = status;
  }
}

/** The secret does not exist, or has no current value (`ResourceNotFoundException`). */
export class SecretNotFoundError extends SecretsManagerRequestError {
  override name = 'SecretNotFoundError';
  constructor(status: number | undefined = 400) {
    super('ResourceNotFoundException', status, 'Secrets Manager has no such secret (or it has no current value).');
  }
}

/** Secrets Manager could not be reached, throttled or failed (5xx) on every attempt, or timed out. */
export class SecretsManagerUnavailableError extends SecretsManagerRequestError {
  override name = 'SecretsManagerUnavailableError';
  constructor(code: string, status: number | undefined, attempts: number, cause?: unknown) {
    super(
      code,
      status,
      `Secrets Manager is unavailable: ${code}${status === undefined ? '' : ` (HTTP ${status})`} after ${attempts} attempt(s).`,
    );
    if (cause !== undefined) this.cause = cause;
  }
}
