/**
 * The injection audit log (issue "benchmark"): ONE `audit_log` row per accepted request,
 * holding the request's events as index-aligned arrays in input order, with where Kafka stored
 * each one; a failed audit write does not fail the request. Also checks migration
 * 1732960000400_audit-per-request: old per-event rows survive as one-event request rows, and the
 * down migration gives the per-event shape back.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicNames, type InjectResult } from '../../contracts';
import { loadConfig } from '../../runtime/config';
import {
  createDatabaseIfMissing,
  createPool,
  dropDatabase,
  migrationsDir,
  type Pool,
} from '../../runtime/db';
import { orderCreated, repoRoot, startDeployment, type TestDeployment } from '../support/harness';

/** One audit row, arrays as JS arrays (offsets as decimal strings, like {@link InjectResult}). */
interface AuditRow {
  id: number;
  actor: string;
  recorded_at: string;
  event_count: number;
  event_ids: string[];
  event_types: string[];
  subjects: string[];
  drill_ids: (string | null)[];
  kafka_topics: string[];
  kafka_partitions: number[];
  kafka_offsets: string[];
}

const SELECT_AUDIT = `SELECT id, actor, recorded_at, event_count, event_ids::text[] AS event_ids, event_types,
                             subjects, drill_ids, kafka_topics, kafka_partitions,
                             kafka_offsets::text[] AS kafka_offsets
                        FROM audit_log ORDER BY id`;

/** A shipment of its own order (`o-of-<id>`): one traffic per order, as drill isolation requires. */
function shipmentCreated(shipmentId: string) {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'test',
    type: 'sct.shipment.created.v1',
    subject: shipmentId,
    time: '2024-03-02T10:00:00Z',
    data: {
      orderId: `o-of-${shipmentId}`,
      carrier: 'UPS',
      trackingNumber: '1Z',
      origin: 'A',
      destination: 'B',
      promisedDate: '2024-03-06',
    },
  };
}

