import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { SdkSecretsManager, type SecretsManagerSender } from '../../../../../functions/adapters/secrets/sdk-secrets';
import {
  SecretNotFoundError,
  SecretsManagerUnavailableError,
} from '../../../../../functions/adapters/secrets/secret-value';
import { SecretsManagerTokenStore } from '../../../../../functions/adapters/secrets/secrets-manager-token-store';
import { ConfigurationError } from '../../../../../functions/domain/errors';
import type { PartnerTokens } from '../../../../../functions/domain/ports/token';

const TOKENS: PartnerTokens = {
  accessToken: 'access-SECRET',
  accessTokenExpiresAt: '2025-06-15T12:00:00.000Z',
  refreshToken: 'refresh-SECRET',
  refreshTokenExpiresAt: '2025-09-01T12:00:00.000Z',
  clientId: 'client-1',
  clientSecret: 'client-SECRET',
};

/**
 * A hand-written Secrets Manager client double: answers GetSecretValue from `secretString`, records every command. The
 * store reads and writes through `SdkSecretsManager` over it, as the scheduled refresh does.
 */
function fakeSecretsManager(secretString: string | undefined, options: { failWith?: Error } = {}) {
  const commands: Array<GetSecretValueCommand | PutSecretValueCommand> = [];
  const sender: SecretsManagerSender = {
    send: async (command) => {
      commands.push(command);
      if (options.failWith) throw options.failWith;
      if (command instanceof GetSecretValueCommand) return { SecretString: secretString, $metadata: {} };
      return { VersionId: 'v2', $metadata: {} };
    },
  };
  const secrets = new SdkSecretsManager(sender);
  return { client: { reader: secrets, writer: secrets }, commands };
}

describe('SecretsManagerTokenStore', () => {
  it('reads the tokens from the secret JSON', async () => {
    // Prepare
    const sm = fakeSecretsManager(JSON.stringify(TOKENS));
    const store = new SecretsManagerTokenStore({ secretId: 'webex/partner-tokens', ...sm.client });

    // Act
    const tokens = await store.read();

    // Assess
    expect(tokens).toEqual(TOKENS);
    expect(sm.commands).toHaveLength(1);
    expect(sm.commands[0]).toBeInstanceOf(GetSecretValueCommand);
    expect(sm.commands[0]?.input).toEqual({ SecretId: 'webex/partner-tokens' });
  });

  it('reads a bootstrap secret holding only the refresh token and client registration', async () => {
    // Prepare
    const sm = fakeSecretsManager(JSON.stringify({ refreshToken: 'r', clientId: 'c', clientSecret: 's' }));
    const store = new SecretsManagerTokenStore({ secretId: 'id', ...sm.client });

    // Act
    const tokens = await store.read();

    // Assess
    expect(tokens).toEqual({
      accessToken: '',
      accessTokenExpiresAt: '1970-01-01T00:00:00.000Z',
      refreshToken: 'r',
      refreshTokenExpiresAt: '1970-01-01T00:00:00.000Z',
      clientId: 'c',
      clientSecret: 's',
    });
  });

  it('writes the tokens as the secret JSON with PutSecretValue', async () => {
    // Prepare
    const sm = fakeSecretsManager(undefined);
    const store = new SecretsManagerTokenStore({ secretId: 'webex/partner-tokens', ...sm.client });

    // Act
    await store.write({ ...TOKENS, accessToken: 'access-NEW' });

    // Assess
    const [command] = sm.commands;
    expect(command).toBeInstanceOf(PutSecretValueCommand);
    const input = (command as PutSecretValueCommand).input;
    expect(input.SecretId).toBe('webex/partner-tokens');
    expect(JSON.parse(input.SecretString ?? '')).toEqual({ ...TOKENS, accessToken: 'access-NEW' });
  });

  it('refuses to write tokens without an access token', async () => {
    // Prepare
    const sm = fakeSecretsManager(undefined);
    const store = new SecretsManagerTokenStore({ secretId: 'id', ...sm.client });

    // Act
    const failure = store.write({ ...TOKENS, accessToken: '' });

    // Assess
    await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
    expect(sm.commands).toHaveLength(0);
  });

  it.each([
    ['not JSON', 'refresh-SECRET not json'],
    ['JSON of the wrong shape', JSON.stringify({ refreshToken: 'refresh-SECRET' })],
    ['a binary secret', undefined],
  ])('reports %s as ConfigurationError without the secret value', async (_name, secretString) => {
    // Prepare
    const sm = fakeSecretsManager(secretString);
    const store = new SecretsManagerTokenStore({ secretId: 'id', ...sm.client });

    // Act
    const failure = await store.read().catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect((failure as Error).message).not.toContain('refresh-SECRET');
  });

  it('reports a missing secret as ConfigurationError and other AWS errors as named Secrets Manager errors', async () => {
    // Prepare
    const notFound = Object.assign(new Error('Secrets Manager cannot find the specified secret.'), {
      name: 'ResourceNotFoundException',
    });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const missing = new SecretsManagerTokenStore({
      secretId: 'id',
      ...fakeSecretsManager('', { failWith: notFound }).client,
    });
    const busy = new SecretsManagerTokenStore({
      secretId: 'id',
      ...fakeSecretsManager('', { failWith: throttled }).client,
    });

    // Act
    const missingFailure = await missing.read().catch((e: unknown) => e);
    const busyFailure = await busy.read().catch((e: unknown) => e);

    // Assess
    expect(missingFailure).toBeInstanceOf(ConfigurationError);
    expect(busyFailure).toBeInstanceOf(SecretsManagerUnavailableError);
    expect(busyFailure).toMatchObject({ code: 'ThrottlingException', cause: throttled });
  });

  it('reports a secret the reader cannot find as ConfigurationError', async () => {
    // Prepare
    const store = new SecretsManagerTokenStore({
      secretId: 'id',
      reader: { readSecretString: () => Promise.reject(new SecretNotFoundError()) },
    });

    // Act
    const failure = await store.read().catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(ConfigurationError);
  });

  it('refuses to write without a writer (the API functions and tasks only read)', async () => {
    // Prepare
    const store = new SecretsManagerTokenStore({
      secretId: 'id',
      reader: { readSecretString: async () => JSON.stringify(TOKENS) },
    });

    // Act
    const failure = await store.write(TOKENS).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(ConfigurationError);
  });
});
