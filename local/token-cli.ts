/**
 * `npm run -s token -- write` (or `read`): prints a sandbox access token the running local runtime accepts, and nothing
 * else, so it composes: `TOKEN=$(npm run -s token -- write)`.
 *
 * It signs with the key the runtime persisted at its last start (`.local-data/jwt-key.json`, or `LOCAL_JWT_KEY_FILE`),
 * for the issuer and audience the runtime checks. `write` tokens hold the write and the read scope; `read` tokens only
 * the read scope. Tokens live 12 hours.
 */
import { existsSync } from 'node:fs';
import { loadLocalIdp, SANDBOX_TOKEN_SCOPES } from './auth/local-idp';
import { DEFAULT_JWT_KEY_FILE, JWT_KEY_FILE_ENV } from './paths';

const USAGE = `Usage: npm run -s token -- <write|read>
  write  a token with the write and the read scope
  read   a token with the read scope only
The local runtime (npm start) must have started once: it creates the signing key.`;

async function main(args: readonly string[]): Promise<number> {
  const [kind, ...rest] = args;
  if (kind === '--help' || kind === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if ((kind !== 'write' && kind !== 'read') || rest.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const keyFile = process.env[JWT_KEY_FILE_ENV] || DEFAULT_JWT_KEY_FILE;
  if (!existsSync(keyFile)) {
    process.stderr.write(
      `No local signing key at ${keyFile}: start the local runtime first (npm start), then ask again.\n`,
    );
    return 1;
  }
  try {
    const idp = await loadLocalIdp(keyFile);
    process.stdout.write(`${await idp.mint(SANDBOX_TOKEN_SCOPES[kind])}\n`);
    return 0;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Cannot sign a token with ${keyFile}: ${reason}. Restart the local runtime to renew it.\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
