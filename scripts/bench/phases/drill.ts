/**
 * Phase `drill` (issue 12 benchmark): a drill scenario at 1,000 events/s on top of the Olist data,
 * on its own deployment:
 * 1. the Olist sample (`--drill-load-events`: the whole sample once by default) through the API
 *    batch path, Kafka and the workers (timed like end to end);
 * 2. real traffic alone: new orders offered open-loop at `--drill-real-rate` events/s for
 *    `--drill-seconds` (latency.ts): latency to visible (SSE and query API), p99 "without";
 * 3. the same real traffic again while a drill runs through the real drill runner
 *    (`POST /api/drills/runs`, scenario `warehouse-surge` at `--drill-rate` events/s, enough
 *    orders to outlast the window): real traffic's p99 "during", and the drill's own latency to
 *    visible: for each drill order, from the runner recording the batch holding its first event as
 *    acknowledged by Kafka (`drill_runs.sent_events`, sampled every 20 ms) to the first `/api/live`
 *    notification naming it or the read model holding it (the drill's orders counted in the same
 *    sample); and the drill's achieved rate over the window;
 * 4. the drill is stopped (if still sending) and purged.
 * CPU per process group is recorded for both windows. Times in ms, rates in events/s.
 */
import {
  scenarioDefinitionSchema,
  type DrillPreview,
  type DrillRun,
  type ResolvedDrillParameters,
} from '../../../contracts';
import { entityPrefix, generateDrill } from '../../../server/drills/generators';
import { buildDataset } from '../dataset';
import { Deployment } from '../deployment';
import { openLive, runLatency, type LatencyResult } from '../latency';
import { log } from '../log';
import { childrenOf, cpuDelta, cpuSnapshot, workerNameOf, type CpuUse } from '../procstat';
import { formatCpu } from '../report';
import type { BenchRun } from '../run';
import { distribution, nowMs, sleep, type Distribution } from '../stats';
import { measureEndToEnd } from './end-to-end';

/** The scenario the phase runs: orders created and approved, two events each (no shipments). */
export const DRILL_BENCH_SCENARIO = 'warehouse-surge';
/** Its most orders (scenarios.json). */
const MAX_ORDERS = 20_000;

export interface DrillBenchResult {
  scenarioId: string;
  /** Olist events loaded before (and their orders). */
  loadedEvents: number;
  loadedOrders: number;
  loadSeconds: number;
  /** Real traffic without the drill, and during it. */
  realWithout: LatencyResult;
  realDuring: LatencyResult;
  /** realDuring.sse.p99 / realWithout.sse.p99 (target <= 1.5). */
  p99Ratio: number;
  /** Same for the query API probe (informative: few samples). */
  queryP99Ratio: number;
  drill: {
    runId: string;
    drillId: string;
    rateAsked: number;
    /** Events the runner sent per second over the real-traffic window. */
    achievedPerSecond: number;
    /** Events sent in all, and the run's state when the window ended. */
    sent: number;
    total: number;
    stateAfterWindow: string;
    haltReason: string | null;
    /** Recording of the acknowledged batch to the order named by a live notification or in the read model. */
    visible: Distribution;
    /** Drill orders sent that did not become visible before the phase gave up (15 s after the stop). */
    unnamed: number;
    truncatedNotifications: number;
    /** Per second from the drill's start: events sent and drill orders in the read model. */
    timeline: { second: number; sent: number; visible: number }[];
  };
  cpuWithout: CpuUse;
  cpuDuring: CpuUse;
}

