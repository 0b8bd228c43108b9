/**
 * Drill scenarios on the real stack (Kafka, PostgreSQL, Redis, the three built workers): every
 * scenario of the library runs at a small size and its checks pass; real KPIs (drills excluded)
 * are unchanged; pause, resume and stop; every action audited; and a main process killed with
 * SIGKILL mid-run leaves an interrupted run that resumes with every event applied once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillRun, KpiSummary, ScenarioList } from '../../contracts';
import { configToEnv } from '../../runtime/config';
import {
  newTestConfig,
  orderCreated,
  orderEvent,
  repoRoot,
  sendBatchUntilAccepted,
  startDeployment,
  waitFor,
  waitForWorkersCaughtUp,
  type TestDeployment,
} from '../support/harness';

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function realKpis(d: TestDeployment) {
  const s = await json<KpiSummary>(
    await d.api('/api/kpi/summary?includeDrills=false&from=2000-01-01&to=2100-01-01'),
  );
  const { createdOrders, deliveredOrders, onTimeOrders, lateOrders, otifOrders, backlog, openExceptions } = s;
  return { createdOrders, deliveredOrders, onTimeOrders, lateOrders, otifOrders, backlog, openExceptions };
}

async function startRun(d: TestDeployment, body: unknown): Promise<DrillRun> {
  const res = await d.api('/api/drills/runs', { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(202);
  return json<DrillRun>(res);
}

async function runOf(d: TestDeployment, id: string): Promise<DrillRun> {
  return json<DrillRun>(await d.api(`/api/drills/runs/${id}`));
}

/** Waits until the run has ended and its checks are evaluated. */
async function checked(d: TestDeployment, id: string, timeoutMs = 120_000): Promise<DrillRun> {
  return waitFor(
    `drill run ${id} checked`,
    async () => {
      const run = await runOf(d, id);
      return run.checks ? run : null;
    },
    timeoutMs,
    300,
  );
}

describe('drill scenarios on the real stack', () => {
  let d: TestDeployment;

  beforeAll(async () => {
    d = await startDeployment({ drillSettleTimeoutMs: 60_000 });
    // Real traffic first: two orders, one delivered late, so real KPIs are not all zero.
    await sendBatchUntilAccepted(d, [
      orderCreated('real-1', { promisedDate: '2024-03-02' }),
      orderEvent('real-1', 'delivered', '2024-03-05T12:00:00Z'),
      orderCreated('real-2'),
    ]);
    await waitForWorkersCaughtUp(d, 60_000);
  });
  afterAll(async () => {
    await d?.close();
  });

  it('runs every scenario of the library at a small size: all its checks pass and real KPIs do not move', async () => {
    const { scenarios } = await json<ScenarioList>(await d.api('/api/drills/scenarios'));
    expect(scenarios).toHaveLength(5);
    const before = await realKpis(d);
    for (const s of scenarios) {
      const run = await startRun(d, { scenarioId: s.id, parameters: { orders: 5, rate: 500 }, seed: 3 });
      expect(run).toMatchObject({ state: 'running', scenarioId: s.id });
      const done = await checked(d, run.id);
      expect({ scenario: s.id, state: done.state, sent: done.progress.sent }).toEqual({
        scenario: s.id,
        state: 'completed',
        sent: done.progress.total,
      });
      for (const c of done.checks!)
        expect({ scenario: s.id, check: c.checkId, passed: c.passed, actual: c.actual }).toEqual({
          scenario: s.id,
          check: c.checkId,
          passed: true,
          actual: c.expected,
        });
      expect(done.passed).toBe(true);
    }
    expect(await realKpis(d)).toEqual(before);
  });

  it('pauses, resumes and stops a run; progress survives (read back from PostgreSQL); every action is audited', async () => {
    const run = await startRun(d, {
      scenarioId: 'carrier-delay-wave',
      parameters: { orders: 30, rate: 40 },
      note: 'pause and resume drill',
    });
    await waitFor('some events sent', async () => (await runOf(d, run.id)).progress.sent >= 40, 30_000);
    const paused = await json<DrillRun>(
      await d.api(`/api/drills/runs/${run.id}/pause`, {
        method: 'POST',
        body: JSON.stringify({ reason: 'coffee' }),
      }),
    );
    expect(paused.state).toBe('paused');
    expect(paused.progress.sent).toBeGreaterThan(0);
    expect(paused.progress.sent).toBeLessThan(paused.progress.total);
    await new Promise((r) => setTimeout(r, 600));
    expect((await runOf(d, run.id)).progress.sent).toBe(paused.progress.sent);
    // A paused run cannot be paused again.
    const again = await d.api(`/api/drills/runs/${run.id}/pause`, { method: 'POST', body: '{}' });
    expect(again.status).toBe(409);

    const resumed = await json<DrillRun>(
      await d.api(`/api/drills/runs/${run.id}/resume`, { method: 'POST', body: '{}' }),
    );
    expect(resumed.state).toBe('running');
    await waitFor(
      'more events sent',
      async () => (await runOf(d, run.id)).progress.sent > paused.progress.sent + 20,
      30_000,
    );
    const busy = await d.api('/api/drills/runs', {
      method: 'POST',
      body: JSON.stringify({ scenarioId: 'lost-parcel' }),
    });
    expect(busy.status).toBe(409);
    expect(JSON.parse(await busy.text())).toMatchObject({ error: 'drill_active' });

    const stopped = await json<DrillRun>(
      await d.api(`/api/drills/runs/${run.id}/stop`, {
        method: 'POST',
        body: JSON.stringify({ reason: 'enough' }),
      }),
    );
    expect(stopped.state).toBe('stopped');
    expect(stopped.progress.sent).toBeLessThan(stopped.progress.total);
    const done = await checked(d, run.id);
    // Stopped early: the scenario's figures are not reached, and the checks say so.
    expect(done.passed).toBe(false);
    expect(done.checks!.find((c) => c.checkId === 'real_kpis_unchanged')?.passed).toBe(true);

    const report = await json<{ timeline: { kind: string; operator: string | null }[]; run: DrillRun }>(
      await d.api(`/api/drills/runs/${run.id}/report`),
    );
    expect(report.timeline.map((t) => t.kind)).toEqual([
      'started',
      'paused',
      'resumed',
      'stopped',
      'checked',
    ]);
    expect(report.run.note).toBe('pause and resume drill');

    const { rows } = await d.core.pool.query<{ action: string; actor: string; detail: { runId: string } }>(
      `SELECT action, actor, detail FROM audit_log WHERE action LIKE 'drills.%' AND detail->>'runId' = $1 ORDER BY id`,
      [run.id],
    );
    expect(rows.map((r) => r.action)).toEqual([
      'drills.start',
      'drills.pause',
      'drills.resume',
      'drills.stop',
    ]);
    const me = await json<{ operator: string }>(await d.api('/api/auth/session'));
    expect(rows.every((r) => r.actor === me.operator)).toBe(true);
    const audit = await json<{ items: { action: string; drillIds: string[] }[] }>(
      await d.api('/api/audit?action=drills.start'),
    );
    expect(audit.items.find((i) => i.drillIds.includes(run.drillId))).toBeDefined();
  });
});

