import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCOPES } from '../../functions/catalog/routes';
import {
  createLocalIdp,
  loadLocalIdp,
  localIssuer,
  readJwtAudience,
  TOKEN_LIFETIME_SECONDS,
  TokenRejectedError,
} from '../../local/auth/local-idp';

describe('local identity provider', () => {
  let dir: string;
  let keyFile: string;
  const issuer = localIssuer(3000);
  const audience = 'webex-bw-provisioning';

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'local-idp-'));
    keyFile = path.join(dir, 'nested', 'jwt-key.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('uses the audience of cdk.json and the local issuer of the API port', () => {
    // Act + Assess
    expect(readJwtAudience()).toBe('webex-bw-provisioning');
    expect(localIssuer(3000)).toBe('http://127.0.0.1:3000/local-idp');
  });

  it('mints 12-hour ES256 tokens with the scopes, subject and client id', async () => {
    // Prepare
    const now = Date.UTC(2026, 0, 1);
    const idp = await createLocalIdp({ issuer, audience, keyFile: false, now: () => now });

    // Act
    const token = await idp.mint(['write', 'read']);

    // Assess
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: issuer,
      aud: audience,
      sub: 'local-developer',
      client_id: 'local-sandbox',
      scope: `${SCOPES.write} ${SCOPES.read}`,
      iat: now / 1000,
      exp: now / 1000 + TOKEN_LIFETIME_SECONDS,
    });
    expect(TOKEN_LIFETIME_SECONDS).toBe(12 * 3600);
    await expect(idp.verify(token)).resolves.toMatchObject({ scopes: [SCOPES.write, SCOPES.read] });
  });

  it('rejects a token after its lifetime', async () => {
    // Prepare
    let now = Date.UTC(2026, 0, 1);
    const idp = await createLocalIdp({ issuer, audience, keyFile: false, now: () => now });
    const token = await idp.mint(['read']);

    // Act
    now += (TOKEN_LIFETIME_SECONDS + 1) * 1000;

    // Assess
    await expect(idp.verify(token)).rejects.toMatchObject({ reason: 'expired' });
    await expect(idp.verify(token)).rejects.toBeInstanceOf(TokenRejectedError);
  });

  it('persists the key with mode 0600 and reuses it, so tokens survive a restart', async () => {
    // Prepare
    const first = await createLocalIdp({ issuer, audience, keyFile });
    const token = await first.mint(['read']);

    // Act
    const second = await createLocalIdp({ issuer, audience, keyFile });

    // Assess
    expect(second.kid).toBe(first.kid);
    await expect(second.verify(token)).resolves.toMatchObject({ scopes: [SCOPES.read] });
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(keyFile))).mode & 0o777).toBe(0o700);
  });

  it('records the current issuer in the key file for the token CLI', async () => {
    // Prepare
    await createLocalIdp({ issuer, audience, keyFile });

    // Act
    const moved = await createLocalIdp({ issuer: localIssuer(3100), audience, keyFile });
    const cli = await loadLocalIdp(keyFile);

    // Assess
    expect(cli.issuer).toBe(localIssuer(3100));
    expect(cli.kid).toBe(moved.kid);
    await expect(moved.verify(await cli.mint(['write']))).resolves.toMatchObject({ scopes: [SCOPES.write] });
  });

  it('replaces a key file that is not a key file', async () => {
    // Prepare
    await createLocalIdp({ issuer, audience, keyFile });
    await writeFile(keyFile, '{"not":"a key"}');
    const replaced: string[] = [];

    // Act
    const idp = await createLocalIdp({ issuer, audience, keyFile, onKeyReplaced: (file) => replaced.push(file) });

    // Assess
    expect(replaced).toEqual([keyFile]);
    const stored = JSON.parse(await readFile(keyFile, 'utf8')) as { kid: string };
    expect(stored.kid).toBe(idp.kid);
    await expect(loadLocalIdp(keyFile)).resolves.toMatchObject({ kid: idp.kid });
  });

  it('refuses to load a missing key file', async () => {
    // Act + Assess
    await expect(loadLocalIdp(path.join(dir, 'absent.json'))).rejects.toThrow();
  });
});
