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

/**
 * The stored tokens, or the names of the fields that are wrong. Plain checks rather than a zod schema: every function
 * that calls Webex loads this module, and the secret's six fields do not need the objects a schema builds at load.
 */
function readStoredTokens(value: unknown): { tokens: PartnerTokens } | { badFields: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { badFields: ['value'] };
  const stored = value as Record<string, unknown>;
  const badFields: string[] = [];
  const text = (name: keyof PartnerTokens, fallback?: string): string => {
    const field = stored[name];
    if (field === undefined && fallback !== undefined) return fallback;
    if (typeof field !== 'string' || (fallback === undefined && field === '')) badFields.push(name);
    return typeof field === 'string' ? field : '';
  };
  const date = (name: keyof PartnerTokens): string => {
    const field = text(name, EPOCH);
    if (Number.isNaN(Date.parse(field)) && !badFields.includes(name)) badFields.push(name);
    return field;
  };
  const tokens: PartnerTokens = {
    accessToken: text('accessToken', ''),
    accessTokenExpiresAt: date('accessTokenExpiresAt'),
    refreshToken: text('refreshToken'),
    refreshTokenExpiresAt: date('refreshTokenExpiresAt'),
    clientId: text('clientId'),
    clientSecret: text('clientSecret'),
  };
  return badFields.length > 0 ? { badFields } : { tokens };
}

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
    const read = readStoredTokens(json);
    if ('badFields' in read) {
      throw new ConfigurationError(
        `The partner token secret is missing or has invalid fields: ${read.badFields.join(', ')}.`,
      );
    }
    return read.tokens;
  }

  async write(tokens: PartnerTokens): Promise<void> {
    if (!this.writer) throw new ConfigurationError('This partner token store is read-only.');
    const read = readStoredTokens(tokens);
    if ('badFields' in read || !read.tokens.accessToken) {
      throw new ConfigurationError('Refusing to store incomplete partner tokens.');
    }
    await this.writer.writeSecretString(this.secretId, JSON.stringify(read.tokens));
  }
}