/** Runs the phase when `--phases` names it; figures go to `run.results.drill`. */
export async function measureDrill(run: BenchRun, nodeOptions: string | undefined): Promise<void> {
  const { opts, results } = run;
  if (!opts.phases.has('drill')) return;
  const cleanup = run.newCleanup();
  const dep = await run.startDeployment(
    'drill: deployment (main process + one instance of each worker)',
    '_drill',
    'deployment-drill.log',
    nodeOptions,
    cleanup,
  );
  if (dep) {
    results.drill = await run.phase(
      `drill: ${DRILL_BENCH_SCENARIO} at ${opts.drillRate} events/s over the Olist data, real traffic at ${opts.drillRealRate} events/s`,
      () => measure(run, dep),
    );
    run.memory.sample();
    await dep.stop();
  }
  await run.recordCleanup(cleanup.run());
}

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

function rolesOf(dep: Deployment): Map<number, string> {
  const roles = new Map<number, string>([[process.pid, 'bench client (load generator)']]);
  if (dep.main.pid) roles.set(dep.main.pid, 'main (API + drill runner)');
  for (const child of childrenOf(dep.main.pid!)) {
    const name = workerNameOf(child);
    if (name) roles.set(child, name);
  }
  return roles;
}

async function measure(run: BenchRun, dep: Deployment): Promise<DrillBenchResult> {
  const { opts } = run;
  // The whole sample once (as phase `scale`), or `--drill-load-events` (the sample repeated as needed).
  const data = opts.drillLoadEvents
    ? await buildDataset(opts.olist, opts.drillLoadEvents, 1000)
    : await buildDataset(opts.olist, Number.POSITIVE_INFINITY, 1000, 1);
  const load = await measureEndToEnd(dep, data, opts);
  log(
    `   Olist: ${data.events} events (${data.expected.orders} orders) loaded in ${load.seconds.toFixed(1)} s`,
  );
  const latencyOpts = (tag: string) => ({
    perSecond: opts.drillRealRate,
    seconds: opts.drillSeconds,
    tickMs: 20,
    probeEveryBatches: 4,
    pollMs: 10,
    tag: `${run.id}-${tag}`,
    log,
  });

  // Real traffic alone.
  const roles = rolesOf(dep);
  let cpu0 = cpuSnapshot(roles);
  const realWithout = await runLatency(dep, data.createdTemplate, latencyOpts('nodrill'));
  const cpuWithout = cpuDelta(cpu0, cpuSnapshot(roles));
  log(
    `   without the drill: real SSE p50/p95/p99 ${realWithout.sse.p50.toFixed(0)}/${realWithout.sse.p95.toFixed(0)}/${realWithout.sse.p99.toFixed(0)} ms, ` +
      `query p99 ${realWithout.query.p99.toFixed(0)} ms; CPU ${formatCpu(cpuWithout)}`,
  );

  // The drill: enough orders to outlast the window (with a margin for the start and the settle).
  const preview = await json<DrillPreview>(
    await dep.api('/api/drills/preview', {
      method: 'POST',
      body: JSON.stringify({ scenarioId: DRILL_BENCH_SCENARIO, parameters: { orders: 100 }, sample: 0 }),
    }),
    'drill preview',
  );
  const perOrder = preview.totalEvents / 100;
  const orders = Math.min(MAX_ORDERS, Math.ceil((opts.drillRate * (opts.drillSeconds + 10)) / perOrder));
  const sentAt: { at: number; sent: number; visible: number }[] = [];
  const seenAt = new Map<string, number>();
  let truncated = 0;
  let prefix = '';
  const live = await openLive(dep, (n) => {
    if (n.source !== 'order-processor') return;
    if (n.truncated) truncated += 1;
    const at = nowMs();
    for (const id of n.orderIds) if (prefix && id.startsWith(prefix) && !seenAt.has(id)) seenAt.set(id, at);
  });
  let drillRun: DrillRun;
  let realDuring: LatencyResult;
  let cpuDuring: CpuUse;
  let firstStep = new Map<string, number>();
  const windowSent: [number, number] = [0, 0];
  const windowAt: [number, number] = [0, 0];
  try {
    drillRun = await json<DrillRun>(
      await dep.api('/api/drills/runs', {
        method: 'POST',
        body: JSON.stringify({
          scenarioId: DRILL_BENCH_SCENARIO,
          parameters: { orders, rate: opts.drillRate },
          // The bench reports how the pipeline copes; the drill halts only when a service is down.
          halt: { maxLagSeconds: 3_600, maxLagEvents: 10_000_000, onUnhealthy: true },
          note: 'npm run bench: phase drill',
        }),
      }),
      'drill start',
    );
    prefix = entityPrefix(drillRun.id);
    log(
      `   drill ${drillRun.drillId}: ${drillRun.progress.total} events (${orders} orders) at ${opts.drillRate} events/s`,
    );
    // The runner's position and the drill's orders in the read model, sampled every 20 ms.
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await dep.pool.query<{ sent_events: number; visible: number }>(
          `SELECT r.sent_events, (SELECT count(*)::int FROM orders o WHERE o.drill_id = r.drill_id) AS visible
             FROM drill_runs r WHERE r.id = $1`,
          [drillRun.id],
        );
        sentAt.push({ at: nowMs(), sent: rows[0]?.sent_events ?? 0, visible: rows[0]?.visible ?? 0 });
        await sleep(20);
      }
    })();
    await sleep(1_000); // the drill at its rate before the real traffic starts
    const sentNow = () => sentAt.at(-1)?.sent ?? 0;
    windowSent[0] = sentNow();
    windowAt[0] = nowMs();
    cpu0 = cpuSnapshot(roles);
    realDuring = await runLatency(dep, data.createdTemplate, latencyOpts('drill'));
    cpuDuring = cpuDelta(cpu0, cpuSnapshot(roles));
    // runLatency ends with up to 15 s of settling: the window is the offered part.
    windowAt[1] = windowAt[0] + realDuring.seconds * 1000;
    windowSent[1] = sentAt.filter((s) => s.at <= windowAt[1]).at(-1)?.sent ?? sentNow();
    drillRun = await json<DrillRun>(await dep.api(`/api/drills/runs/${drillRun.id}`), 'drill run');
    if (drillRun.state === 'running')
      drillRun = await json<DrillRun>(
        await dep.api(`/api/drills/runs/${drillRun.id}/stop`, {
          method: 'POST',
          body: JSON.stringify({ reason: 'bench window over' }),
        }),
        'drill stop',
      );
    // Let the last drill orders sent become visible.
    firstStep = await firstStepOfEachOrder(dep, drillRun.id);
    const finalSent = drillRun.progress.sent;
    const ordersSent = [...firstStep.values()].filter((step) => step < finalSent).length;
    const settle = nowMs() + 15_000;
    while (nowMs() < settle && (sentAt.at(-1)?.visible ?? 0) < ordersSent) await sleep(100);
    sampling = false;
    await sampler;
  } finally {
    live.abort();
  }
  // Each drill order's first event: its step (send position) from the run's plan regenerated as
  // the runner does, acknowledged at the first sample whose position passed it. Visible: the first
  // live notification naming the order, or (notifications of large batches are cut to a few
  // ids) the first sample where the read model held as many of the drill's orders as had been
  // sent up to and including this one (the workers apply in send order per partition).
  const visible: number[] = [];
  let unnamed = 0;
  const stepsSent = sentAt.at(-1)?.sent ?? 0;
  const steps = [...firstStep].filter(([, step]) => step < stepsSent).sort((a, b) => a[1] - b[1]);
  steps.forEach(([orderId, step], rank) => {
    const acked = sentAt.find((s) => s.sent > step);
    if (!acked) return;
    const counted = sentAt.find((s) => s.visible > rank)?.at;
    const named = seenAt.get(orderId);
    const seen = Math.min(named ?? Infinity, counted ?? Infinity);
    if (seen === Infinity) unnamed += 1;
    else visible.push(Math.max(0, seen - acked.at));
  });
  const achieved = (windowSent[1] - windowSent[0]) / Math.max(0.001, (windowAt[1] - windowAt[0]) / 1000);
  const result: DrillBenchResult = {
    scenarioId: DRILL_BENCH_SCENARIO,
    loadedEvents: data.events,
    loadedOrders: data.expected.orders,
    loadSeconds: load.seconds,
    realWithout,
    realDuring,
    p99Ratio: realDuring.sse.p99 / realWithout.sse.p99,
    queryP99Ratio: realDuring.query.p99 / realWithout.query.p99,
    drill: {
      runId: drillRun.id,
      drillId: drillRun.drillId,
      rateAsked: opts.drillRate,
      achievedPerSecond: achieved,
      sent: drillRun.progress.sent,
      total: drillRun.progress.total,
      stateAfterWindow: drillRun.state,
      haltReason: drillRun.haltReason,
      visible: distribution(visible),
      unnamed,
      truncatedNotifications: truncated,
      timeline: perSecond(sentAt),
    },
    cpuWithout,
    cpuDuring,
  };
  log(
    `   during the drill: real SSE p50/p95/p99 ${realDuring.sse.p50.toFixed(0)}/${realDuring.sse.p95.toFixed(0)}/${realDuring.sse.p99.toFixed(0)} ms ` +
      `(${result.p99Ratio.toFixed(2)}x without), query p99 ${realDuring.query.p99.toFixed(0)} ms; ` +
      `drill sent ${achieved.toFixed(0)} events/s, its orders visible p50/p95/p99 ${result.drill.visible.p50.toFixed(0)}/` +
      `${result.drill.visible.p95.toFixed(0)}/${result.drill.visible.p99.toFixed(0)} ms (${visible.length} orders, ${unnamed} never visible); ` +
      `CPU ${formatCpu(cpuDuring)}`,
  );
  const purge = await dep.api(`/api/drills/${encodeURIComponent(drillRun.drillId)}/purge`, {
    method: 'POST',
    body: JSON.stringify({ reason: 'bench drill phase over' }),
  });
  await purge.arrayBuffer();
  if (purge.status !== 202) log(`   purge of ${drillRun.drillId} answered HTTP ${purge.status}`);
  return result;
}

