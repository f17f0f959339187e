/**
 * Scheduled Lambda: the status sweeper (`domain/status-sweep/sweep.ts`). EventBridge invokes it every minute, its
 * shortest rate; one invocation sweeps every `STATUS_SWEEP.intervalSeconds` for `invocationSeconds` under the sweeper's
 * lease, so the sweeps follow each other at the interval and two invocations never sweep at once. The local runtime
 * runs the same loop in-process (`local/status-sweeper.ts`).
 *
 * Needs the Webex credentials, the audit table (statusChange records) and the Webex state table.
 */
import type { Context } from 'aws-lambda';
import { getStatusSweepDependencies } from '../composition/status-sweep';
import { STATUS_SWEEP } from '../domain/contract/rules';
import { runSweepLoop } from '../domain/status-sweep/sweep';
import { logger as rootLogger } from '../shared/logger';

/** Time kept free at the end of the invocation for the last sweep to finish. */
const END_MARGIN_MS = 15_000;

export async function handler(_event: unknown, context?: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>) {
  const logger = rootLogger.child({ component: 'status-sweeper', requestId: context?.awsRequestId });
  const deps = getStatusSweepDependencies(logger);
  const remaining = context?.getRemainingTimeInMillis?.() ?? STATUS_SWEEP.invocationSeconds * 1000 + END_MARGIN_MS;
  const runForMs = Math.max(0, Math.min(STATUS_SWEEP.invocationSeconds * 1000, remaining - END_MARGIN_MS));
  let recorded = 0;
  let pages = 0;
  const { sweeps } = await runSweepLoop(deps, {
    owner: context?.awsRequestId ?? `sweeper-${deps.clock.now()}`,
    runForMs,
    onSweep: (report) => {
      recorded += report.recorded;
      pages += report.pages;
    },
  });
  logger.info('status sweeps done', { sweeps, pages, recorded });
  return { sweeps, pages, recorded };
}
