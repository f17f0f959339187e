/** Shutdown helper of the local runtime's components. */

/**
 * Resolves when every promise of `running` has settled, or after `maxWaitMs`, whichever is first: a component that
 * stops lets the work it started finish its writes, without letting a stuck handler hold the shutdown.
 */
export async function settleWithin(running: Iterable<Promise<unknown>>, maxWaitMs: number): Promise<void> {
  const pending = [...running];
  if (pending.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, maxWaitMs);
  });
  try {
    await Promise.race([Promise.allSettled(pending).then(() => undefined), limit]);
  } finally {
    clearTimeout(timer);
  }
}
