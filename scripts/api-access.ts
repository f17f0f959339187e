/**
 * How the CLIs reach the service's HTTP API: its base URL (API_URL, else the local runtime's API on 127.0.0.1 at PORT,
 * as `npm start` serves it) and a token (TOKEN, else, locally only, a sandbox token signed with the running runtime's
 * key, as `npm run token -- write` prints).
 */
import { existsSync } from 'node:fs';
import { loadLocalIdp, SANDBOX_TOKEN_SCOPES } from '../local/auth/local-idp';
import { DEFAULT_JWT_KEY_FILE, JWT_KEY_FILE_ENV } from '../local/paths';
import { InvalidPortError, resolvePort } from '../local/ports';

/** A setup problem the user fixes (exit code 2 in the CLIs). */
export class ApiSetupError extends Error {}

type Env = Record<string, string | undefined>;

/** API_URL, else http://127.0.0.1:$PORT (3000). */
export function apiBase(env: Env = process.env): string {
  const configured = env.API_URL?.trim();
  if (configured) return configured.replace(/\/+$/, '');
  try {
    return `http://127.0.0.1:${resolvePort('api', undefined, env)}`;
  } catch (error) {
    if (error instanceof InvalidPortError) throw new ApiSetupError(error.message);
    throw error;
  }
}

/** TOKEN, else a local write-scope token for a local base URL. */
export async function writeToken(base: string, env: Env = process.env): Promise<string> {
  const configured = env.TOKEN?.trim();
  if (configured) return configured;
  const { hostname } = new URL(base);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost') {
    throw new ApiSetupError(`Set TOKEN to a token with the write scope for ${base}.`);
  }
  const keyFile = env[JWT_KEY_FILE_ENV] || DEFAULT_JWT_KEY_FILE;
  if (!existsSync(keyFile))
    throw new ApiSetupError(`No local signing key at ${keyFile}: start npm start, or set TOKEN.`);
  const idp = await loadLocalIdp(keyFile);
  return idp.mint(SANDBOX_TOKEN_SCOPES.write);
}
