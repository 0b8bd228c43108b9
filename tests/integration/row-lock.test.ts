/**
 * A long-held row lock on the real local stack. An operator's `SELECT ... FOR UPDATE` on one
 * shipment row (held in its own connection for longer than the consumer group's 10 s session
 * timeout) blocks the shipment-tracker's batch for that shipment. Expected: the batch's lock wait
 * is bounded (`lock_timeout`, shortened here through `SCT_DB_LOCK_TIMEOUT_MS`; the mechanism is the
 * production one), the batch is retried with backoff while its partition is paused, the worker
 * stays in its group (same member, group Stable throughout), the other partitions keep flowing,
 * `/api/health` shows the partition stalled with the lock wait as its reason, and once the lock is
 * released the blocked event is applied exactly once. Prints the figures.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackHealth } from '../../contracts';
import { createKafka, partitionForKey } from '../../runtime/kafka';
import { startDeployment, waitFor, type TestDeployment } from '../support/harness';

/** Shortened bounds for the test (production defaults: see `batchTimeoutsFromEnv` in runtime/db.ts). */
const LOCK_TIMEOUT_MS = 1_000;
const STATEMENT_TIMEOUT_MS = 5_000;
/** How long the row lock is held: longer than the group's 10 s session timeout. */
const HOLD_MS = 16_000;
const WAVE = 40;
/** Sent right after the blocked checkpoint: they meet the batch's first, inline lock wait. */
const FIRST_WAVE = 20;

let d: TestDeployment;
const saved = {
  lock: process.env.SCT_DB_LOCK_TIMEOUT_MS,
  statement: process.env.SCT_DB_STATEMENT_TIMEOUT_MS,
};

beforeAll(async () => {
  // The supervisor hands its environment to the workers it forks.
  process.env.SCT_DB_LOCK_TIMEOUT_MS = String(LOCK_TIMEOUT_MS);
  process.env.SCT_DB_STATEMENT_TIMEOUT_MS = String(STATEMENT_TIMEOUT_MS);
  d = await startDeployment();
});

