/**
 * The `OutcomeMetrics` port over the service's Powertools Metrics (`shared/metrics.ts`: one EMF line per outcome,
 * `OrderOutcome` with dimensions Kind, Outcome and Powertools' `service`). The one file that knows how an outcome is
 * written.
 */
import type { OutcomeMetrics, WorkflowOutcome } from '../../domain/ports/metrics';
import { recordOrderOutcome } from '../../shared/metrics';

export class EmfOutcomeMetrics implements OutcomeMetrics {
  constructor(private readonly record: (outcome: WorkflowOutcome) => void = recordOrderOutcome) {}

  workflowEnded(outcome: WorkflowOutcome): void {
    this.record(outcome);
  }
}
