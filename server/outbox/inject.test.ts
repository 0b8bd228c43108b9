/**
 * The injection path with the offline outbox (server/api/commands.ts): what is queued, what is
 * refused, and that nothing overtakes queued injections. PostgreSQL is "down" here (a pool that
 * throws): the checks that need it are skipped and the audit write is logged, as in an outage.
 */
import fs, { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MAX_EVENT_TIME_AHEAD_MS,
  topicNames,
  type InjectResult,
  type Principal,
  type SupplyChainEvent,
} from '../../contracts';
import type { Pool } from '../../runtime/db';
import { createLogger } from '../../runtime/logger';
import { ServiceUnavailableError } from '../../runtime/service-errors';
import {
  DrillEndedError,
  IdempotencyConflictError,
  injectEvents,
  ValidationFailedError,
  type CommandDeps,
} from '../api/commands';
import { discardQueued } from '../api/outbox';
import { Outbox } from './outbox';
import { OutboxWriteError, type OutboxFs } from './store';
import { created } from './testing';

const log = createLogger('outbox-test', 'silent');
const ana: Principal = {
  operator: 'ana',
  displayName: 'Ana',
  role: 'supervisor',
  method: 'session',
  expiresAt: null,
};
const dirs: string[] = [];
const outboxes: Outbox[] = [];

