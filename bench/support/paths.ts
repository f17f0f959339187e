import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Scratch space of the benchmarks (bundles, the Node 24 binary); gitignored. */
export const BENCH_CACHE = resolve(REPO_ROOT, '.bench-cache');
