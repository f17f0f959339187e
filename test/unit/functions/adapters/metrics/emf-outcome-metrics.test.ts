/**
 * Outcome metrics: each execution that ends emits one data point named by its outcome (the Fail state's error name),
 * through the `OutcomeMetrics` port; the EMF adapter writes it as CloudWatch extracts it.
 */
import { describe, expect, it } from 'vitest';
import { EmfOutcomeMetrics } from '../../../../../functions/adapters/metrics/emf-outcome-metrics';
import type { AuditRecord } from '../../../../../functions/domain/ports/audit';
import type { WorkflowOutcome } from '../../../../../functions/domain/ports/metrics';
import { recordFailureStep, validateOrderStep } from '../../../../../functions/domain/workflow/steps';

function depsWithMetrics() {
  const outcomes: WorkflowOutcome[] = [];
  const records: AuditRecord[] = [];
  return {
    outcomes,
    deps: {
      audit: {
        append: async (r: AuditRecord) => {
          records.push(r);
          return { written: true };
        },
        listBySubscriber: async () => ({ items: [] }),
        listByOrder: async () => ({ items: [] }),
      },
      digester: { digest: (v: string) => `hmac-sha256:${v.length}` },
      clock: { now: () => Date.UTC(2025, 0, 6, 9), sleep: async () => undefined },
      metrics: { workflowEnded: (o: WorkflowOutcome) => outcomes.push(o) },
    },
  };
}

describe('workflow outcome metrics', () => {
  it('emits the error name of a business failure (InvalidOrder)', async () => {
    // Prepare
    const { deps, outcomes } = depsWithMetrics();

    // Act
    await validateOrderStep(deps, { input: { orderId: 'x' }, executionName: 'x' });

    // Assess
    expect(outcomes).toEqual([{ kind: 'order', outcome: 'InvalidOrder' }]);
  });

  it('emits UpstreamUnavailable for a task error that exhausted its retries', async () => {
    // Prepare
    const { deps, outcomes } = depsWithMetrics();

    // Act
    await recordFailureStep(deps, { state: { caught: { Error: 'States.Timeout' } }, executionName: 'order-9' });

    // Assess
    expect(outcomes).toEqual([{ kind: 'order', outcome: 'UpstreamUnavailable' }]);
  });

  it('hands each outcome to the service metrics (Powertools OrderOutcome, dimensions Kind and Outcome)', () => {
    // Prepare
    const recorded: WorkflowOutcome[] = [];
    const metrics = new EmfOutcomeMetrics((o) => recorded.push(o));

    // Act
    metrics.workflowEnded({ kind: 'order', outcome: 'SubscriberConflict' });

    // Assess
    expect(recorded).toEqual([{ kind: 'order', outcome: 'SubscriberConflict' }]);
  });
});
