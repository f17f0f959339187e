/**
 * The partner's tokens in one AWS Secrets Manager secret whose SecretString is the JSON of `PartnerTokens`:
 *
 *   {"accessToken": "...", "accessTokenExpiresAt": "2025-06-15T12:00:00.000Z",
 *    "refreshToken": "...", "refreshTokenExpiresAt": "2025-09-01T12:00:00.000Z",
 *    "clientId": "...", "clientSecret": "..."}
 *
 * To bootstrap, an operator may store only `refreshToken`, `clientId` and `clientSecret`: the missing access token and
 * dates read as empty / expired until the scheduled refresh fills them in. Errors name the secret's problem, never its
 * content.
 */
import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import * as z from '../../domain/contract/zod';
import { ConfigurationError } from '../../domain/errors';
import type { PartnerTokenStore, PartnerTokens } from '../../domain/ports/token';

/** What the store needs of a Secrets Manager client: `SecretsManagerClient` fits, and so does a test double. */
export interface SecretsManagerSender {
  send(command: GetSecretValueCommand | PutSecretValueCommand): Promise<unknown>;
}

export interface SecretsManagerTokenStoreOptions {
  secretId: string;
  /** Default: one module-scope `SecretsManagerClient` shared by every store in the process. */
  client?: SecretsManagerSender;
}

const EPOCH = new Date(0).toISOString();
const isoDate = z.string().check(z.refine((v) => !Number.isNaN(Date.parse(v)), { error: 'must be an ISO 8601 date' }));

const StoredTokensSchema = z.object({
  accessToken: z._default(z.string(), ''),
  accessTokenExpiresAt: z._default(isoDate, EPOCH),
  refreshToken: z.string().check(z.minLength(1)),
  refreshTokenExpiresAt: z._default(isoDate, EPOCH),
  clientId: z.string().check(z.minLength(1)),
  clientSecret: z.string().check(z.minLength(1)),
});

let sharedClient: SecretsManagerClient | undefined;
function defaultClient(): SecretsManagerClient {
  sharedClient ??= new SecretsManagerClient({});
  return sharedClient;
}

export class SecretsManagerTokenStore implements PartnerTokenStore {
  private readonly secretId: string;
  private readonly client: SecretsManagerSender;

  constructor(options: SecretsManagerTokenStoreOptions) {
    if (!options.secretId) throw new ConfigurationError('The partner token secret id is missing.');
    this.secretId = options.secretId;
    this.client = options.client ?? defaultClient();
  }

  async read(): Promise<PartnerTokens> {
    let output: GetSecretValueCommandOutput;
    try {
      output = (await this.client.send(
        new GetSecretValueCommand({ SecretId: this.secretId }),
      )) as GetSecretValueCommandOutput;
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') {
        throw new ConfigurationError('The partner token secret does not exist (or has no current value).');
      }
      throw error;
    }
    if (typeof output.SecretString !== 'string') {
      throw new ConfigurationError('The partner token secret has no string value: store the tokens as JSON text.');
    }
    let json: unknown;
    try {
      json = JSON.parse(output.SecretString);
    } catch {
      throw new ConfigurationError('The partner token secret is not JSON.');
    }
    const parsed = StoredTokensSchema.safeParse(json);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'value'))].join(', ');
      throw new ConfigurationError(`The partner token secret is missing or has invalid fields: ${fields}.`);
    }
    return parsed.data;
  }

  async write(tokens: PartnerTokens): Promise<void> {
    const parsed = StoredTokensSchema.safeParse(tokens);
    if (!parsed.success || !parsed.data.accessToken) {
      throw new ConfigurationError('Refusing to store incomplete partner tokens.');
    }
    const value: PartnerTokens = {
      accessToken: parsed.data.accessToken,
      accessTokenExpiresAt: parsed.data.accessTokenExpiresAt,
      refreshToken: parsed.data.refreshToken,
      refreshTokenExpiresAt: parsed.data.refreshTokenExpiresAt,
      clientId: parsed.data.clientId,
      clientSecret: parsed.data.clientSecret,
    };
    await this.client.send(new PutSecretValueCommand({ SecretId: this.secretId, SecretString: JSON.stringify(value) }));
  }
}