afterAll(async () => {
  await d?.close();
  for (const [key, value] of [
    ['SCT_DB_LOCK_TIMEOUT_MS', saved.lock],
    ['SCT_DB_STATEMENT_TIMEOUT_MS', saved.statement],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function shipmentCreated(id: string) {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'test',
    type: 'sct.shipment.created.v1',
    subject: id,
    time: '2024-03-02T10:00:00Z',
    data: {
      orderId: `o-${id}`,
      carrier: 'UPS',
      trackingNumber: '1Z',
      origin: 'A',
      destination: 'B',
      promisedDate: '2024-03-06',
    },
  };
}

async function sendBatch(events: unknown[]): Promise<number> {
  const res = await d.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
  expect(res.status).toBe(202);
  return Date.now();
}

describe('row lock held longer than the session timeout', () => {
  it('keeps the worker in its group, the other partitions flowing, shows the stall, applies the blocked event once', async () => {
    const topic = `${d.config.topicPrefix}.shipments`;
    const group = `${d.config.topicPrefix}.shipment-tracker`;
    const locked = `s-lock-${randomUUID().slice(0, 8)}`;
    const lockedPartition = partitionForKey(topic, locked);

    // Warm up: the locked shipment plus one shipment on every other partition, all applied.
    const others: string[] = [];
    const perPartition = new Map<number, number>();
    while (others.length < FIRST_WAVE + 2 * WAVE + 5) {
      const id = `s-${randomUUID().slice(0, 8)}`;
      const p = partitionForKey(topic, id);
      if (p === lockedPartition) continue;
      others.push(id);
      perPartition.set(p, (perPartition.get(p) ?? 0) + 1);
    }
    expect(perPartition.size).toBe(5);
    const warm = others.splice(0, 5);
    await sendBatch([shipmentCreated(locked), ...warm.map(shipmentCreated)]);
    await waitFor('warm-up applied', async () => {
      const { rows } = await d.core.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM shipments WHERE shipment_id = ANY($1::text[])',
        [[locked, ...warm]],
      );
      return rows[0]!.n === warm.length + 1;
    });

    const admin = createKafka(d.config, 'test-row-lock').admin();
    await admin.connect();
    const describe = async () => (await admin.describeGroups([group])).groups[0]!;
    const before = await waitFor('group stable with one member', async () => {
      const g = await describe();
      return g.state === 'Stable' && g.members.length === 1 ? g : null;
    });
    const memberId = before.members[0]!.memberId;

    const locker = new pg.Client({ connectionString: d.config.databaseUrl });
    await locker.connect();
    const samples: { at: number; state: string; members: string[] }[] = [];
    const seen = new Map<string, number>();
    const sentAt = new Map<string, number>();
    let sampling = true;
    let released = false;
    let stalled: { stalledSince?: string; stallReason?: string } | null = null;
    const checkpoint = {
      specversion: '1.0',
      id: randomUUID(),
      source: 'test',
      type: 'sct.shipment.checkpoint.v1',
      subject: locked,
      time: '2024-03-03T10:00:00Z',
      data: { status: 'in_transit', location: 'Hub' },
    };
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT * FROM shipments WHERE shipment_id = $1 FOR UPDATE', [locked]);
      const lockedAt = Date.now();

      // Group membership, visibility of the other shipments, and the health report, sampled.
      const groupSampler = (async () => {
        while (sampling) {
          const g = await describe().catch(() => null);
          if (g) samples.push({ at: Date.now(), state: g.state, members: g.members.map((m) => m.memberId) });
          await sleep(500);
        }
      })();
      const visibility = (async () => {
        while (sampling) {
          const pending = [...sentAt.keys()].filter((id) => !seen.has(id));
          if (pending.length > 0) {
            const { rows } = await d.core.pool.query<{ shipment_id: string }>(
              'SELECT shipment_id FROM shipments WHERE shipment_id = ANY($1::text[])',
              [pending],
            );
            const now = Date.now();
            for (const r of rows) seen.set(r.shipment_id, now);
          }
          await sleep(100);
        }
      })();
      const healthWatch = (async () => {
        while (sampling && !stalled) {
          const res = await d.api('/api/health').catch(() => null);
          if (res?.status === 200) {
            const h = (await res.json()) as StackHealth;
            const p = h.workers
              .find((w) => w.name === 'shipment-tracker')
              ?.partitions?.find((x) => x.topic === topic && x.partition === lockedPartition);
            if (p?.stalledSince && p.stallReason) stalled = p;
          }
          await sleep(500);
        }
      })();

      await sendBatch([checkpoint]);
      await sleep(200);
      const wave0 = others.slice(2 * WAVE, 2 * WAVE + FIRST_WAVE);
      const t0 = await sendBatch(wave0.map(shipmentCreated));
      for (const id of wave0) sentAt.set(id, t0);
      await sleep(1_500);
      const wave1 = others.slice(0, WAVE);
      const t1 = await sendBatch(wave1.map(shipmentCreated));
      for (const id of wave1) sentAt.set(id, t1);
      // The second wave goes out after the session timeout would have evicted a silent member.
      await sleep(Math.max(0, lockedAt + 12_000 - Date.now()));
      const wave2 = others.slice(WAVE, 2 * WAVE);
      const t2 = await sendBatch(wave2.map(shipmentCreated));
      for (const id of wave2) sentAt.set(id, t2);

      // Everything not blocked must be applied while the lock is still held.
      while (Date.now() < lockedAt + HOLD_MS && seen.size < sentAt.size) await sleep(200);
      const visibleWhileLocked = seen.size;
      const { rows: blocked } = await d.core.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM shipment_checkpoints WHERE event_id = $1',
        [checkpoint.id],
      );
      await sleep(Math.max(0, lockedAt + HOLD_MS - Date.now()));

      await locker.query('ROLLBACK');
      released = true;
      const releasedAt = Date.now();
      await waitFor(
        'blocked checkpoint applied after release',
        async () => {
          const { rows } = await d.core.pool.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM shipment_checkpoints WHERE event_id = $1',
            [checkpoint.id],
          );
          return rows[0]!.n > 0;
        },
        30_000,
        100,
      );
      const appliedAfterMs = Date.now() - releasedAt;
      await waitFor('every other event applied', async () => seen.size === sentAt.size, 10_000).catch(
        () => undefined,
      );
      sampling = false;
      await Promise.all([groupSampler, visibility, healthWatch]);

      // Exactly once, and the status moved.
      await sleep(2_000);
      const { rows: once } = await d.core.pool.query<{ n: number; status: string }>(
        `SELECT (SELECT count(*)::int FROM shipment_checkpoints WHERE event_id = $1) AS n,
                (SELECT status FROM shipments WHERE shipment_id = $2) AS status`,
        [checkpoint.id, locked],
      );
      const delays = [...sentAt].map(([id, at]) => (seen.get(id) ?? Infinity) - at);
      const maxDelay = Math.max(...delays);
      const members = new Set(samples.flatMap((s) => s.members));
      const states = new Set(samples.map((s) => s.state));
      console.log(
        `row-lock: lock held ${HOLD_MS} ms (lock_timeout ${LOCK_TIMEOUT_MS} ms, session timeout 10000 ms); ` +
          `other partitions: ${visibleWhileLocked}/${sentAt.size} events applied while locked, max delay ${maxDelay} ms; ` +
          `blocked event applied ${appliedAfterMs} ms after release (history rows ${once[0]!.n}); ` +
          `events lost ${sentAt.size - seen.size}; group states ${[...states].join(',')}, members seen ${members.size}; ` +
          `stall shown: ${stalled ? `${(stalled as { stallReason: string }).stallReason}` : 'no'}`,
      );

      expect(blocked[0]!.n).toBe(0); // it really was blocked while the lock was held
      expect(visibleWhileLocked).toBe(sentAt.size);
      expect(maxDelay).toBeLessThan(8_000);
      expect([...states]).toEqual(['Stable']);
      expect([...members]).toEqual([memberId]);
      expect(samples.length).toBeGreaterThan(HOLD_MS / 1_000);
      expect(stalled).not.toBeNull();
      expect((stalled as unknown as { stallReason: string }).stallReason).toMatch(/lock/i);
      expect(once[0]!.n).toBe(1);
      expect(once[0]!.status).toBe('in_transit');
      expect(d.core.supervisor!.health().find((w) => w.name === 'shipment-tracker')?.restarts).toBe(0);

      // Once applied, the partition is no longer reported stalled.
      await waitFor('stall cleared', async () => {
        const h = (await (await d.api('/api/health')).json()) as StackHealth;
        const p = h.workers
          .find((w) => w.name === 'shipment-tracker')
          ?.partitions?.find((x) => x.topic === topic && x.partition === lockedPartition);
        return p && !p.stalledSince && p.lagEvents === 0;
      });
    } finally {
      sampling = false;
      if (!released) await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end().catch(() => undefined);
      await admin.disconnect();
    }
  });
});
