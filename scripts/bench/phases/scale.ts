/**
 * Phase `scale` (opt-in: `--phases scale`): query speed at about 100,000 and 1,000,000 orders
 * (issue 11 benchmark, query half). On its own deployment:
 * 1. the Olist sample once through the API batch path, Kafka and the workers (timed like end to
 *    end), plus an exception for every shipment still in transit (the exceptions queue has rows);
 * 2. bulk copies (`npm run data:scale`, scripts/scale/bulk.ts) up to about 100,000 orders, then
 *    the query set (scale-queries.ts);
 * 3. more bulk copies up to about 1,000,000 orders, then the same query set.
 * The figures are p95 per request at both sizes and their ratio (1M / 100k: the cost must not grow
 * with the table). Load times are recorded. About 15 to 25 minutes on a busy 2-core machine.
 */
import { randomUUID } from 'node:crypto';
import { EVENT_TYPES } from '../../../contracts';
import { bulkCopy, type BulkCopySummary } from '../../scale/bulk';
import { BENCH_EVENT_SOURCE, buildDataset } from '../dataset';
import { Deployment } from '../deployment';
import { log } from '../log';
import type { BenchRun } from '../run';
import { readProbe, runScaleQueries, type ScaleQueryResult } from '../scale-queries';
import { sleep } from '../stats';
import { measureEndToEnd } from './end-to-end';

/** Orders at the two sizes (reached by whole copies of the sample, so about these). */
export const SCALE_SIZES = [100_000, 1_000_000] as const;
/** Rounds per query at each size (nearest-rank p95 of 10 samples is their maximum). */
const ROUNDS = 10;

export interface ScaleResult {
  sampleOrders: number;
  /** Seconds: the sample through the pipeline; each bulk step (copies, rows, seconds). */
  pipelineLoadSeconds: number;
  pipelineEventsPerSecond: number;
  openExceptions: number;
  bulk: BulkCopySummary[];
  sizes: ScaleQueryResult[];
}

/** Runs the phase when `--phases` names it; figures go to `run.results.scale`. */
export async function measureScale(run: BenchRun, nodeOptions: string | undefined): Promise<void> {
  const { opts, results } = run;
  if (!opts.phases.has('scale')) return;
  const cleanup = run.newCleanup();
  const dep = await run.startDeployment(
    'scale: deployment (main process + one instance of each worker)',
    '_scale',
    'deployment-scale.log',
    nodeOptions,
    cleanup,
  );
  if (dep) {
    results.scale = await run.phase(
      'scale: 100,000 and 1,000,000 orders, query p95 at each size',
      async () => {
        const data = await buildDataset(opts.olist, Number.POSITIVE_INFINITY, 1000, 1);
        const load = await measureEndToEnd(dep, data, opts);
        const openExceptions = await addExceptions(dep);
        log(
          `   sample: ${data.expected.orders} orders through the pipeline in ${load.seconds.toFixed(1)} s; ${openExceptions} open exceptions`,
        );
        const r: ScaleResult = {
          sampleOrders: data.expected.orders,
          pipelineLoadSeconds: load.seconds,
          pipelineEventsPerSecond: load.perSecond,
          openExceptions,
          bulk: [],
          sizes: [],
        };
        const get = async (p: string) => {
          const res = await dep.api(p);
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status}`);
        };
        for (const size of SCALE_SIZES) {
          const copies = Math.max(1, Math.round(size / data.expected.orders) - 1);
          const bulk = await bulkCopy(dep.pool, { copies });
          r.bulk.push(bulk);
          log(
            `   bulk copies 1..${copies}: ${bulk.inserted.orders} orders more in ${bulk.seconds.toFixed(1)} s, ${bulk.ordersAfter} orders`,
          );
          const q = await runScaleQueries(get, dep.pool, await readProbe(dep.pool), ROUNDS);
          r.sizes.push(q);
          log(
            `   at ${q.orders} orders: p95 orders list ${q.byGroup.orders.p95.toFixed(0)} ms, detail ${q.byGroup.detail.p95.toFixed(0)} ms, ` +
              `shipments ${q.byGroup.shipments.p95.toFixed(0)} ms, exceptions ${q.byGroup.exceptions.p95.toFixed(0)} ms, KPI ${q.byGroup.kpi.p95.toFixed(0)} ms`,
          );
        }
        return r;
      },
    );
    run.memory.sample();
    await dep.stop();
  }
  await run.recordCleanup(cleanup.run());
}

/**
 * An exception (`WEATHER_DELAY`) one day after the hand-over for every shipment still in transit,
 * through the API; waits until the shipment tracker applied them.
 * @returns the open exceptions then
 */
async function addExceptions(dep: Deployment): Promise<number> {
  const { rows } = await dep.pool.query<{ shipment_id: string; t: string }>(
    `SELECT shipment_id, to_char((status_time + interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS t
       FROM shipments WHERE status = 'in_transit' AND status_time IS NOT NULL ORDER BY shipment_id`,
  );
  for (let i = 0; i < rows.length; i += 500) {
    const events = rows.slice(i, i + 500).map((r) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: BENCH_EVENT_SOURCE,
      type: EVENT_TYPES.shipmentException,
      subject: r.shipment_id,
      time: r.t,
      datacontenttype: 'application/json',
      data: { reasonCode: 'WEATHER_DELAY', message: 'held at the hub: storm' },
    }));
    const res = await dep.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
    if (res.status !== 202) throw new Error(`exceptions: HTTP ${res.status} ${await res.text()}`);
  }
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { rows: n } = await dep.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM shipments WHERE status = 'exception'`,
    );
    if (n[0]!.n >= rows.length || Date.now() > deadline) return n[0]!.n;
    await sleep(500);
  }
}
