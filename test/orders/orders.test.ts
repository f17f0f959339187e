import { describe, expect, it } from 'vitest';
import { trackingExecutionName } from '../../functions/adapters/sfn/subscriber-tracker';
import type { Order } from '../../functions/domain/contract/order';
import { ConflictError, NotFoundError, ValidationError } from '../../functions/domain/errors';
import type { AuditPage, AuditQuery, AuditRecord, AuditStore } from '../../functions/domain/ports/audit';
import {
  canonicalJson,
  getOrder,
  type OrderExecution,
  type OrderExecutions,
  submitOrder,
} from '../../functions/domain/workflow/orders';

class InMemoryExecutions implements OrderExecutions {
  readonly executions = new Map<string, OrderExecution>();
  starts = 0;
  /** Simulates a concurrent request starting the same order between describe and start. */
  raceWith: Order | undefined;

  async start(name: string, input: Order) {
    this.starts += 1;
    if (this.raceWith) {
      this.put(name, this.raceWith);
      this.raceWith = undefined;
    }
    if (this.executions.has(name)) return undefined;
    return this.put(name, input);
  }

  async describe(name: string) {
    return this.executions.get(name);
  }

  put(name: string, input: unknown, fields: Partial<OrderExecution> = {}) {
    const execution: OrderExecution = {
      name,
      executionArn: `arn:aws:states:us-east-1:000000000000:execution:ProvisioningWorkflow:${name}`,
      status: 'RUNNING',
      startDate: '2025-01-06T09:00:00.000Z',
      input,
      ...fields,
    };
    this.executions.set(name, execution);
    return execution;
  }
}

class InMemoryAudit implements AuditStore {
  constructor(readonly records: AuditRecord[] = []) {}
  async append() {
    return { written: true };
  }
  async listBySubscriber(): Promise<AuditPage> {
    return { items: [] };
  }
  async listByOrder(orderId: string, query: AuditQuery): Promise<AuditPage> {
    return { items: this.records.filter((r) => r.orderId === orderId).slice(0, query.max) };
  }
}

const order: Order = {
  orderId: 'order-1',
  subscriber: {
    provisioningId: 'template',
    userId: 'u1@sp.example.com',
    spEnterpriseId: 'e1',
    firstName: 'Ada',
    lastName: 'Lovelace',
    package: 'standard',
    extension: '1001',
  },
};

describe('submitOrder', () => {
  it('starts the workflow for a new order', async () => {
    // Prepare
    const executions = new InMemoryExecutions();

    // Act
    const result = await submitOrder({ executions }, order);

    // Assess
    expect(result).toEqual({
      started: true,
      order: expect.objectContaining({ orderId: 'order-1', status: 'RUNNING' }),
    });
    expect(executions.starts).toBe(1);
  });

  it('answers the existing order for the same order again, without a second start', async () => {
    // Prepare
    const executions = new InMemoryExecutions();
    executions.put('order-1', JSON.parse(JSON.stringify({ ...order, subscriber: { ...order.subscriber } })));

    // Act
    const result = await submitOrder(
      { executions },
      { ...order, subscriber: { extension: '1001', ...order.subscriber } },
    );

    // Assess
    expect(result.started).toBe(false);
    expect(executions.starts).toBe(0);
  });

  it('refuses the same orderId with different content as a conflict', async () => {
    // Prepare
    const executions = new InMemoryExecutions();
    executions.put('order-1', { ...order, subscriber: { ...order.subscriber, firstName: 'Grace' } });

    // Act
    const submitting = submitOrder({ executions }, order);

    // Assess
    await expect(submitting).rejects.toBeInstanceOf(ConflictError);
  });

  it('answers the order a concurrent request started between the look-up and the start', async () => {
    // Prepare
    const executions = new InMemoryExecutions();
    executions.raceWith = order;

    // Act
    const result = await submitOrder({ executions }, order);

    // Assess
    expect(result.started).toBe(false);
  });

  it('refuses an invalid order with Webex error items, and a deadline beyond the workflow limit', async () => {
    // Prepare
    const executions = new InMemoryExecutions();

    // Act
    const invalid = submitOrder({ executions }, { orderId: 'bad id', subscriber: {} });
    const tooLong = submitOrder({ executions }, { ...order, options: { deadlineSeconds: 300 * 24 * 3600 } });

    // Assess
    await expect(invalid).rejects.toBeInstanceOf(ValidationError);
    await expect(invalid).rejects.toMatchObject({
      errors: expect.arrayContaining([expect.objectContaining({ errorCode: 1002, fieldName: 'orderId' })]),
    });
    await expect(tooLong).rejects.toMatchObject({
      errors: [expect.objectContaining({ errorCode: 1002, fieldName: 'options.deadlineSeconds' })],
    });
    expect(executions.starts).toBe(0);
  });
});

describe('getOrder', () => {
  it('shows a failed order with its parsed cause and its audit records', async () => {
    // Prepare
    const executions = new InMemoryExecutions();
    executions.put('order-2', order, {
      status: 'FAILED',
      stopDate: '2025-01-06T09:01:00.000Z',
      error: 'PrecheckFailed',
      cause: '{"error":"PrecheckFailed","orderId":"order-2"}',
    });
    const record: AuditRecord = {
      id: 'r1',
      at: '2025-01-06T09:00:01.000Z',
      actor: 'workflow:order-2',
      action: 'orderStep',
      orderId: 'order-2',
      step: 'finish',
      outcome: { result: 'failure' },
    };

    // Act
    const view = await getOrder({ executions, audit: new InMemoryAudit([record]) }, 'order-2');

    // Assess
    expect(view).toEqual({
      orderId: 'order-2',
      status: 'FAILED',
      executionArn: expect.stringContaining(':execution:ProvisioningWorkflow:order-2'),
      startDate: '2025-01-06T09:00:00.000Z',
      stopDate: '2025-01-06T09:01:00.000Z',
      failure: { error: 'PrecheckFailed', cause: { error: 'PrecheckFailed', orderId: 'order-2' } },
      audit: { items: [record] },
    });
  });

  it('answers NotFound for an unknown order and a ValidationError for a malformed orderId', async () => {
    // Prepare
    const deps = { executions: new InMemoryExecutions(), audit: new InMemoryAudit() };

    // Act & Assess
    await expect(getOrder(deps, 'unknown')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getOrder(deps, 'bad/id')).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('canonicalJson', () => {
  it('ignores key order and undefined members', () => {
    // Assess
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe(canonicalJson({ a: [{ d: 2 }], b: 1 }));
  });
});

describe('trackingExecutionName', () => {
  it('is deterministic, at most 80 allowed characters, and distinct per call', () => {
    // Prepare
    const input = {
      subscriberId: 's1',
      reason: 'update' as const,
      trackingId: `caller:${'x'.repeat(120)}`,
      requestId: 'req-1',
      actor: 'a',
    };

    // Act
    const name = trackingExecutionName(input);

    // Assess
    expect(name).toBe(trackingExecutionName({ ...input }));
    expect(name).toMatch(/^track-update-caller_x+-[0-9a-f]{16}$/);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(trackingExecutionName({ ...input, subscriberId: 's2' })).not.toBe(name);
    expect(trackingExecutionName({ ...input, requestId: 'req-2' })).not.toBe(name);
  });
});
