/**
 * Listing simulated subscribers as the Webex List operation does: filtering by the query parameters, ordering by
 * creation, paging with `max`, and the opaque cursors handed out for the next page.
 */
import { randomUUID } from 'node:crypto';
import { ListQuerySchema, parseEpochOrIso } from '../../functions/domain/contract/list-query';
import { ERROR_CODES, RULES } from '../../functions/domain/contract/rules';
import type { Subscriber } from '../../functions/domain/contract/subscriber';
import { parseOrThrow } from '../../functions/domain/contract/validation';
import { ValidationError } from '../../functions/domain/errors';
import type { StoredSubscriber } from './subscriber-lifecycle';

/** Largest number of list cursors remembered; the oldest are forgotten first. */
const MAX_CURSORS = 10_000;

export interface ListResult {
  items: Subscriber[];
  /** Opaque cursor for the next page; absent on the last page. */
  nextCursor?: string;
  max: number;
}

type Position = { createdMs: number; seq: number };

/** The cursors handed out: each the position after the last subscriber of its page. */
export class ListCursors {
  private readonly cursors = new Map<string, Position>();

  clear(): void {
    this.cursors.clear();
  }

  get(cursor: string): Position | undefined {
    return this.cursors.get(cursor);
  }

  issue(last: StoredSubscriber): string {
    const cursor = randomUUID().replaceAll('-', '');
    this.cursors.set(cursor, { createdMs: last.createdMs, seq: last.seq });
    while (this.cursors.size > MAX_CURSORS) {
      const oldest = this.cursors.keys().next().value;
      if (oldest === undefined) break;
      this.cursors.delete(oldest);
    }
    return cursor;
  }
}

/**
 * One page of `all` (settled subscribers). `query` holds the query parameters (each at most once); `cursor` is the
 * opaque position handed out in a previous page's Link.
 */
export function listPage(
  all: () => StoredSubscriber[],
  query: Record<string, string>,
  cursors: ListCursors,
  view: (stored: StoredSubscriber) => Subscriber,
): ListResult {
  const parsed = parseOrThrow(ListQuerySchema, query);
  const max = parsed.max === undefined ? RULES.listDefaultMax : Number(parsed.max);
  const cursorValue = query.cursor;
  let position: Position | undefined;
  if (cursorValue !== undefined) {
    position = cursors.get(cursorValue);
    if (!position) {
      throw new ValidationError('The request is invalid.', [
        {
          description: 'cursor is unknown or expired: start again from the first page',
          errorCode: ERROR_CODES.invalidValue,
          fieldName: 'cursor',
        },
      ]);
    }
  }
  const statuses = parsed.status?.split(',');
  const changedAfter = parsed.lastStatusChange === undefined ? undefined : parseEpochOrIso(parsed.lastStatusChange);
  const createdAfter = parsed.after === undefined ? undefined : parseEpochOrIso(parsed.after);
  const email = parsed.email?.toLowerCase();
  const matches = all()
    .filter(
      (s) =>
        (parsed.userId === undefined || s.values.userId === parsed.userId) &&
        (parsed.personId === undefined || s.personId === parsed.personId) &&
        (email === undefined || s.values.email?.toLowerCase() === email) &&
        (parsed.provisioningId === undefined || s.values.provisioningId === parsed.provisioningId) &&
        (parsed.spEnterpriseId === undefined || s.values.spEnterpriseId === parsed.spEnterpriseId) &&
        (statuses === undefined || statuses.includes(s.status)) &&
        (changedAfter === undefined || s.lastStatusChangeMs > changedAfter) &&
        (createdAfter === undefined || s.createdMs > createdAfter) &&
        // Every subscriber of the simulator is provisioned through the API: none is self activated.
        parsed.selfActivated !== 'true' &&
        (position === undefined ||
          s.createdMs > position.createdMs ||
          (s.createdMs === position.createdMs && s.seq > position.seq)),
    )
    .sort((a, b) => a.createdMs - b.createdMs || a.seq - b.seq);
  const page = matches.slice(0, max);
  const last = page[page.length - 1];
  const result: ListResult = { items: page.map(view), max };
  if (matches.length > max && last) result.nextCursor = cursors.issue(last);
  return result;
}
