/**
 * The handlers' process-wide environment for the local runtime: applying it to `process.env` (and putting it back), with
 * the variables that would point the handlers at real AWS removed, and resetting the composition root's singletons built
 * from the previous environment.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REFRESH_GRANT_COMPOSITION } from '../functions/composition/refresh-grant';
import type { CompositionOverrides } from '../functions/composition/root';
import type { Logger } from '../functions/shared/logger';
import { REPO_ROOT } from './paths';

/** Variables that would point the handlers at real AWS resources or credentials: removed while the runtime runs. */
export const UNSET_FOR_HANDLERS = [
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'PARTNER_TOKEN_SECRET_ID',
  'AUDIT_DIGEST_SECRET_ID',
  'STATE_MACHINE_ARN',
  'BATCH_STATE_MACHINE_ARN',
  'SFN_ENDPOINT',
] as const;

/** Sets `set` and removes `unset` in `process.env`; returns a function that puts every touched variable back. */
export function applyEnv(set: Record<string, string>, unset: readonly string[]): () => void {
  const touched = [...new Set([...Object.keys(set), ...unset])];
  const previous = new Map(touched.map((name) => [name, process.env[name]]));
  for (const name of unset) delete process.env[name];
  Object.assign(process.env, set);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * The composition root caches clients built from the environment: drop them after the environment changed. Imported
 * lazily (as the handlers import it, so it is the same module instance); if it cannot load, the handlers cannot either
 * and will answer 500 with the cause in the log, so this only warns. The handlers get Webex credentials from the
 * simulator's refresh grant, which the composition root only runs when handed `REFRESH_GRANT_COMPOSITION`.
 */
export async function resetComposition(log: Logger, overrides: CompositionOverrides | undefined): Promise<void> {
  try {
    const mod = (await import(pathToFileURL(path.join(REPO_ROOT, 'functions/composition/root.ts')).href)) as {
      resetCompositionForTests?: (next?: CompositionOverrides) => void;
    };
    mod.resetCompositionForTests?.({ ...REFRESH_GRANT_COMPOSITION, ...overrides });
  } catch (error) {
    log.warn('cannot reset the composition root (functions/composition/root.ts)', { error });
  }
}
