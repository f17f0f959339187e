/**
 * The one cache of the composition: every client, store and adapter a function builds is kept here under a name, built
 * on first use and reused by every warm invocation of the same cold start. `resetCache()` forgets all of them (and
 * destroys what has a `destroy`, such as the SDK clients): tests and the local runtime call it, through
 * `resetCompositionForTests`, after they change the environment.
 *
 * Only functions are exported, and the getters call `once` inside their own bodies: nothing runs at module load, so
 * esbuild drops every getter a function does not use, and its clients with it.
 */

interface Entry {
  value: unknown;
  dispose?: ((value: never) => void) | undefined;
}

const entries = new Map<string, Entry>();

/** The value cached under `key`, built by `build` the first time (and after `forget(key)` or `resetCache()`). */
export function once<T>(key: string, build: () => T, dispose?: (value: T) => void): T {
  const found = entries.get(key);
  if (found) return found.value as T;
  const value = build();
  entries.set(key, { value, dispose: dispose as Entry['dispose'] });
  return value;
}

/**
 * Like `once` for a value that loads asynchronously: a load that fails is not kept, so the next call tries again
 * (a secret that could not be read on one invocation is read on the next).
 */
export function onceAsync<T>(key: string, load: () => Promise<T>): Promise<T> {
  return once(key, () =>
    load().catch((error: unknown) => {
      entries.delete(key);
      throw error;
    }),
  );
}

/** Forget everything built so far; what has a disposer is disposed. */
export function resetCache(): void {
  for (const { value, dispose } of entries.values()) dispose?.(value as never);
  entries.clear();
}
