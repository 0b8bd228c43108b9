/**
 * Phase `drain`: the consumer side alone. The same events are published to topics first, then 1
 * and then 2 instances of each worker drain them on fresh databases.
 */
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../dataset';
import { DrainSource, runDrain } from '../drain';
import { log } from '../log';
import { formatCpu } from '../report';
import type { BenchRun } from '../run';

/**
 * Fills the topics, drains them with 1 then 2 instances per worker, removes what it created.
 * Figures go to `run.results.drain1` and `drain2`.
 */
export async function measureDrain(
  run: BenchRun,
  data: Dataset,
  nodeOptions: string | undefined,
): Promise<void> {
  const { opts, results } = run;
  if (!opts.phases.has('drain')) return;
  const drainCleanup = run.newCleanup();
  const filled = await run.phase(
    `workers alone: fill topics with the ${data.events} events (EventPublisher)`,
    () => DrainSource.fill(run.base, `sctbench_${run.id}_d`, data, drainCleanup),
  );
  if (filled) {
    log(`   ${(data.events / filled.seconds).toFixed(0)} events/s published`);
    const logFd = openSync(path.join(run.runDir, 'drain.log'), 'a');
    for (const instances of [1, 2]) {
      const r = await run.phase(`workers alone: drain with ${instances} instance(s) per worker`, async () => {
        const d = await runDrain(filled.source, data, {
          repoRoot: opts.pipelineRoot,
          instances,
          cleanup: drainCleanup,
          logFile: logFd,
          nodeOptions,
          timeoutMs: 8 * 60_000,
          log,
          track: (pid, name) => run.memory.track(pid, name),
        });
        log(
          `   ${Math.round(d.perSecond)} events/s (${d.seconds.toFixed(1)} s after the first commit; start-up ${d.startSeconds.toFixed(1)} s); ` +
            `groups done at ${Object.entries(d.groupDoneSeconds)
              .map(([g, x]) => `${g} ${x.toFixed(1)} s`)
              .join(', ')}`,
        );
        log(`   CPU (cores): ${formatCpu(d.cpu)}`);
        return d;
      });
      if (instances === 1) results.drain1 = r;
      else results.drain2 = r;
    }
    closeSync(logFd);
    await filled.source.close();
  }
  await run.recordCleanup(drainCleanup.run());
}
