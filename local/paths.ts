/** Paths of the local runtime, resolved from this file so they work from any working directory. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Local state that must never be committed (`.local-data/` is gitignored). */
export const LOCAL_DATA_DIR = path.join(REPO_ROOT, '.local-data');

/** The local identity provider's signing key, shared by the runtime and `npm run token`. */
export const DEFAULT_JWT_KEY_FILE = path.join(LOCAL_DATA_DIR, 'jwt-key.json');

/** Overrides where the runtime persists, and `npm run token` reads, the signing key. */
export const JWT_KEY_FILE_ENV = 'LOCAL_JWT_KEY_FILE';
