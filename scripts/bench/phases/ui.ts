/**
 * Phase `ui`: the console in Chromium with `--ui-orders` orders loaded (100,000 by default: about
 * the Olist import). Its own deployment (main process + one instance of each worker) is loaded
 * with `--ui-orders / (--ui-copies + 1)` orders through the API batch path (end to end, as the
 * `e2e` phase) and the rest as SQL copies of them (`npm run data:scale`, scripts/scale/bulk.ts:
 * re-keyed, shifted in time, KPI facts included; a 2-core machine shared with other work loads
 * 100,000 orders through the pipeline in 2 to 30 minutes, the copies take seconds), then scripts/bench/ui.ts measures
 * the orders page (first paint, filter changes, scrolling, deep jumps, CSV export of every row)
 * and the dashboard under `--latency-rate` events/s for `--ui-burst-seconds`.
 */
import { buildDataset } from '../dataset';
import { log } from '../log';
import type { BenchRun } from '../run';
import { runUi } from '../ui';
import { bulkCopy } from '../../scale/bulk';
import { measureEndToEnd } from './end-to-end';

/** Chromium used by the phase (as the end-to-end tests: `SCT_CHROMIUM` or Debian's). */
export const BENCH_CHROMIUM = process.env.SCT_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Builds the phase's data set, starts deployment 3, loads it, measures the console in Chromium,
 * stops the deployment and removes what it created. Figures go to `run.results.ui`.
 */
export async function measureUi(run: BenchRun, nodeOptions: string | undefined): Promise<void> {
  const { opts } = run;
  if (!opts.phases.has('ui')) return;
  const pipelineOrders = Math.ceil(opts.uiOrders / (opts.uiCopies + 1));
  const data = await run.phase(`ui data set: ${pipelineOrders} orders from the Olist sample`, async () => {
    const d = await buildDataset(opts.olist, 0, 1000, Number.POSITIVE_INFINITY, pipelineOrders);
    log(`   ${d.expected.orders} orders, ${d.events} events in ${d.bodies.length} batches`);
    return d;
  });
  if (!data) return;
  const cleanup = run.newCleanup();
  const dep = await run.startDeployment(
    'deployment 3: the console for Chromium',
    '_ui',
    'deployment-ui.log',
    nodeOptions,
    cleanup,
  );
  if (dep) {
    const loaded = await run.phase(`ui: load ${data.expected.orders} orders end to end`, () =>
      measureEndToEnd(dep, data, opts),
    );
    const copied =
      loaded &&
      (opts.uiCopies === 0 ||
        (await run.phase(`ui: ${opts.uiCopies} SQL copies of those orders (npm run data:scale)`, async () => {
          const c = await bulkCopy(dep.pool, { copies: opts.uiCopies });
          log(
            `   ${c.ordersAfter} orders in the database (${c.inserted.orders} copied in ${c.seconds.toFixed(1)} s)`,
          );
          return c;
        })));
    if (copied) {
      run.results.ui = await run.phase(
        'ui: the console in Chromium (orders page, export, dashboard under load)',
        () =>
          runUi(dep, {
            chromium: BENCH_CHROMIUM,
            template: data.createdTemplate,
            burstRate: opts.latencyRate,
            burstSeconds: opts.uiBurstSeconds,
            shotsDir: opts.uiShots ?? undefined,
            tag: run.id,
            log,
          }),
      );
    }
    run.memory.sample();
    await dep.stop();
  }
  await run.recordCleanup(cleanup.run());
}