describe('injection audit: one row per request', () => {
  let d: TestDeployment;

  beforeAll(async () => {
    d = await startDeployment({ workers: false });
  });

  afterAll(async () => {
    await d?.close();
  });

  async function auditRows(): Promise<AuditRow[]> {
    return (await d.core.pool.query<AuditRow>(SELECT_AUDIT)).rows;
  }

  it('writes one row for a 1,000-event batch, arrays in input order with their Kafka placements', async () => {
    const N = 1000;
    // Orders and shipments interleaved (two topics), every third one a drill event.
    const events = Array.from({ length: N }, (_, i) => {
      const e = i % 2 === 0 ? orderCreated(`o-audit-${i}`) : shipmentCreated(`s-audit-${i}`);
      return i % 3 === 0 ? { ...e, drillid: `drill-${i}` } : e;
    });
    const res = await d.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
    expect(res.status).toBe(202);
    const placed = (await res.json()) as InjectResult[];
    expect(placed.map((p) => p.id)).toEqual(events.map((e) => e.id));

    const rows = await auditRows();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.event_count).toBe(N);
    // The machine token's holder is the OS user, audited as such (role owner, method token).
    expect(row.actor).toMatch(/^os:.+/);
    const { rows: who } = await d.core.pool.query(
      'SELECT role, auth_method, action, outcome, status, reason FROM audit_log WHERE id = $1',
      [row.id],
    );
    expect(who).toEqual([
      {
        role: 'owner',
        auth_method: 'token',
        action: 'events.inject',
        outcome: 'ok',
        status: 202,
        reason: null,
      },
    ]);
    expect(Number.isNaN(Date.parse(row.recorded_at))).toBe(false);
    expect(row.event_ids).toEqual(events.map((e) => e.id));
    expect(row.event_types).toEqual(events.map((e) => e.type));
    expect(row.subjects).toEqual(events.map((e) => e.subject));
    expect(row.drill_ids).toEqual(events.map((e) => ('drillid' in e ? e.drillid : null)));
    expect(row.kafka_topics).toEqual(placed.map((p) => p.topic));
    expect(row.kafka_partitions).toEqual(placed.map((p) => p.partition));
    expect(row.kafka_offsets).toEqual(placed.map((p) => p.offset));
    const topics = topicNames(d.config.topicPrefix);
    expect(new Set(row.kafka_topics)).toEqual(new Set([topics.orders, topics.shipments]));

    // Unnesting gives the per-event view back, aligned.
    const { rows: unnested } = await d.core.pool.query<{ event_id: string; kafka_offset: string; n: number }>(
      `SELECT e.event_id::text AS event_id, e.kafka_offset::text AS kafka_offset, e.n::int AS n
         FROM audit_log a,
              unnest(a.event_ids, a.kafka_offsets) WITH ORDINALITY AS e(event_id, kafka_offset, n)
        WHERE a.id = $1 ORDER BY e.n`,
      [row.id],
    );
    expect(unnested.map((u) => [u.event_id, u.kafka_offset])).toEqual(placed.map((p) => [p.id, p.offset]));
  });

  it('writes one row per single-event request', async () => {
    const before = (await auditRows()).length;
    const event = orderCreated(`o-audit-single-${randomUUID().slice(0, 8)}`);
    const res = await d.api('/api/events', { method: 'POST', body: JSON.stringify(event) });
    expect(res.status).toBe(202);
    const placed = (await res.json()) as InjectResult;
    const rows = await auditRows();
    expect(rows).toHaveLength(before + 1);
    const row = rows.at(-1)!;
    expect(row.event_count).toBe(1);
    expect(row.event_ids).toEqual([event.id]);
    expect(row.drill_ids).toEqual([null]);
    expect([row.kafka_topics, row.kafka_partitions, row.kafka_offsets]).toEqual([
      [placed.topic],
      [placed.partition],
      [placed.offset],
    ]);
  });

  it('still accepts the request when the audit write fails (the events are in Kafka)', async () => {
    const before = (await auditRows()).length;
    await d.core.pool.query('ALTER TABLE audit_log RENAME TO audit_log_away');
    try {
      const events = [orderCreated('o-audit-lost-1'), orderCreated('o-audit-lost-2')];
      const res = await d.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
      expect(res.status).toBe(202);
      expect(((await res.json()) as InjectResult[]).map((p) => p.id)).toEqual(events.map((e) => e.id));
    } finally {
      await d.core.pool.query('ALTER TABLE audit_log_away RENAME TO audit_log');
    }
    expect(await auditRows()).toHaveLength(before);
  });
});