/** Order id -> step of its first event in the run's plan (server/drills/generators.ts). */
async function firstStepOfEachOrder(dep: Deployment, runId: string): Promise<Map<string, number>> {
  const { rows } = await dep.pool.query<{
    drill_id: string;
    scenario: unknown;
    parameters: ResolvedDrillParameters;
    seed: number;
    anchor: Date;
  }>('SELECT drill_id, scenario, parameters, seed, anchor FROM drill_runs WHERE id = $1', [runId]);
  const row = rows[0];
  if (!row) throw new Error(`drill run ${runId} is not recorded`);
  const scenario = scenarioDefinitionSchema.parse(row.scenario);
  const plan = generateDrill(scenario.generator, {
    runId,
    drillId: row.drill_id,
    seed: row.seed,
    parameters: row.parameters,
    anchorMs: new Date(row.anchor).getTime(),
  });
  const orderIds = new Set(plan.orderIds);
  const first = new Map<string, number>();
  plan.events.forEach((e, step) => {
    if (orderIds.has(e.subject) && !first.has(e.subject)) first.set(e.subject, step);
  });
  return first;
}

/** The samples thinned to one per second (the last of each second), seconds from the first. */
function perSecond(
  samples: readonly { at: number; sent: number; visible: number }[],
): { second: number; sent: number; visible: number }[] {
  const t0 = samples[0]?.at ?? 0;
  const bySecond = new Map<number, { second: number; sent: number; visible: number }>();
  for (const s of samples) {
    const second = Math.floor((s.at - t0) / 1000);
    bySecond.set(second, { second, sent: s.sent, visible: s.visible });
  }
  return [...bySecond.values()];
}
