/**
 * The offline outbox on the real stack (issue 13 item 3): a core whose Kafka is unreachable (its
 * broker address is a closed local port, tests/support/forwarder.ts) keeps injections in its
 * outbox, answered 202 `queued`; they survive a restart of the core, and once the port opens to
 * this checkout's broker they are delivered in order, each event applied once (history rows
 * counted), also when a crash made the outbox send them a second time. Discarding is audited; an
 * invalid event never enters the outbox.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { InjectResult, OutboxView } from '../../contracts';
import type { AppConfig } from '../../runtime/config';
import { dropDatabase, migrate, migrationsDir } from '../../runtime/db';
import { createLogger } from '../../runtime/logger';
import { openCore, type Core } from '../../server/core';
import { JOURNAL_NAME } from '../../server/outbox/store';
import { forkSpawner } from '../../server/supervisor';
import { closedPort, Forwarder } from '../support/forwarder';
import {
  deleteRedisKeys,
  deleteTopics,
  newTestConfig,
  orderCreated,
  orderEvent,
  repoRoot,
  waitFor,
  waitForWorkersCaughtUp,
} from '../support/harness';

describe('offline outbox of injections', () => {
  const outboxDir = mkdtempSync(path.join(tmpdir(), 'sct-outbox-it-'));
  let core: Core | null = null;
  let config: AppConfig;
  let forwarder: Forwarder | null = null;

  afterAll(async () => {
    await core?.stop();
    if (config) {
      await forwarder?.open().catch(() => undefined);
      await deleteTopics(config).catch(() => undefined);
      await deleteRedisKeys(config).catch(() => undefined);
      await dropDatabase(config.databaseUrl).catch(() => undefined);
    }
    await forwarder?.close();
    rmSync(outboxDir, { recursive: true, force: true });
  });

  const open = () =>
    openCore({
      config,
      log: createLogger('outbox-it', 'silent'),
      migrationsDir: migrationsDir(repoRoot),
      workersDir: path.join(repoRoot, 'out', 'workers'),
      spawn: forkSpawner,
      outboxDir,
      outboxBackoff: { baseMs: 200, maxMs: 1_000 },
    });
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${core!.url}${p}`, {
      ...init,
      headers: {
        authorization: `Bearer ${core!.token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
    });
  const outbox = async () => (await (await api('/api/outbox')).json()) as OutboxView;

  it('queues injections while Kafka is unreachable and delivers them once, in order, after a restart', async () => {
    const base = newTestConfig();
    const [brokerHost, brokerPort] = base.kafkaBrokers[0]!.split(':');
    const port = await closedPort();
    forwarder = new Forwarder(port, { host: brokerHost!, port: Number(brokerPort) });
    config = { ...base, kafkaBrokers: [`127.0.0.1:${port}`] };
    // PostgreSQL is up (only Kafka is out): migrated first, so the audit rows of the outage land.
    await migrate(config, migrationsDir(repoRoot));
    core = await open();
    const orderId = `O-outbox-${randomUUID().slice(0, 8)}`;

    // An invalid event is refused (400) and never queued.
    const invalid = await api('/api/events', {
      method: 'POST',
      body: JSON.stringify({ ...orderCreated(orderId), subject: '' }),
    });
    expect(invalid.status).toBe(400);
    expect((await outbox()).pending).toHaveLength(0);

    // Three injections while the broker is unreachable: 202, every event queued.
    const created = orderCreated(orderId);
    const first = await api('/api/events', { method: 'POST', body: JSON.stringify(created) });
    expect(first.status).toBe(202);
    const queued = (await first.json()) as InjectResult;
    expect(queued).toMatchObject({
      id: created.id,
      queued: true,
      offset: '-1',
      topic: `${config.topicPrefix}.orders`,
    });
    const mistake = orderEvent(orderId, 'cancelled', '2024-03-01T13:00:00Z');
    const second = await api('/api/events', { method: 'POST', body: JSON.stringify(mistake) });
    expect(second.status).toBe(202);
    const approved = orderEvent(orderId, 'approved', '2024-03-01T14:00:00Z');
    const third = await api('/api/events/batch', {
      method: 'POST',
      body: JSON.stringify({ events: [approved] }),
    });
    expect(third.status).toBe(202);
    const view = await outbox();
    expect(view).toMatchObject({ enabled: true, queuedEvents: 3, quarantined: 0 });
    expect(view.journal).toBe(path.join(outboxDir, JOURNAL_NAME));
    expect(view.pending.map((e) => e.events[0]!.id)).toEqual([created.id, mistake.id, approved.id]);

    // The cancellation was a mistake: discarded (audited), never sent.
    const mistakeEntry = view.pending[1]!.entryId;
    const discarded = await api(`/api/outbox/${mistakeEntry}`, {
      method: 'DELETE',
      body: JSON.stringify({ reason: 'cancelled the wrong order' }),
    });
    expect(discarded.status).toBe(200);
    expect(await discarded.json()).toEqual({ entryId: mistakeEntry, eventIds: [mistake.id] });
    expect((await api(`/api/outbox/${mistakeEntry}`, { method: 'DELETE' })).status).toBe(404);

    // The app restarts while Kafka is still out: the queue is read back from the journal.
    await core.stop();
    core = await open();
    expect((await outbox()).pending.map((e) => e.events[0]!.id)).toEqual([created.id, approved.id]);
    const journal = path.join(outboxDir, JOURNAL_NAME);
    const beforeDelivery = readFileSync(journal, 'utf8');

    // Kafka becomes reachable: the start completes and the queue drains, oldest first.
    const reachable = Date.now();
    await forwarder.open();
    await waitFor('the outbox drained', async () => (await outbox()).pending.length === 0, 120_000, 300);
    console.log(
      `outbox: 2 queued entries delivered ${Date.now() - reachable} ms after Kafka became reachable`,
    );
    const history = async () =>
      (
        await core!.pool.query<{ event_id: string; n: number }>(
          `SELECT event_id::text, count(*)::int AS n FROM order_events WHERE order_id = $1 GROUP BY event_id`,
          [orderId],
        )
      ).rows;
    await waitFor('both events applied', async () => (await history()).length === 2, 120_000, 300);
    await waitForWorkersCaughtUp({ config, core }, 60_000);
    const { rows: order } = await core.pool.query<{ status: string }>(
      'SELECT status FROM orders WHERE order_id = $1',
      [orderId],
    );
    expect(order[0]!.status).toBe('approved');
    expect((await history()).map((r) => r.n)).toEqual([1, 1]);

    // The audit log names the operator: 3 queued, 1 discarded, 2 delivered (with their Kafka offsets).
    const { rows: audit } = await core.pool.query<{
      action: string;
      outcome: string;
      n: number;
      offsets: string[];
    }>(
      `SELECT action, outcome, count(*)::int AS n, array_agg(kafka_offsets[1]::text) AS offsets
         FROM audit_log WHERE action IN ('events.inject', 'outbox.discard') GROUP BY action, outcome ORDER BY 1, 2`,
    );
    expect(audit.map(({ action, outcome, n }) => ({ action, outcome, n }))).toEqual([
      { action: 'events.inject', outcome: 'ok', n: 2 },
      { action: 'events.inject', outcome: 'queued', n: 3 },
      { action: 'outbox.discard', outcome: 'ok', n: 1 },
    ]);
    expect(audit[0]!.offsets.every((o) => Number(o) >= 0)).toBe(true);
    const { rows: discardRow } = await core.pool.query<{ reason: string; detail: { outboxEntryId: string } }>(
      `SELECT reason, detail FROM audit_log WHERE action = 'outbox.discard'`,
    );
    expect(discardRow[0]).toMatchObject({
      reason: 'cancelled the wrong order',
      detail: { outboxEntryId: mistakeEntry },
    });

    // A crash between publish and "delivered": the journal still lists both entries at the next
    // start, so they are sent again with the same ids, and the workers apply them once.
    await core.stop();
    writeFileSync(journal, beforeDelivery);
    core = await open();
    expect((await outbox()).pending).toHaveLength(2);
    await waitFor(
      'the resent entries delivered',
      async () => (await outbox()).pending.length === 0,
      120_000,
      300,
    );
    await waitForWorkersCaughtUp({ config, core }, 60_000);
    expect((await history()).map((r) => r.n)).toEqual([1, 1]);

    // With the broker up and the queue empty, injections go straight to Kafka again.
    const direct = await api('/api/events', {
      method: 'POST',
      body: JSON.stringify(orderEvent(orderId, 'picked', '2024-03-01T15:00:00Z')),
    });
    expect(direct.status).toBe(202);
    expect(((await direct.json()) as InjectResult).queued).toBeUndefined();
  }, 300_000);
});
