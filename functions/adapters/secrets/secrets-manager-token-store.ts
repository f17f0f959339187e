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
 *
 * The secret is read and written through `SecretValueReader` / `SecretValueWriter` (`secret-value.ts`, implemented by
 * the SDK client in `sdk-secrets.ts`): the API functions and workflow tasks only read it (their role cannot write);
 * the scheduled refresh reads and writes.
 */
import * as z from '../../domain/contract/zod';
import { ConfigurationError } from '../../domain/errors';
import type { PartnerTokenStore, PartnerTokens } from '../../domain/ports/token';
import { SecretNotFoundError, type SecretValueReader, type SecretValueWriter } from './secret-value';

export interface SecretsManagerTokenStoreOptions {
  secretId: string;
  reader: SecretValueReader;
  /** Only the scheduled refresh writes; without a writer, `write` refuses. */
  writer?: SecretValueWriter;
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

export class SecretsManagerTokenStore implements PartnerTokenStore {
  private readonly secretId: string;
  private readonly reader: SecretValueReader;
  private readonly writer: SecretValueWriter | undefined;

  constructor(options: SecretsManagerTokenStoreOptions) {
    if (!options.secretId) throw new ConfigurationError('The partner token secret id is missing.');
    this.secretId = options.secretId;
    this.reader = options.reader;
    this.writer = options.writer;
  }

  async read(): Promise<PartnerTokens> {
    let secretString: string | undefined;
    try {
      secretString = await this.reader.readSecretString(this.secretId);
    } catch (error) {
      if (error instanceof SecretNotFoundError) {
        throw new ConfigurationError('The partner token secret does not exist (or has no current value).');
      }
      throw error;
    }
    if (typeof secretString !== 'string') {
      throw new ConfigurationError('The partner token secret has no string value: store the tokens as JSON text.');
    }
    let json: unknown;
    try {
      json = JSON.parse(secretString);
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
    if (!this.writer) throw new ConfigurationError('This partner token store is read-only.');
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
    await this.writer.writeSecretString(this.secretId, JSON.stringify(value));
  }
}
