/**
 * Where `npm start` keeps the sandbox's data between runs: the audit table (dynalite's LevelDB store), the Webex
 * simulator's subscribers, the workflow's executions and the audit digest key. `.data/` in the repository by default
 * (gitignored), `DATA_DIR` to move it, `npm start -- --fresh` to start empty. The token signing key is not data: it stays
 * where `LOCAL_JWT_KEY_FILE` says, so tokens keep working after `--fresh`.
 */

import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths';

export const DATA_DIR_ENV = 'DATA_DIR';
export const DEFAULT_DATA_DIR = path.join(REPO_ROOT, '.data');

export interface SandboxDataPaths {
  readonly root: string;
  /** dynalite's LevelDB directory. */
  readonly dynamodb: string;
  /** The simulator's subscribers (JSON). */
  readonly simulator: string;
  /** One JSON file per workflow execution. */
  readonly executions: string;
  /** The audit digest key (hex, mode 0600): digests stay comparable across restarts. */
  readonly digestKey: string;
}

export function resolveDataDir(env: Record<string, string | undefined> = process.env): string {
  const raw = env[DATA_DIR_ENV]?.trim();
  return raw ? path.resolve(raw) : DEFAULT_DATA_DIR;
}

export function sandboxDataPaths(root: string): SandboxDataPaths {
  return {
    root,
    dynamodb: path.join(root, 'dynamodb'),
    simulator: path.join(root, 'webex-simulator.json'),
    executions: path.join(root, 'executions'),
    digestKey: path.join(root, 'audit-digest-key'),
  };
}

/** `--fresh`: remove what the sandbox kept (only the entries it writes, never anything else in the directory). */
export function clearSandboxData(root: string): void {
  const paths = sandboxDataPaths(root);
  for (const entry of [paths.dynamodb, paths.simulator, paths.executions, paths.digestKey]) {
    rmSync(entry, { recursive: true, force: true });
  }
}

/** The kept audit digest key, created (32 random bytes, hex, mode 0600) the first time. */
export function sandboxDigestKey(paths: SandboxDataPaths): string {
  try {
    const key = readFileSync(paths.digestKey, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(key)) return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32).toString('hex');
  mkdirSync(paths.root, { recursive: true });
  writeFileSync(paths.digestKey, `${key}\n`, { mode: 0o600 });
  chmodSync(paths.digestKey, 0o600);
  return key;
}
