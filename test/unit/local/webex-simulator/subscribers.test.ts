import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../../functions/domain/contract/rules';
import { ConflictError } from '../../../../functions/domain/errors';
import { SubscriberStore } from '../../../../local/webex-simulator/subscribers';
import type { SimulatorConfig } from '../../../../local/webex-simulator/types';
import { provisionBody } from '../../../simulator/harness';
import { createManualClock } from '../../../support/fakes';

const CONFIG: SimulatorConfig = { provisioningDelayMs: 5_000, updateDelayMs: 3_000, duplicateUserIdMode: '409' };

/** A Precheck of `userId` (Precheck requires an email). */
const precheckBody = (userId: string) => ({ userId, email: 'ada@customer.example.com' });

function newStore() {
  const clock = createManualClock();
  return { clock, store: new SubscriberStore(clock, () => CONFIG) };
}

/** The errorCode of the ConflictError `act` throws, or undefined when it throws none. */
function conflictCode(act: () => unknown): number | undefined {
  try {
    act();
    return undefined;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return error.errors[0]?.errorCode;
  }
}

describe('SubscriberStore: who holds a userId', () => {
  it('refuses a userId that a pending update moves to, and frees the old one once the update completes', () => {
    // Prepare
    const { clock, store } = newStore();
    const sub = store.provision(provisionBody({ userId: 'old@sp.example.com' }));
    clock.advance(CONFIG.provisioningDelayMs);
    store.update(sub.id, { userId: 'new@sp.example.com' });

    // Act
    const newWhileUpdating = conflictCode(() => store.precheck(precheckBody('new@sp.example.com')));
    const oldWhileUpdating = conflictCode(() => store.precheck(precheckBody('old@sp.example.com')));
    clock.advance(CONFIG.updateDelayMs);
    const newAfter = conflictCode(() => store.precheck(precheckBody('new@sp.example.com')));
    const oldAfter = conflictCode(() => store.precheck(precheckBody('old@sp.example.com')));

    // Assess
    expect(newWhileUpdating).toBe(ERROR_CODES.userIdInUse);
    expect(oldWhileUpdating).toBe(ERROR_CODES.userIdInUse);
    expect(newAfter).toBe(ERROR_CODES.userIdInUse);
    expect(oldAfter).toBeUndefined();
  });

  it('still knows every holder after a restore from a snapshot', () => {
    // Prepare
    const { clock, store } = newStore();
    store.provision(provisionBody({ userId: 'kept@sp.example.com' }));
    const snapshot = store.snapshot();
    const restored = new SubscriberStore(clock, () => CONFIG);

    // Act
    restored.restore(snapshot);

    // Assess
    expect(conflictCode(() => restored.provision(provisionBody({ userId: 'kept@sp.example.com' })))).toBe(
      ERROR_CODES.userIdInUse,
    );
    expect(conflictCode(() => restored.provision(provisionBody({ userId: 'other@sp.example.com' })))).toBeUndefined();
  });

  it('forgets the holders on reset and on removal', () => {
    // Prepare
    const { store } = newStore();
    const removed = store.provision(provisionBody({ userId: 'removed@sp.example.com' }));
    store.provision(provisionBody({ userId: 'reset@sp.example.com' }));

    // Act
    store.remove(removed.id);
    const afterRemove = conflictCode(() => store.precheck(precheckBody('removed@sp.example.com')));
    store.reset();
    const afterReset = conflictCode(() => store.precheck(precheckBody('reset@sp.example.com')));

    // Assess
    expect(afterRemove).toBeUndefined();
    expect(afterReset).toBeUndefined();
  });
});
