/**
 * The `/api/outbox` routes' handlers (contracts/outbox.ts): what the offline outbox holds, and
 * discarding one queued injection before it is sent.
 */
import { ROLE_LABELS, roleCan, type OutboxDiscarded, type OutboxView, type Principal } from '../../contracts';
import type { Outbox } from '../outbox/outbox';
import { OutboxEntryNotFoundError } from '../outbox/outbox';
import { recordAudit } from './audit-log';
import { ForbiddenError, type CommandDeps } from './commands';

/** The outbox as `GET /api/outbox` answers it (disabled: nothing queued, no journal). */
export function outboxView(outbox: Outbox | null | undefined): OutboxView {
  return (
    outbox?.view() ?? {
      enabled: false,
      journal: null,
      pending: [],
      queuedEvents: 0,
      quarantined: 0,
      delivering: false,
    }
  );
}

/**
 * Discards a queued injection and audits it (`outbox.discard`, naming the operator, the entry,
 * who queued it and its event ids). Dropping needs what sending needed: `inject` when the entry
 * holds live traffic, `inject_drill` when it is drill traffic only.
 * @throws OutboxEntryNotFoundError (404), ForbiddenError (403), OutboxEntryBusyError (409),
 *   OutboxWriteError (507: the entry stays queued)
 */
export async function discardQueued(
  deps: CommandDeps,
  principal: Principal,
  entryId: string,
  reason: string | null,
): Promise<OutboxDiscarded> {
  const outbox = deps.outbox;
  if (!outbox) throw new OutboxEntryNotFoundError(entryId);
  const entry = outbox.discard(entryId, principal.operator, reason, (e) => {
    const live = e.events.some((x) => !x.drillid);
    const needs = live ? 'inject' : 'inject_drill';
    if (roleCan(principal.role, needs)) return;
    throw new ForbiddenError(
      `${ROLE_LABELS[principal.role]} ${principal.operator} may not discard a queued injection of ${live ? 'live (non-drill) events' : 'drill events'}`,
    );
  });
  const eventIds = entry.events.map((e) => e.id);
  await recordAudit(deps.pool, deps.log, {
    principal,
    action: 'outbox.discard',
    outcome: 'ok',
    status: 200,
    reason,
    detail: {
      outboxEntryId: entry.entryId,
      queuedBy: entry.principal.operator,
      queuedAt: entry.queuedAt,
      itemCount: eventIds.length,
    },
    events: { events: entry.events, placed: outbox.queuedResults(entry) },
  });
  deps.log.info(
    { entryId, operator: principal.operator, eventIds: eventIds.slice(0, 20), reason },
    'outbox: queued injection discarded',
  );
  return { entryId: entry.entryId, eventIds };
}
