/**
 * The status sweeper: follows Webex's status changes with List instead of one Get per order per poll.
 *
 * One sweep lists the subscribers whose status changed since the previous sweep started (minus `STATUS_SWEEP.overlapSeconds`),
 * `listMaxMax` (100) per page, and records each change it has not recorded yet once: the subscriber's latest-status
 * record (only if newer), which the workflow's `Check status` reads. The audit trail's statusChange record is written by
 * the execution that follows the subscriber when it reads that record (it knows the order, so the change is in the
 * order's trail too), with the deterministic id `auditId(subscriberId, 'status', status, lastStatusChange)`: once,
 * whoever follows it. Only after every page does the cursor move to the sweep's start: a failed sweep is simply done
 * again (the overlap lists a change twice; the record is written once).
 *
 * The first sweep (no cursor) lists the subscribers in a non-final status (`status` filter) and those changed in the last
 * `initialLookbackSeconds`. `runSweepLoop` sweeps every `intervalSeconds` under a lease, on the injected clock.
 */
import type { Logger } from '../../shared/logger';
import { PENDING_STATUSES, type SubscriberStatus } from '../contract/fields';
import type { ListQuery } from '../contract/list-query';
import { RULES, STATUS_SWEEP } from '../contract/rules';
import type { Subscriber } from '../contract/subscriber';
import { inPool } from '../pool';
import type { Clock } from '../ports/clock';
import type { StatusRecordStore } from '../ports/status-records';
import type { WebexCallOptions, WebexSubscribersPort } from '../ports/webex';

export interface StatusSweepDeps {
  webex: WebexSubscribersPort;
  records: StatusRecordStore;
  clock: Clock;
  logger?: Logger | undefined;
}

export interface SweepReport {
  /** Pages read (each one Webex List call). */
  pages: number;
  /** Subscribers listed (a change may be listed twice across overlapping sweeps). */
  listed: number;
  /** Changes recorded by this sweep (not recorded before). */
  recorded: number;
  /** False when the page budget ran out: the cursor stayed where it was. */
  complete: boolean;
  sweptThroughMs?: number | undefined;
}

/** Statuses in which Webex still works or waits on a person. */
export const NON_FINAL_STATUSES: readonly SubscriberStatus[] = ['provisioning', 'updating', ...PENDING_STATUSES];

const PAGE_CALL_BUDGET_MS = 20_000;

/** One sweep: list the changes since the cursor, record each new one, move the cursor. */
export async function sweepStatusChanges(deps: StatusSweepDeps): Promise<SweepReport> {
  // Whole milliseconds: Webex takes epoch ms as an integer.
  const startedAt = Math.floor(deps.clock.now());
  const from = await deps.records.sweptThrough();
  const max = String(RULES.listMaxMax);
  const queries: ListQuery[] =
    from === undefined
      ? [
          { status: NON_FINAL_STATUSES.join(','), max },
          { lastStatusChange: String(startedAt - STATUS_SWEEP.initialLookbackSeconds * 1000), max },
        ]
      : [{ lastStatusChange: String(Math.floor(from - STATUS_SWEEP.overlapSeconds * 1000)), max }];
  const report: SweepReport = { pages: 0, listed: 0, recorded: 0, complete: true };
  for (const first of queries) {
    let query: ListQuery | undefined = first;
    while (query) {
      if (report.pages >= STATUS_SWEEP.maxPagesPerSweep) {
        report.complete = false;
        deps.logger?.warn('status sweep stopped at its page budget; the cursor stays', { pages: report.pages });
        return report;
      }
      const page = await deps.webex.list(query, callOptions(deps, startedAt, report.pages));
      report.pages += 1;
      report.listed += page.value.items.length;
      report.recorded += await recordChanges(deps, page.value.items);
      query = page.value.nextQuery;
    }
  }
  await deps.records.advance(startedAt);
  report.sweptThroughMs = startedAt;
  return report;
}

function callOptions(deps: StatusSweepDeps, startedAt: number, page: number): WebexCallOptions {
  return {
    trackingId: `WBXPROV_sweep_${startedAt}_${page}`,
    deadline: deps.clock.now() + PAGE_CALL_BUDGET_MS,
    onThrottle: 'wait',
    lane: 'priority',
  };
}

/** Record every listed change that is newer than what is recorded; how many were. */
async function recordChanges(deps: StatusSweepDeps, items: readonly Subscriber[]): Promise<number> {
  if (items.length === 0) return 0;
  const known = await deps.records.known(items.map((s) => s.id));
  const changes = items.flatMap((subscriber) => {
    const changedAt = Date.parse(subscriber.lastStatusChange);
    if (Number.isNaN(changedAt)) return [];
    const before = known.get(subscriber.id);
    return before && before.lastStatusChangeMs >= changedAt ? [] : [{ subscriber, lastStatusChangeMs: changedAt }];
  });
  // Each subscriber appears once in a page, so its writes are independent: several at a time, a bounded number.
  let recorded = 0;
  await inPool(changes, STATUS_SWEEP.recordConcurrency, async (change) => {
    if (await deps.records.putLatest(change)) recorded += 1;
  });
  return recorded;
}

export interface SweepLoopOptions {
  /** Who holds the lease (a Lambda request id, `local`). */
  owner: string;
  /** Sweep for this long, then return (AWS: one invocation per minute); default forever (until `signal`). */
  runForMs?: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** After each sweep (tests, benches). */
  onSweep?: (report: SweepReport) => void;
}

/**
 * Sweep every `intervalMs` (measured from each sweep's start) until `runForMs` has passed or `signal` aborts. Each
 * sweep first renews the lease; when another owner holds it, the loop ends (another invocation is sweeping). A failed
 * sweep is logged and done again at the next interval.
 */
export async function runSweepLoop(deps: StatusSweepDeps, options: SweepLoopOptions): Promise<{ sweeps: number }> {
  const intervalMs = options.intervalMs ?? STATUS_SWEEP.intervalSeconds * 1000;
  const endAt = deps.clock.now() + (options.runForMs ?? Number.POSITIVE_INFINITY);
  let sweeps = 0;
  try {
    while (!options.signal?.aborted) {
      const startedAt = deps.clock.now();
      if (!(await deps.records.lease(options.owner, startedAt + STATUS_SWEEP.leaseSeconds * 1000))) {
        deps.logger?.info('another sweeper holds the lease; this one stops', { owner: options.owner });
        break;
      }
      try {
        const report = await sweepStatusChanges(deps);
        sweeps += 1;
        options.onSweep?.(report);
      } catch (error) {
        deps.logger?.warn('status sweep failed; it runs again at the next interval', {
          errorName: error instanceof Error ? error.name : typeof error,
        });
      }
      const next = startedAt + intervalMs;
      if (next > endAt) break;
      const waitMs = next - deps.clock.now();
      if (waitMs > 0) {
        try {
          await deps.clock.sleep(waitMs, options.signal);
        } catch {
          break;
        }
      }
    }
  } finally {
    await deps.records.release(options.owner).catch(() => undefined);
  }
  return { sweeps };
}
