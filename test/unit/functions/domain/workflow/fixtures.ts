/** Builders of orders, subscribers and workflow states, and the ports of a step wired from `test/support/fakes.ts`. */
import type { Order } from '../../../../../functions/domain/contract/order';
import type { Subscriber } from '../../../../../functions/domain/contract/subscriber';
import type { WorkflowOutcome } from '../../../../../functions/domain/ports/metrics';
import type { SubscriberPage, WebexCallOptions, WebexResult } from '../../../../../functions/domain/ports/webex';
import type { WorkflowState } from '../../../../../functions/domain/workflow/state';
import type { WorkflowDeps } from '../../../../../functions/domain/workflow/step-deps';
import { createManualClock, FakeWebex, type FakeWebexCall, InMemoryAuditStore } from '../../../../support/fakes';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
export const iso = (ms: number) => new Date(ms).toISOString();

export function order(overrides: Partial<Order['subscriber']> = {}, options?: Order['options']): Order {
  return {
    orderId: 'order-1',
    subscriber: {
      provisioningId: 'tmpl-1',
      userId: 'alice@sp.example',
      spEnterpriseId: 'SP1+acme',
      firstName: 'Alice',
      lastName: 'Andersen',
      package: 'standard',
      primaryPhoneNumber: '+1 240 555 1212',
      email: 'Alice@Acme.example',
      ...overrides,
    },
    ...(options ? { options } : {}),
  };
}

export function subscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  return {
    id: 'sub-1',
    userId: 'alice@sp.example',
    spEnterpriseId: 'SP1+acme',
    firstName: 'Alice',
    lastName: 'Andersen',
    email: 'alice@acme.example',
    primaryPhoneNumber: '+12405551212',
    package: 'standard',
    status: 'provisioning',
    created: iso(T0 - 60_000),
    lastStatusChange: iso(T0 - 60_000),
    provisioningId: 'tmpl-1',
    selfActivated: false,
    ...overrides,
  };
}

/** An order's state as ValidateOrder leaves it, one hour to its deadline. */
export function orderState(overrides: Partial<WorkflowState> = {}): WorkflowState {
  return {
    kind: 'order',
    ref: 'order-1',
    order: order(),
    startedAt: iso(T0),
    deadlineAt: iso(T0 + 3_600_000),
    checks: 0,
    route: 'precheck',
    throttled: false,
    ...overrides,
  };
}

export const page = (items: Subscriber[]): Promise<WebexResult<SubscriberPage>> =>
  Promise.resolve({ value: { items }, webexTrackingId: 'WEBEX_1' });

/** The ports of a step, in memory (`test/support/fakes.ts`): what the step wrote stays there for the test to read. */
export function fakeDeps(overrides: Partial<WorkflowDeps> = {}) {
  const audit = new InMemoryAuditStore();
  const outcomes: WorkflowOutcome[] = [];
  const clock = createManualClock(T0);
  const deps: WorkflowDeps = {
    webex: new FakeWebex({ clock }),
    audit,
    digester: { digest: (value: string) => `hmac-sha256:${value.length}` },
    clock,
    metrics: { workflowEnded: (outcome: WorkflowOutcome) => outcomes.push(outcome) },
    ...overrides,
  };
  return { deps, audit, outcomes, clock };
}

/** The options a recorded Webex call was made with (its last argument). */
export function optionsOf(call: FakeWebexCall | undefined): WebexCallOptions | undefined {
  return call?.args.at(-1) as WebexCallOptions | undefined;
}
