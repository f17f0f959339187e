/**
 * The shared token bucket of our Webex calls: one DynamoDB item (`pk = pacer` in the Webex state table) that every
 * Lambda and every execution draws from, as a generic cell rate algorithm per lane (`adapters/webex/pacing.ts`).
 *
 * A lane's state is its theoretical arrival time `tat` (epoch ms). A request at `now` may go at
 * `max(now, tat − tolerance)` and moves `tat` to `max(tat, now) + interval`. Each move is ONE conditional UpdateItem,
 * so concurrent callers never read-modify-write and never collide:
 * - busy lane (`tat ≥ now`): `SET tat = tat + interval` if `tat ≤ now + tolerance + maxWait`; the new value tells the
 *   caller its slot, and every concurrent caller gets a different one;
 * - idle lane (`tat < now` or no item yet): `SET tat = now + interval` if `tat < now`: go now.
 * A slot farther than the caller's wait is not reserved (denied, with when to come back).
 *
 * Lanes (`WEBEX_PACING`): `priority` first borrows idle bulk capacity (a conforming bulk request), else its reserve;
 * `bulk` first borrows a reserve token when no priority caller has used the reserve for a while, else queues on its
 * own lane. `park` moves both lanes past a Webex Retry-After. All times come from the injected clock.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../domain/ports/clock';
import type { LanePlan, PacingGrant, PacingLane, PacingPlan, WebexPacer } from '../webex/pacing';
import { WEBEX_STATE_TABLE } from './webex-state-table';

export interface DynamoWebexPacerOptions {
  client: DynamoDBClient;
  tableName: string;
  plan: PacingPlan;
  clock: Clock;
}

type TatAttribute = 'bulkTat' | 'priorityTat';

/** How long the reserve must have been left alone before bulk may borrow from it. */
const PRIORITY_IDLE_MS = 2_000;
const MAX_RACES = 4;

/** Epoch ms with µs precision: intervals such as 1000/45 ms must not round to a faster rate. */
const n = (value: number) => ({ N: value.toFixed(3) });

export class DynamoWebexPacer implements WebexPacer {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly plan: PacingPlan;
  private readonly clock: Clock;
  /** Until when (this process's view) a priority caller holds the reserve: no borrow attempt before (saves a write). */
  private reserveBusyUntil = 0;
  private readonly key = { [WEBEX_STATE_TABLE.partitionKey.name]: { S: WEBEX_STATE_TABLE.keys.pacer } };

  constructor(options: DynamoWebexPacerOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.plan = options.plan;
    this.clock = options.clock;
  }

  async acquire(lane: PacingLane, maxWaitMs: number): Promise<PacingGrant> {
    const now = this.clock.now();
    if (lane === 'priority') {
      // Idle bulk capacity first (keeps the reserve for bursts), then the reserve, queueing up to maxWaitMs.
      const borrowed = await this.take('bulkTat', this.plan.bulk, now, 0, false);
      if (borrowed.kind !== 'denied') return { kind: 'go' };
      return this.take('priorityTat', this.plan.priority, now, maxWaitMs, true);
    }
    if (await this.borrowIdleReserve(now)) return { kind: 'go' };
    return this.take('bulkTat', this.plan.bulk, now, maxWaitMs, false);
  }

  async park(untilMs: number): Promise<void> {
    // No slot before untilMs: each lane's tat at least untilMs + its tolerance (so max(now, tat − tolerance) ≥ untilMs).
    await Promise.all(
      (['bulkTat', 'priorityTat'] as const).map((attribute) => {
        const plan = attribute === 'bulkTat' ? this.plan.bulk : this.plan.priority;
        return this.update(
          `SET #t = :until`,
          'attribute_not_exists(#t) OR #t < :until',
          { '#t': attribute },
          { ':until': n(untilMs + plan.toleranceMs) },
        );
      }),
    );
  }

  /** A bulk request takes one reserve token when the reserve is full and no priority caller used it lately. */
  private async borrowIdleReserve(now: number): Promise<boolean> {
    if (now < this.reserveBusyUntil) return false;
    const result = await this.update(
      'SET #t = :next',
      '(attribute_not_exists(#t) OR #t <= :now) AND (attribute_not_exists(#u) OR #u <= :idle)',
      { '#t': 'priorityTat', '#u': 'priorityUsedAt' },
      { ':next': n(now + this.plan.priority.intervalMs), ':now': n(now), ':idle': n(now - PRIORITY_IDLE_MS) },
    );
    if (result === undefined) this.reserveBusyUntil = now + this.plan.priority.intervalMs;
    return result !== undefined;
  }

  /** Move one lane's tat by one request; the slot, or denied when it is more than maxWaitMs away. */
  private async take(
    attribute: TatAttribute,
    plan: LanePlan,
    now: number,
    maxWaitMs: number,
    markPriorityUse: boolean,
  ): Promise<PacingGrant> {
    const names: Record<string, string> = { '#t': attribute };
    const used = markPriorityUse ? ', #u = :now' : '';
    if (markPriorityUse) names['#u'] = 'priorityUsedAt';
    const limit = now + plan.toleranceMs + maxWaitMs;
    for (let race = 0; race < MAX_RACES; race++) {
      const busy = await this.update(`SET #t = #t + :interval${used}`, '#t >= :now AND #t <= :limit', names, {
        ':interval': n(plan.intervalMs),
        ':now': n(now),
        ':limit': n(limit),
      });
      if (busy !== undefined) {
        const tat = Number(busy[attribute]?.N);
        // Whole ms, rounded up: the stored values carry µs, and a slot must never fall before a parked time.
        const slot = Math.max(now, Math.ceil(tat - plan.intervalMs - plan.toleranceMs - 0.01));
        return slot <= now ? { kind: 'go' } : { kind: 'slot', at: slot };
      }
      const idle = await this.update(`SET #t = :next${used}`, 'attribute_not_exists(#t) OR #t < :now', names, {
        ':next': n(now + plan.intervalMs),
        ':now': n(now),
      });
      if (idle !== undefined) return { kind: 'go' };
      // Neither: the lane is beyond the limit, or it changed between the two updates.
      const tat = await this.read(attribute);
      if (tat !== undefined && tat > limit) {
        return { kind: 'denied', retryAt: Math.max(now + 1, tat - plan.toleranceMs - maxWaitMs) };
      }
    }
    return { kind: 'denied', retryAt: now + plan.intervalMs };
  }

  private async read(attribute: TatAttribute): Promise<number | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: this.key, ConsistentRead: true }),
    );
    const value = Item?.[attribute]?.N;
    return value === undefined ? undefined : Number(value);
  }

  /** One conditional UpdateItem; the updated attributes, or undefined when the condition did not hold. */
  private async update(
    expression: string,
    condition: string,
    names: Record<string, string>,
    values: Record<string, { N: string }>,
  ): Promise<Record<string, { N?: string }> | undefined> {
    try {
      const result = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key,
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return (result.Attributes ?? {}) as Record<string, { N?: string }>;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }
}

function isConditionalCheckFailed(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException'
  );
}