afterEach(async () => {
  for (const o of outboxes.splice(0)) await o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * @param opts.endedRuns drill runs that ended, as `drill_runs` rows (PostgreSQL answers that
 *   query alone; the rest of it is down)
 */
function setup(
  opts: {
    fs?: OutboxFs;
    endedRuns?: { drill_id: string; id: string; state: string; ended_at: string }[];
  } = {},
) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sct-inject-'));
  dirs.push(dir);
  let up = false;
  const sent: SupplyChainEvent[][] = [];
  const publish = vi.fn(async (events: readonly SupplyChainEvent[]): Promise<InjectResult[]> => {
    if (!up) throw new ServiceUnavailableError('kafka', '127.0.0.1:1', 'connect ECONNREFUSED');
    sent.push([...events]);
    return events.map((e, i) => ({ id: e.id, topic: 't', partition: 0, offset: String(i) }));
  });
  const outbox = Outbox.open({
    dir,
    log,
    ...(opts.fs ? { fs: opts.fs } : {}),
    publish,
    onDelivered: async () => undefined,
    topics: () => topicNames('sct'),
    backoff: { baseMs: 60_000, maxMs: 60_000 },
  });
  outboxes.push(outbox);
  const audits: unknown[][] = [];
  const pool = {
    query: async (sql: string, params?: unknown[]) => {
      if (opts.endedRuns && sql.includes('FROM drill_runs')) {
        const ids = (params?.[0] ?? []) as string[];
        return { rows: opts.endedRuns.filter((r) => ids.includes(r.drill_id)) };
      }
      audits.push(params ?? []);
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    },
  } as unknown as Pool;
  const deps: CommandDeps = {
    pool,
    log,
    outbox,
    publisher: { publish, publishToEveryPartition: async () => [] },
  };
  return { deps, outbox, publish, sent, audits, setUp: (v: boolean) => void (up = v) };
}

describe('injection with the offline outbox', () => {
  it('queues a checked batch as one entry while Kafka is unreachable, answered queued with its future topic', async () => {
    const { deps, outbox, audits } = setup();
    const events = [created('o-1'), created('o-2')];
    const results = await injectEvents(deps, ana, events);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ id: events[0]!.id, topic: 'sct.orders', offset: '-1', queued: true });
    expect(results[0]!.outboxEntryId).toBe(outbox.view().pending[0]!.entryId);
    expect(outbox.view()).toMatchObject({ queuedEvents: 2, pending: [{ eventCount: 2, operator: 'ana' }] });
    // The audit row was attempted with outcome `queued` (PostgreSQL is down here: logged, not thrown).
    expect(audits.at(-1)).toEqual(expect.arrayContaining(['ana', 'events.inject', 'queued', 202]));
  });

  it("never queues an event under an ended drill run's drill id; an ad-hoc drill id is queued", async () => {
    const endedAt = '2026-12-04T10:00:00.000Z';
    const { deps, outbox } = setup({
      endedRuns: [{ drill_id: 'lost-parcel-0a1b2c3d', id: 'run-1', state: 'completed', ended_at: endedAt }],
    });
    const refused = injectEvents(deps, ana, [
      created('o-1', 'ad-hoc-1'),
      created('DRL-x-O9', 'lost-parcel-0a1b2c3d'),
    ]);
    await expect(refused).rejects.toBeInstanceOf(DrillEndedError);
    await expect(refused).rejects.toMatchObject({
      field: 'drillid',
      code: 'drill_ended',
      index: 1,
      message: `event 1: drill lost-parcel-0a1b2c3d: run run-1 ended at ${endedAt} (completed); start a new drill or inject under a new drill id`,
    });
    expect(outbox.view().pending).toHaveLength(0);
    const [queued] = await injectEvents(deps, ana, [created('o-1', 'ad-hoc-1')]);
    expect(queued!.queued).toBe(true);
  });

  it('never queues an invalid event', async () => {
    const { deps, outbox } = setup();
    await expect(injectEvents(deps, ana, [{ ...created('o-1'), subject: '' }])).rejects.toBeInstanceOf(
      ValidationFailedError,
    );
    expect(outbox.view().pending).toHaveLength(0);
  });

  it('queues behind pending entries even when the broker is back, so nothing overtakes them', async () => {
    const { deps, outbox, publish, setUp } = setup();
    await injectEvents(deps, ana, [created('o-1')]);
    await outbox.drainer.idle();
    setUp(true);
    publish.mockClear();
    // The drainer's retry waits 60 s here: the new injection must not go first.
    const [r] = await injectEvents(deps, ana, [created('o-2')]);
    expect(r!.queued).toBe(true);
    await outbox.drainer.idle();
    // The injection kicked a round: both went out, oldest first.
    expect(publish.mock.calls.map((c) => c[0][0]!.subject)).toEqual(['o-1', 'o-2']);
    expect(outbox.view().pending).toHaveLength(0);
    const [direct] = await injectEvents(deps, ana, [created('o-3')]);
    expect(direct!.queued).toBeUndefined();
  });

  it('answers a retry of a queued event with its queued result, and refuses its id for another event (409)', async () => {
    const { deps, outbox } = setup();
    const event = created('o-1');
    const [first] = await injectEvents(deps, ana, [event]);
    const [again] = await injectEvents(deps, ana, [event]);
    expect(again).toEqual(first);
    expect(outbox.view().pending).toHaveLength(1);
    await expect(injectEvents(deps, ana, [{ ...created('o-2'), id: event.id }])).rejects.toBeInstanceOf(
      IdempotencyConflictError,
    );
  });

  it('refuses a queued id sent again with other data (409, as with Kafka up), keeping the queued data', async () => {
    const { deps, outbox } = setup();
    const event = created('o-1');
    await injectEvents(deps, ana, [event]);
    const changed = { ...event, data: { ...event.data, customerId: 'c-2' } };
    await expect(injectEvents(deps, ana, [changed])).rejects.toThrow(/with other data.*offline outbox/);
    // Key order is not data: the same data with its keys in another order is a retry.
    const reordered = { ...event, data: Object.fromEntries(Object.entries(event.data).reverse()) };
    await expect(injectEvents(deps, ana, [reordered as typeof event])).resolves.toHaveLength(1);
    expect(outbox.view().pending).toHaveLength(1);
  });

  it('refuses an event time more than the bound ahead of the clock, naming time; a day-old or slightly ahead one passes', async () => {
    const { deps } = setup();
    const now = Date.parse('2024-03-01T12:00:00Z');
    deps.now = () => now;
    const at = (ms: number) => ({ ...created('o-t'), time: new Date(ms).toISOString() });
    for (const time of [
      '9999-12-30T00:00:00Z',
      new Date(now + MAX_EVENT_TIME_AHEAD_MS + 1000).toISOString(),
    ]) {
      const err = await injectEvents(deps, ana, [created('o-1'), { ...created('o-t'), time }]).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ValidationFailedError);
      expect((err as ValidationFailedError).issues).toEqual([
        expect.objectContaining({ field: 'time', rule: 'not_in_future' }),
      ]);
      expect((err as ValidationFailedError).index).toBe(1);
    }
    // Historic data (imports) and a site clock a little ahead still pass.
    await expect(injectEvents(deps, ana, [at(Date.parse('2017-01-05T10:00:00Z'))])).resolves.toHaveLength(1);
    await expect(injectEvents(deps, ana, [at(now + MAX_EVENT_TIME_AHEAD_MS - 1000)])).resolves.toHaveLength(
      1,
    );
  });

  it('refuses an injection when the outbox cannot be written (full disk): nothing queued, nothing published', async () => {
    let full = false;
    const failing: OutboxFs = {
      ...fs,
      writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
        if (full) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return (fs.writeSync as (...a: unknown[]) => number)(...args);
      }) as OutboxFs['writeSync'],
    };
    const { deps, outbox, sent } = setup({ fs: failing });
    full = true;
    await expect(injectEvents(deps, ana, [created('o-1')])).rejects.toBeInstanceOf(OutboxWriteError);
    expect(outbox.view().pending).toHaveLength(0);
    expect(sent).toHaveLength(0);
  });

  it('lets only a role that may send an entry discard it', async () => {
    const { deps, outbox } = setup();
    await injectEvents(deps, ana, [created('o-1')]);
    const { entryId } = outbox.view().pending[0]!;
    const lead: Principal = { ...ana, operator: 'dl', role: 'drill_lead' };
    await expect(discardQueued(deps, lead, entryId, null)).rejects.toThrow(/may not discard/);
    const dropped = await discardQueued(deps, ana, entryId, 'wrong order');
    expect(dropped.entryId).toBe(entryId);
    expect(outbox.view().pending).toHaveLength(0);
    await expect(discardQueued(deps, ana, entryId, null)).rejects.toThrow(/no queued injection/);
  });
});
