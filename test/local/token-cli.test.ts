import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../functions/catalog/routes';
import { REPO_ROOT } from '../../local/paths';
import { startTestRuntime } from '../support/local-runtime';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run -s token -- <args>` without npm: the same script through tsx. */
function runTokenCli(args: string[], keyFile: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'local/token-cli.ts'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, LOCAL_JWT_KEY_FILE: keyFile }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const dir = await mkdtemp(path.join(tmpdir(), 'token-cli-'));
const keyFile = path.join(dir, 'jwt-key.json');
afterAll(() => rm(dir, { recursive: true, force: true }));
const { runtime, api } = await startTestRuntime({ keyFile });

describe('npm run token', () => {
  it('prints only a write token that the running runtime accepts', async () => {
    // Act
    const result = await runTokenCli(['write'], keyFile);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = result.stdout.trim();
    expect(decodeJwt(token)).toMatchObject({ iss: runtime.issuer, aud: runtime.audience });
    expect(String(decodeJwt(token).scope).split(' ').sort()).toEqual([SCOPES.read, SCOPES.write].sort());
    const accepted = await api.get('/v1/broadworks/subscribers/Y2lzY29zcGFyazovL3Vz/audit', { token });
    const refused = await api.get('/v1/broadworks/subscribers/Y2lzY29zcGFyazovL3Vz/audit', { token: `${token}x` });
    expect([401, 403]).not.toContain(accepted.status);
    expect(refused.status).toBe(401);
  });

  it('prints a read token that reads and cannot write', async () => {
    // Act
    const result = await runTokenCli(['read'], keyFile);

    // Assess
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    expect(decodeJwt(token).scope).toBe(SCOPES.read);
    const write = await api.post('/v1/broadworks/subscribers', {}, { token });
    expect(write.status).toBe(403);
  });

  it('explains how to call it when the argument is wrong', async () => {
    // Act
    const result = await runTokenCli(['admin'], keyFile);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: npm run -s token -- <write|read>');
  });

  it('says to start the runtime first when there is no key yet', async () => {
    // Act
    const result = await runTokenCli(['write'], path.join(dir, 'missing', 'jwt-key.json'));

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/No local signing key at .*start the local runtime first \(npm start\)/);
  });
});
