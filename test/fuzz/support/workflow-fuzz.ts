/**
 * Fuzzing the workflow's input: whatever an execution is started with (any JSON, a mutated order, a malformed
 * tracking request), it ends — an invalid order with `InvalidOrder` and its validation errors, never with an
 * internal error, a runtime error of the engine, or not at all.
 */
import fc from 'fast-check';
import { OrderSchema } from '../../../functions/domain/contract/order';
import type { FaultHarness } from '../../reliability/support/fault-harness';
import { orderOf } from '../../reliability/support/scenario';
import { nastyString } from './gateway-fuzz';

const ORDER_FIELDS = ['orderId', 'subscriber', 'options', 'tracking', 'extra'];
const SUBSCRIBER_FIELDS = [
  'provisioningId',
  'userId',
  'spEnterpriseId',
  'firstName',
  'lastName',
  'package',
  'primaryPhoneNumber',
  'extension',
  'email',
  'customerInfo',
  'timezone',
];

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true }),
  nastyString,
  fc.jsonValue({ maxDepth: 2 }),
);

export interface WorkflowCase {
  name: string;
  input: unknown;
}

let sequence = 0;

/** An execution name and its input: any JSON, or an order with fields removed or replaced by wrong values. */
export function workflowCaseArbitrary(): fc.Arbitrary<WorkflowCase> {
  const name = () => {
    sequence += 1;
    return `fuzz-wf-${sequence}`;
  };
  // Falsy top-level inputs (null, false, 0, "") are left out: the local engine's JSONPath library cannot evaluate `$`
  // on them and ends the execution with States.Runtime before any task runs (AWS evaluates `$` to the value). The API
  // never starts such an execution: POST /v1/orders validates the order first.
  const anyJson = fc
    .jsonValue({ maxDepth: 4 })
    .filter((input) => (input !== null && typeof input === 'object') || Boolean(input))
    .map((input) => ({ name: name(), input }));
  const mutatedOrder = fc
    .record({
      top: fc.dictionary(fc.constantFrom(...ORDER_FIELDS), anyValue, { maxKeys: 2 }),
      fields: fc.dictionary(fc.constantFrom(...SUBSCRIBER_FIELDS), fc.option(anyValue), { maxKeys: 3 }),
      sameName: fc.boolean(),
    })
    .map(({ top, fields, sameName }) => {
      const executionName = name();
      const order = orderOf('direct', executionName).input as { orderId: string; subscriber: Record<string, unknown> };
      const subscriber: Record<string, unknown> = { ...order.subscriber };
      for (const [key, value] of Object.entries(fields)) {
        if (value === null) delete subscriber[key];
        else subscriber[key] = value;
      }
      const input: Record<string, unknown> = { orderId: sameName ? executionName : order.orderId, subscriber };
      for (const [key, value] of Object.entries(top)) input[key] = value;
      return { name: executionName, input };
    });
  const tracking = fc
    .dictionary(fc.constantFrom('subscriberId', 'reason', 'trackingId', 'actor', 'other'), anyValue, { maxKeys: 4 })
    .map((t) => ({ name: name(), input: { tracking: t } }));
  return fc.oneof(
    { weight: 2, arbitrary: anyJson },
    { weight: 5, arbitrary: mutatedOrder },
    { weight: 1, arbitrary: tracking },
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The property: an execution always ends; an invalid order ends in InvalidOrder; nothing ends in an internal error. */
export function workflowInputProperty(h: FaultHarness, ends: Map<string, number>) {
  return fc.asyncProperty(workflowCaseArbitrary(), async ({ name, input }) => {
    const execution = await h.run(input, name);
    const end = execution.status === 'SUCCEEDED' ? 'SUCCEEDED' : (execution.error ?? execution.status);
    ends.set(end, (ends.get(end) ?? 0) + 1);
    const isTracking = isObject(input) && 'tracking' in input;
    const parsed = OrderSchema.safeParse(input);
    const validOrder = !isTracking && parsed.success && parsed.data.orderId === name;
    if (!validOrder && !isTracking && end !== 'InvalidOrder') {
      throw new Error(`an invalid order ended ${end}, not InvalidOrder: ${JSON.stringify(input).slice(0, 300)}`);
    }
    if (end === 'InternalError' || end.startsWith('States.') || execution.status === 'RUNNING') {
      throw new Error(`the execution ended ${end}: ${execution.cause?.slice(0, 300)}`);
    }
    if (end === 'InvalidOrder') {
      const cause = JSON.parse(execution.cause ?? '{}') as { errors?: unknown[] };
      if (!Array.isArray(cause.errors) || cause.errors.length === 0) {
        throw new Error(`InvalidOrder without validation errors: ${execution.cause}`);
      }
    }
  });
}
