import { describe, expect, it } from 'vitest';
import { trackingExecutionName } from '../../../../../functions/adapters/sfn/subscriber-tracker';
import type { Order } from '../../../../../functions/domain/contract/order';
import { ConflictError, NotFoundError, ValidationError } from '../../../../../functions/domain/errors';
import type { AuditRecord } from '../../../../../functions/domain/ports/audit';
import { canonicalJson, getOrder, submitOrder } from '../../../../../functions/domain/workflow/orders';
import { InMemoryAuditStore, InMemoryOrderExecutions } from '../../../../support/fakes';

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

const CALL = { actor: 'client-1', trackingId: 'WBXPROV_test' };
const digester = { digest: (value: string) => `hmac-sha256:${value.length}:${value.slice(-16)}` };
const clock = { now: () => Date.UTC(2025, 0, 6, 9), sleep: async () => undefined };
const depsOf = (executions: InMemoryOrderExecutions, audit = new InMemoryAuditStore()) => ({
  executions,
  audit,
  digester,
  clock,
});

describe('submitOrder', () => {
  it('starts the workflow for a new order', async () => {
    // Prepare
    const executions = new InMemoryOrderExecutions();

    // Act
    const result = await submitOrder(depsOf(executions), order, CALL);

    // Assess
    expect(result).toEqual({
      started: true,
      order: expect.objectContaining({ orderId: 'order-1', status: 'RUNNING' }),
    });
    expect(executions.starts).toHaveLength(1);
  });

  it('answers the existing order for the same order again, without a second start', async () => {
    // Prepare
    const executions = new InMemoryOrderExecutions();
    executions.put('order-1', JSON.parse(JSON.stringify({ ...order, subscriber: { ...order.subscriber } })));

    // Act
    const result = await submitOrder(
      depsOf(executions),
      { ...order, subscriber: { extension: '1001', ...order.subscriber } },
      CALL,
    );

    // Assess: the start is idempotent (same name and input), so nothing runs twice
    expect(result.started).toBe(false);
    expect(executions.executions.size).toBe(1);
  });

  it('refuses the same orderId with different content as a conflict', async () => {
    // Prepare
    const executions = new InMemoryOrderExecutions();
    executions.put('order-1', { ...order, subscriber: { ...order.subscriber, firstName: 'Grace' } });

    // Act
    const submitting = submitOrder(depsOf(executions), order, CALL);

    // Assess
    await expect(submitting).rejects.toBeInstanceOf(ConflictError);
  });

  it('starts the order for a later caller when the first one was recorded but crashed before its start', async () => {
    // Prepare: the first submitter's record is written, then its StartExecution fails
    const executions = new InMemoryOrderExecutions();
    const audit = new InMemoryAuditStore();
    const crashing = {
      ...depsOf(executions, audit),
      executions: {
        ...executions,
        start: async () => {
          throw new Error('crashed');
        },
        describe: async () => undefined,
      },
    };
    await expect(submitOrder(crashing, order, CALL)).rejects.toThrow('crashed');

    // Act
    const result = await submitOrder(depsOf(executions, audit), order, CALL);

    // Assess: the order runs, and this caller was not the first
    expect(result.started).toBe(false);
    expect(executions.executions.get('order-1')?.status).toBe('RUNNING');
  });

  it('answers 202 to exactly one of many concurrent identical submissions, 200 to the others', async () => {
    // Prepare
    const executions = new InMemoryOrderExecutions();
    const deps = depsOf(executions);

    // Act
    const results = await Promise.all(Array.from({ length: 30 }, () => submitOrder(deps, order, CALL)));

    // Assess
    expect(results.filter((r) => r.started)).toHaveLength(1);
    expect(executions.executions.size).toBe(1);
    expect(deps.audit.records.filter((r) => r.step === 'submit')).toHaveLength(1);
  });

  it('refuses an invalid order with Webex error items, and a deadline beyond the workflow limit', async () => {
    // Prepare
    const executions = new InMemoryOrderExecutions();

    // Act
    const invalid = submitOrder(depsOf(executions), { orderId: 'bad id', subscriber: {} }, CALL);
    const tooLong = submitOrder(depsOf(executions), { ...order, options: { deadlineSeconds: 300 * 24 * 3600 } }, CALL);

    // Assess
    await expect(invalid).rejects.toBeInstanceOf(ValidationError);
    await expect(invalid).rejects.toMatchObject({
      errors: expect.arrayContaining([expect.objectContaining({ errorCode: 1002, fieldName: 'orderId' })]),
    });
    await expect(tooLong).rejects.toMatchObject({
      errors: [expect.objectContaining({ errorCode: 1002, fieldName: 'options.deadlineSeconds' })],
    });
    expect(executions.starts).toHaveLength(0);
  });
});

describe('getOrder', () => {
  it('shows a failed order with its parsed cause and its audit records', async () => {
    // Prepare
    const executions = new InMemoryOrderExecutions();
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
    const view = await getOrder({ executions, audit: new InMemoryAuditStore([record]) }, 'order-2');

    // Assess
    expect(view).toEqual({
      orderId: 'order-2',
      status: 'FAILED',
      executionArn: expect.stringContaining(':execution:ProvisioningWorkflow:order-2'),
      startDate: '2025-01-06T09:00:00.000Z',
      stopDate: '2025-01-06T09:01:00.000Z',
      failure: { error: 'PrecheckFailed', cause: { error: 'PrecheckFailed', orderId: 'order-2' } },
      attempt: 1,
      attempts: [
        {
          attempt: 1,
          status: 'FAILED',
          executionArn: expect.stringContaining(':execution:ProvisioningWorkflow:order-2'),
          startDate: '2025-01-06T09:00:00.000Z',
          stopDate: '2025-01-06T09:01:00.000Z',
          failure: { error: 'PrecheckFailed', cause: { error: 'PrecheckFailed', orderId: 'order-2' } },
        },
      ],
      audit: { items: [record] },
    });
  });

  it('answers NotFound for an unknown order and a ValidationError for a malformed orderId', async () => {
    // Prepare
    const deps = { executions: new InMemoryOrderExecutions(), audit: new InMemoryAuditStore() };

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
