/** A small seeded generator (mulberry32): the same seed gives the same fault decisions, run after run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random 31-bit seed, for CLIs that print the seed they use. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
