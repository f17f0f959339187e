/**
 * The simulator's control API under `/_simulator/` (for tests and demos): health, seeded templates and existing users,
 * credentials, faults, reset, statistics, configuration, the clock (read and advance) and what a pending subscriber's
 * person does.
 */
import * as z from 'zod';
import { parseOrThrow } from '../../functions/domain/contract/validation';
import { ConflictError, NotFoundError } from '../../functions/domain/errors';
import type { Clock } from '../../functions/domain/ports/clock';
import type { FaultInjector } from './faults';
import { type Exchange, methodNotAllowed, parseJsonBody, sendJson, sendNoContent } from './http';
import { EXISTING_WEBEX_DOMAINS, EXISTING_WEBEX_EMAILS, SEEDED_TEMPLATES } from './seed';
import type { SubscriberStore } from './subscribers';
import type { SimulatorConfig, SimulatorCredentials, SimulatorStats } from './types';

/** What the control API reads and changes in the simulator. */
export interface SimulatorControls {
  readonly clock: Clock;
  readonly faults: FaultInjector;
  readonly store: SubscriberStore;
  credentials(): SimulatorCredentials;
  config(): SimulatorConfig;
  configure(patch: Partial<SimulatorConfig>): void;
  reset(): void;
  stats(): SimulatorStats;
}

const ClockAdvanceSchema = z.strictObject(
  {
    ms: z
      .number({ error: 'must be a number of milliseconds' })
      .int({ error: 'must be a whole number of milliseconds' })
      .min(0, { error: 'must be at least 0' })
      .max(10 * 365 * 24 * 3600 * 1000, { error: 'must be at most ten years' }),
  },
  { error: 'must be a JSON object with ms' },
);

/** Answers one request under `/_simulator`; throws the domain error to answer with. */
export async function answerControl(exchange: Exchange, simulator: SimulatorControls): Promise<void> {
  const { req, res, url, body } = exchange;
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const allow = (allowed: string[]) => {
    throw methodNotAllowed(method, allowed);
  };

  if (path === '/_simulator/health') {
    if (method !== 'GET') return allow(['GET']);
    return sendJson(res, 200, { status: 'ok' });
  }
  if (path === '/_simulator/templates') {
    if (method !== 'GET') return allow(['GET']);
    return sendJson(res, 200, { items: SEEDED_TEMPLATES.map((t) => ({ ...t })) });
  }
  if (path === '/_simulator/existing-users') {
    if (method !== 'GET') return allow(['GET']);
    return sendJson(res, 200, { domains: [...EXISTING_WEBEX_DOMAINS], emails: [...EXISTING_WEBEX_EMAILS] });
  }
  if (path === '/_simulator/credentials') {
    if (method !== 'GET') return allow(['GET']);
    return sendJson(res, 200, simulator.credentials(), { 'Cache-Control': 'no-store' });
  }
  if (path === '/_simulator/faults') {
    if (method === 'GET') return sendJson(res, 200, simulator.faults.current());
    if (method === 'PUT') return sendJson(res, 200, simulator.faults.set(parseJsonBody(req, body)));
    if (method === 'DELETE') {
      simulator.faults.clear();
      return sendNoContent(res);
    }
    return allow(['GET', 'PUT', 'DELETE']);
  }
  if (path === '/_simulator/reset') {
    if (method !== 'POST') return allow(['POST']);
    simulator.reset();
    return sendNoContent(res);
  }
  if (path === '/_simulator/stats') {
    if (method !== 'GET') return allow(['GET']);
    return sendJson(res, 200, simulator.stats());
  }
  if (path === '/_simulator/config') {
    if (method === 'GET') return sendJson(res, 200, simulator.config());
    if (method === 'PUT') {
      simulator.configure(parseJsonBody(req, body) as Partial<SimulatorConfig>);
      return sendJson(res, 200, simulator.config());
    }
    return allow(['GET', 'PUT']);
  }
  const clock = simulator.clock;
  if (path === '/_simulator/clock') {
    if (method !== 'GET') return allow(['GET']);
    return sendJson(res, 200, {
      now: new Date(clock.now()).toISOString(),
      controllable: isControllableClock(clock),
    });
  }
  if (path === '/_simulator/clock/advance') {
    if (method !== 'POST') return allow(['POST']);
    const { ms } = parseOrThrow(ClockAdvanceSchema, parseJsonBody(req, body));
    if (!isControllableClock(clock)) {
      throw new ConflictError('The clock cannot be advanced.', [
        { description: 'The simulator runs on the system clock; start it with a manual clock to advance time.' },
      ]);
    }
    clock.advance(ms);
    return sendJson(res, 200, { now: new Date(clock.now()).toISOString() });
  }
  const action = /^\/_simulator\/subscribers\/([^/]+)\/actions$/.exec(path);
  if (action?.[1]) {
    if (method !== 'POST') return allow(['POST']);
    let id: string;
    try {
      id = decodeURIComponent(action[1]);
    } catch {
      throw new NotFoundError('The requested resource could not be found.');
    }
    return sendJson(res, 200, simulator.store.personAction(id, parseJsonBody(req, body)));
  }
  throw new NotFoundError('The requested resource could not be found.', [
    { description: 'Unknown control endpoint; see local/webex-simulator/README.md.' },
  ]);
}

/** Is `clock` controllable (a test's manual clock, or anything else with `advance(ms)`)? */
export function isControllableClock(clock: Clock): clock is Clock & { advance(ms: number): void } {
  return typeof (clock as { advance?: unknown }).advance === 'function';
}
