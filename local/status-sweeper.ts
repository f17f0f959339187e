/**
 * The status sweeper in the local runtime: the same loop the scheduled Lambda runs (`runSweepLoop`), in-process, on the
 * composition root's clock, every `STATUS_SWEEP.intervalSeconds` scaled like the workflow's waits (`LOCAL_TIME_SCALE`).
 * Started after the handlers' environment is final (it uses the same composition root as the handlers).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Composition from '../functions/composition/status-sweep';
import { STATUS_SWEEP } from '../functions/domain/contract/rules';
import { runSweepLoop, type SweepReport } from '../functions/domain/status-sweep/sweep';
import type { Logger } from '../functions/shared/logger';
import { REPO_ROOT } from './paths';

export interface LocalStatusSweeper {
  stop(): Promise<void>;
}

export interface LocalStatusSweeperOptions {
  logger: Logger;
  /** Between sweeps; default `STATUS_SWEEP.intervalSeconds` × `timeScale`. */
  intervalMs?: number;
  timeScale?: number;
  onSweep?: (report: SweepReport) => void;
}

export async function startLocalStatusSweeper(options: LocalStatusSweeperOptions): Promise<LocalStatusSweeper> {
  const composition = (await import(
    pathToFileURL(path.join(REPO_ROOT, 'functions/composition/status-sweep.ts')).href
  )) as typeof Composition;
  const deps = composition.getStatusSweepDependencies(options.logger);
  const intervalMs =
    options.intervalMs ?? Math.max(100, STATUS_SWEEP.intervalSeconds * 1000 * (options.timeScale ?? 1));
  const abort = new AbortController();
  const loop = runSweepLoop(deps, {
    owner: `local-${process.pid}`,
    intervalMs,
    signal: abort.signal,
    ...(options.onSweep ? { onSweep: options.onSweep } : {}),
  }).catch((error: unknown) => {
    options.logger.error('the local status sweeper stopped', { error });
  });
  return {
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
