/** One end-to-end measurement on a running deployment, shared by deployment 1 and the scale-out. */
import type { Dataset } from '../dataset';
import type { Deployment } from '../deployment';
import { counterDelta, pgCounters, runEndToEnd } from '../e2e';
import { log } from '../log';
import type { Options } from '../options';
import { childrenOf, cpuDelta, cpuSnapshot, workerNameOf } from '../procstat';
import { formatCpu } from '../report';
import type { EndToEndRun } from '../results';

/**
 * Sends every event of `data` through the deployment's API and waits until the read models and
 * KPIs caught up, with PostgreSQL counters and CPU use per process group around it; logs the
 * figures.
 * @throws when the pipeline does not catch up in 8 minutes (from runEndToEnd)
 */
export async function measureEndToEnd(dep: Deployment, data: Dataset, opts: Options): Promise<EndToEndRun> {
  const roles = new Map<number, string>([[process.pid, 'bench client (load generator)']]);
  if (dep.main.pid) roles.set(dep.main.pid, 'main (API)');
  for (const child of childrenOf(dep.main.pid!)) {
    const name = workerNameOf(child);
    if (name) roles.set(child, name);
  }
  for (const w of dep.extraWorkerPids()) roles.set(w.pid, w.name);
  const pg0 = await pgCounters(dep);
  const cpu0 = cpuSnapshot(roles);
  const r = await runEndToEnd(dep, data, { concurrency: opts.concurrency, timeoutMs: 8 * 60_000, log });
  const cpu = cpuDelta(cpu0, cpuSnapshot(roles));
  const pg = counterDelta(pg0, await pgCounters(dep));
  log(
    `   ${Math.round(r.perSecond)} events/s end to end (${r.seconds.toFixed(1)} s); API accepted ${Math.round(r.ingestPerSecond)} events/s; ` +
      `groups done at ${Object.entries(r.groupDoneSeconds)
        .map(([g, s]) => `${g} ${s.toFixed(1)} s`)
        .join(', ')}; KPIs at ${r.kpiDoneSeconds.toFixed(1)} s`,
  );
  log(`   CPU (cores): ${formatCpu(cpu)}`);
  log(
    `   PostgreSQL (this database): ${((pg.tuplesInserted + pg.tuplesUpdated) / r.events).toFixed(2)} rows written per event, ` +
      `${pg.commits} commits (${(pg.commits / r.events).toFixed(3)} per event); whole cluster: ${(pg.walBytes / r.events).toFixed(0)} WAL bytes per event, ${pg.walSyncs} WAL syncs`,
  );
  return { ...r, pg, cpu };
}
