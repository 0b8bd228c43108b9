/**
 * Phases `e2e`, `queries`, `latency` and `replay`: one deployment (main process and one
 * instance of each worker) that they share, in that order, on the same data.
 */
import path from 'node:path';
import { migrationsDir } from '../../../runtime/db';
import { createLogger } from '../../../runtime/logger';
import { dropReplaySchema, replayIntoFreshSchema } from '../../replay/replay';
import type { Dataset } from '../dataset';
import { Deployment } from '../deployment';
import { runLatency } from '../latency';
import { log } from '../log';
import type { Phase } from '../options';
import { startInProcessProfile } from '../profiling';
import { runQueries } from '../queries';
import type { BenchRun } from '../run';
import { measureEndToEnd } from './end-to-end';

/**
 * NODE_OPTIONS for the pipeline's processes: the profiling preload with `--profile` (which also
 * tells the preload where to write, through SCT_BENCH_PROFILE_DIR) and `--node-options`.
 * @returns undefined when there are none
 */
export function pipelineNodeOptions(run: BenchRun): string | undefined {
  const { opts } = run;
  const nodeOptions =
    [
      opts.profile ? `--require ${path.join(run.repoRoot, 'scripts', 'bench', 'profile-preload.cjs')}` : '',
      opts.nodeOptions,
    ]
      .filter(Boolean)
      .join(' ') || undefined;
  if (opts.profile) process.env.SCT_BENCH_PROFILE_DIR = path.join(run.runDir, 'profiles');
  return nodeOptions;
}

/**
 * Starts deployment 1 and runs end to end (always, when the deployment is needed: the others
 * need its data loaded), then queries (when end to end succeeded), latency and replay, those of
 * them in `--phases`. Stops the deployment and removes what it created. Figures go to
 * `run.results`.
 */
export async function measureOnOneDeployment(
  run: BenchRun,
  data: Dataset,
  nodeOptions: string | undefined,
): Promise<void> {
  const { opts, results } = run;
  const wants = (p: Phase) => opts.phases.has(p);
  if (!(wants('e2e') || wants('queries') || wants('latency') || wants('replay'))) return;
  const cleanup = run.newCleanup();
  const dep = await run.startDeployment(
    'deployment 1: main process + one instance of each worker',
    '',
    'deployment-1.log',
    nodeOptions,
    cleanup,
  );
  if (dep) {
    results.e2e1 = await run.phase(
      `end to end: ${data.events} events through the API batch path, 1 instance per worker`,
      () => measureEndToEnd(dep, data, opts),
    );
    if (wants('queries') && results.e2e1) {
      results.queries = await run.phase('query speed with the full data loaded', async () => {
        const r = await runQueries(dep, data.orderIds, 300);
        log(`   order list p95 ${r.list.p95.toFixed(1)} ms, order detail p95 ${r.detail.p95.toFixed(1)} ms`);
        return r;
      });
    }
    if (wants('latency')) {
      results.latency = await run.phase(
        `latency at ${opts.latencyRate} events/s for ${opts.latencySeconds} s`,
        async () => {
          const r = await runLatency(dep, data.createdTemplate, {
            perSecond: opts.latencyRate,
            seconds: opts.latencySeconds,
            tickMs: 20,
            probeEveryBatches: 4,
            pollMs: 10,
            tag: run.id,
            log,
          });
          log(
            `   SSE p50/p95/p99 ${r.sse.p50.toFixed(0)}/${r.sse.p95.toFixed(0)}/${r.sse.p99.toFixed(0)} ms (${r.sse.count} events), ` +
              `query ${r.query.p50.toFixed(0)}/${r.query.p95.toFixed(0)}/${r.query.p99.toFixed(0)} ms (${r.query.count} probes)`,
          );
          return r;
        },
      );
    }
    if (wants('replay')) {
      results.replay = await run.phase(
        'replay: rebuild every read model from offset 0 (replayIntoFreshSchema)',
        () => measureReplay(run, dep),
      );
    }
    run.memory.sample();
    await dep.stop();
  }
  await run.recordCleanup(cleanup.run());
}

/** Replays the deployment's topics into a fresh schema (this repo's code, in this process), then drops it. */
async function measureReplay(run: BenchRun, dep: Deployment) {
  let events = 0;
  for (const topic of [dep.topics.orders, dep.topics.shipments]) {
    for (const o of await dep.admin.fetchTopicOffsets(topic)) events += Number(o.high) - Number(o.low);
  }
  const stopProfile = run.opts.profile ? startInProcessProfile() : null;
  const r = await replayIntoFreshSchema(
    dep.config,
    migrationsDir(run.repoRoot),
    createLogger('bench-replay', 'warn'),
    10 * 60_000,
  );
  if (stopProfile) await stopProfile(path.join(run.runDir, 'profiles', `replay-${process.pid}.cpuprofile`));
  await dropReplaySchema(dep.pool, r.schema);
  const seconds = r.durationMs / 1000;
  log(`   ${events} events (${r.messages} messages over the three workers) in ${seconds.toFixed(1)} s`);
  return {
    events,
    messages: r.messages,
    seconds,
    perSecond: events / seconds,
    messagesPerSecond: r.eventsPerSecond,
    schema: r.schema,
  };
}