describe('a main process killed mid-run', () => {
  it('leaves an interrupted run that resumes with every event of the run applied once', async () => {
    const config = newTestConfig();
    let child: ChildProcess | null = null;
    let d: TestDeployment | null = null;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/drill-crash-child.ts'], {
        cwd: repoRoot,
        env: {
          ...configToEnv(config, process.env),
          DRILL_START: JSON.stringify({
            scenarioId: 'carrier-delay-wave',
            parameters: { orders: 40, rate: 60 },
            seed: 5,
          }),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child!.stdout! }).once('line', resolve);
        child!.once('exit', (code) => reject(new Error(`child exited (${code}) before starting the run`)));
      });
      const { runId, drillId } = JSON.parse(line) as { runId: string; drillId: string };
      // Kill it once some, not all, events are sent.
      const { Pool } = await import('pg');
      const pool = new Pool({ connectionString: config.databaseUrl, max: 1 });
      try {
        await waitFor(
          'the child sent some events',
          async () => {
            const { rows } = await pool.query<{ sent_events: number }>(
              'SELECT sent_events FROM drill_runs WHERE id = $1',
              [runId],
            );
            return (rows[0]?.sent_events ?? 0) >= 60;
          },
          60_000,
          50,
        );
      } finally {
        await pool.end();
      }
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      child = null;

      // The restarted main process (with workers) finds the run interrupted.
      d = await startDeployment({ config, drillSettleTimeoutMs: 60_000 });
      const interrupted = await runOf(d, runId);
      expect(interrupted.state).toBe('interrupted');
      expect(interrupted.progress.sent).toBeGreaterThan(0);
      expect(interrupted.progress.sent).toBeLessThan(interrupted.progress.total);
      const active = await json<{ items: DrillRun[] }>(await d.api('/api/drills/runs?state=active'));
      expect(active.items.map((r) => r.id)).toEqual([runId]);

      await json<DrillRun>(await d.api(`/api/drills/runs/${runId}/resume`, { method: 'POST', body: '{}' }));
      const done = await checked(d, runId);
      expect(done.state).toBe('completed');
      await waitForWorkersCaughtUp(d, 60_000);
      // Every event of the run applied once: one history row per event id, all of them there.
      const { rows } = await d.core.pool.query<{ n: number; distinct_ids: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct_ids FROM (
           SELECT event_id FROM order_events WHERE drill_id = $1
           UNION ALL SELECT event_id FROM shipment_checkpoints WHERE drill_id = $1) e`,
        [drillId],
      );
      expect(rows[0]).toEqual({ n: done.progress.total, distinct_ids: done.progress.total });
      expect(done.checks!.every((c) => c.passed)).toBe(true);
      const timeline = await json<{ timeline: { kind: string }[] }>(
        await d.api(`/api/drills/runs/${runId}/report`),
      );
      expect(timeline.timeline.map((t) => t.kind)).toEqual([
        'started',
        'interrupted',
        'resumed',
        'completed',
        'checked',
      ]);
    } finally {
      child?.kill('SIGKILL');
      await d?.close();
    }
  });
});
