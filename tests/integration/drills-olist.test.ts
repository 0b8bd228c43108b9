/**
 * Every drill scenario on the Olist import (issue 12): a subset of the Olist sample (the first
 * 1,500 orders, through the importer's own path) as real data, then each scenario of the library
 * at its default parameters runs, passes its checks and purges cleanly (scripts/drills/verify.ts,
 * as `npm run drills:verify`); real KPIs do not move and a replay into a fresh schema finds no
 * drift. Also the shipments list's traffic filter (real only / drill only) with a drill present.
 * The full sample is `npm run drills:verify` against a running stack (minutes).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillRun, ShipmentPage } from '../../contracts';
import { migrationsDir } from '../../runtime/db';
import { createKafka, ensureTopics, EventPublisher } from '../../runtime/kafka';
import { configToEnv } from '../../runtime/config';
import { runImportCli } from '../../scripts/olist/cli';
import {
  formatVerification,
  purgeRowsOf,
  runDriftCheck,
  verificationPassed,
  verifyScenarios,
} from '../../scripts/drills/verify';
import type { DrillPurgePreview } from '../../contracts';
import {
  repoRoot,
  startDeployment,
  waitFor,
  waitForWorkersCaughtUp,
  type TestDeployment,
} from '../support/harness';

const OLIST = path.resolve(repoRoot, '..', 'shared', 'data', 'olist');
const ORDERS = 1_500;

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text}`);
  return JSON.parse(text) as T;
}

describe('every drill scenario on the Olist import', () => {
  let d: TestDeployment;

  beforeAll(async () => {
    d = await startDeployment({ drillSettleTimeoutMs: 60_000 });
    const out: string[] = [];
    const code = await runImportCli([OLIST, '--limit', String(ORDERS)], {
      env: { ...process.env, ...configToEnv(d.config) },
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      async connect(config) {
        const kafka = createKafka(config, 'sct-test-olist-import');
        const topics = await ensureTopics(kafka, config);
        const publisher = new EventPublisher(kafka, topics, config.kafkaBrokers);
        return {
          target: topics.orders,
          publish: (events) => publisher.publish(events),
          close: () => publisher.close(),
        };
      },
    });
    // 4: done, with orders of the sample skipped (no items); the rest is imported.
    expect([0, 4], out.join('')).toContain(code);
    await waitForWorkersCaughtUp(d, 120_000);
  }, 180_000);
  afterAll(async () => {
    await d?.close();
  });

  it('filters the shipments list to real traffic only or drill traffic only', async () => {
    const res = await d.api('/api/drills/runs', {
      method: 'POST',
      body: JSON.stringify({ scenarioId: 'lost-parcel' }),
    });
    expect(res.status).toBe(202);
    const run = await json<DrillRun>(res);
    await waitFor(
      'the lost-parcel drill checked',
      async () => (await json<DrillRun>(await d.api(`/api/drills/runs/${run.id}`))).checks,
      90_000,
      300,
    );
    const list = (query: string) => d.api(`/api/shipments?pageSize=200${query}`).then(json<ShipmentPage>);
    const [all, real, drill] = await Promise.all([
      list(''),
      list('&includeDrills=false'),
      list('&drillsOnly=true'),
    ]);
    expect(drill.total).toBe(5); // the scenario's default: 5 parcels
    expect(drill.items.every((s) => s.isDrill && s.drillId === run.drillId)).toBe(true);
    expect(real.items.some((s) => s.isDrill)).toBe(false);
    expect(real.total).toBeGreaterThan(1_000);
    expect(real.total + drill.total).toBe(all.total);
    // Drill traffic only, without drill traffic, is a contradiction: a field-named 400.
    const bad = await d.api('/api/shipments?includeDrills=false&drillsOnly=true');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('drillsOnly');

    const purge = await d.api(`/api/drills/${run.drillId}/purge`, { method: 'POST', body: '{}' });
    expect(purge.status).toBe(202);
    await waitFor(
      'the drill purged',
      async () =>
        purgeRowsOf(await json<DrillPurgePreview>(await d.api(`/api/drills/${run.drillId}/purge`))) === 0,
      60_000,
      300,
    );
    expect((await list('&drillsOnly=true')).total).toBe(0);
  }, 150_000);

  it('runs, checks and purges every scenario cleanly; real KPIs unchanged; no drift after a replay', async () => {
    const report = await verifyScenarios(d.api, { timeoutMs: 120_000 });
    const table = formatVerification(report);
    expect(report.scenarios.map((s) => s.scenarioId)).toEqual([
      'carrier-delay-wave',
      'warehouse-surge',
      'lost-parcel',
      'site-closure',
      'failed-delivery-spike',
    ]);
    expect(report.realBefore.createdOrders).toBeGreaterThan(1_000);
    expect(report.realChanged, table).toEqual([]);
    expect(verificationPassed(report), table).toBe(true);
    await waitForWorkersCaughtUp(d, 60_000);
    const drift = await runDriftCheck(d.config, migrationsDir(repoRoot));
    expect(drift.ok, drift.lines.join('\n')).toBe(true);
  }, 300_000);
});
