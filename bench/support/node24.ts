/**
 * A Node.js 24 binary for the cold-start benchmark (Lambda runs `nodejs24.x`): this process's node when it is 24,
 * else the npm registry's `node-<platform>-<arch>@24` package installed once under `.bench-cache/node24` (gitignored,
 * outside the project's node_modules, never in package.json). Offline or unsupported: `undefined` with the reason.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_CACHE } from './paths';

export type NodeBinary = { version: string; path: string } | { version: undefined; reason: string };

function versionOf(binary: string): string {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
}

export function findNode24(): NodeBinary {
  if (process.versions.node.startsWith('24.')) return { version: process.version, path: process.execPath };
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const pkg = `node-${platform}-${process.arch}`;
  const prefix = join(BENCH_CACHE, 'node24');
  const binary = join(prefix, 'node_modules', pkg, 'bin', 'node');
  if (!existsSync(binary)) {
    process.stderr.write(`Installing ${pkg}@24 from the npm registry into ${prefix} (once) …\n`);
    try {
      execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `${pkg}@24`], {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 180_000,
      });
    } catch (error) {
      const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return {
        version: undefined,
        reason: `Node 24 skipped: could not install ${pkg}@24 from the npm registry (offline?): ${detail}`,
      };
    }
  }
  if (!existsSync(binary)) return { version: undefined, reason: `Node 24 skipped: ${pkg}@24 has no bin/node` };
  try {
    return { version: versionOf(binary), path: binary };
  } catch (error) {
    return { version: undefined, reason: `Node 24 skipped: ${binary} does not run: ${String(error)}` };
  }
}