describe('migration 1732960000400_audit-per-request', () => {
  const url = new URL(loadConfig().databaseUrl);
  url.pathname = `/sct_test_audit_${randomBytes(4).toString('hex')}`;
  const databaseUrl = url.toString();
  let pool: Pool;

  const MIGRATION = '1732960000400_audit-per-request';

  /**
   * `before`: applies every migration older than this one (the per-event table); `up`/`down`:
   * applies/reverts this one alone.
   */
  async function migrateTo(step: 'before' | 'up' | 'down'): Promise<void> {
    const { runner } = await import('node-pg-migrate');
    await runner({
      databaseUrl,
      dir: migrationsDir(repoRoot),
      direction: step === 'down' ? 'down' : 'up',
      migrationsTable: 'pgmigrations',
      ...(step === 'before'
        ? { timestamp: true, count: Number(MIGRATION.split('_')[0]) - 1 }
        : { file: MIGRATION }),
      log: () => undefined,
    });
  }

  beforeAll(async () => {
    await createDatabaseIfMissing(databaseUrl);
    pool = createPool({ databaseUrl }, 2);
    await migrateTo('before');
  });

  afterAll(async () => {
    await pool?.end();
    await dropDatabase(databaseUrl);
  });

  const old = [
    ['00000000-0000-4000-8000-000000000001', 'sct.order.created.v1', 'o-1', null, 'alice', 't.orders', 0, 5],
    ['00000000-0000-4000-8000-000000000002', 'sct.order.created.v1', 'o-2', 'd-1', 'alice', 't.orders', 1, 7],
    [
      '00000000-0000-4000-8000-000000000003',
      'sct.shipment.created.v1',
      's-1',
      null,
      'bob',
      't.shipments',
      2,
      9,
    ],
  ] as const;

  it('turns every per-event row into a one-event request row, then back', async () => {
    for (const r of old) {
      await pool.query(
        `INSERT INTO injection_audit
           (event_id, event_type, subject, drill_id, actor, kafka_topic, kafka_partition, kafka_offset, injected_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '2024-03-01T12:00:00Z')`,
        [...r],
      );
    }

    await migrateTo('up');
    const converted = (
      await pool.query<AuditRow & { injected_at: string }>(
        SELECT_AUDIT.replace('recorded_at', 'injected_at').replace('audit_log', 'injection_audit'),
      )
    ).rows;
    expect(converted).toEqual(
      old.map(([eventId, type, subject, drill, actor, topic, partition, offset], i) => ({
        id: i + 1,
        actor,
        injected_at: '2024-03-01T12:00:00.000Z',
        event_count: 1,
        event_ids: [eventId],
        event_types: [type],
        subjects: [subject],
        drill_ids: [drill],
        kafka_topics: [topic],
        kafka_partitions: [partition],
        kafka_offsets: [String(offset)],
      })),
    );
    // New requests get ids after the converted ones; misaligned arrays are refused.
    const { rows } = await pool.query<{ id: number; event_count: number }>(
      `INSERT INTO injection_audit
         (actor, event_ids, event_types, subjects, drill_ids, kafka_topics, kafka_partitions, kafka_offsets)
       VALUES ('carol', $1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::bigint[])
       RETURNING id, event_count`,
      [
        ['00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000005'],
        ['sct.order.created.v1', 'sct.order.approved.v1'],
        ['o-4', 'o-4'],
        [null, 'd-2'],
        ['t.orders', 't.orders'],
        [3, 3],
        ['10', '11'],
      ],
    );
    expect(rows).toEqual([{ id: 4, event_count: 2 }]);
    await expect(
      pool.query(
        `INSERT INTO injection_audit
           (actor, event_ids, event_types, subjects, drill_ids, kafka_topics, kafka_partitions, kafka_offsets)
         VALUES ('x', ARRAY['00000000-0000-4000-8000-000000000006']::uuid[], '{}', '{}', '{}', '{}', '{}', '{}')`,
      ),
    ).rejects.toThrow(/injection_audit_arrays_aligned/);

    await migrateTo('down');
    const { rows: restored } = await pool.query(
      `SELECT id::int AS id, event_id::text AS event_id, event_type, subject, drill_id, actor, kafka_topic,
              kafka_partition, kafka_offset::text AS kafka_offset
         FROM injection_audit ORDER BY id`,
    );
    expect(restored).toEqual([
      ...old.map(([eventId, type, subject, drill, actor, topic, partition, offset], i) => ({
        id: i + 1,
        event_id: eventId,
        event_type: type,
        subject,
        drill_id: drill,
        actor,
        kafka_topic: topic,
        kafka_partition: partition,
        kafka_offset: String(offset),
      })),
      {
        id: 4,
        event_id: '00000000-0000-4000-8000-000000000004',
        event_type: 'sct.order.created.v1',
        subject: 'o-4',
        drill_id: null,
        actor: 'carol',
        kafka_topic: 't.orders',
        kafka_partition: 3,
        kafka_offset: '10',
      },
      {
        id: 5,
        event_id: '00000000-0000-4000-8000-000000000005',
        event_type: 'sct.order.approved.v1',
        subject: 'o-4',
        drill_id: 'd-2',
        actor: 'carol',
        kafka_topic: 't.orders',
        kafka_partition: 3,
        kafka_offset: '11',
      },
    ]);

    // And up again: the migration is re-runnable after a rollback.
    await migrateTo('up');
    const { rows: again } = await pool.query<{ n: number; events: number }>(
      'SELECT count(*)::int AS n, sum(event_count)::int AS events FROM injection_audit',
    );
    expect(again).toEqual([{ n: 5, events: 5 }]);
  });
});
