/** Phase `scaleout`: a second deployment with two instances of each worker, end to end again. */
import path from 'node:path';
import type { Dataset } from '../dataset';
import { Deployment } from '../deployment';
import type { BenchRun } from '../run';
import { measureEndToEnd } from './end-to-end';

/**
 * Starts deployment 2 (two instances per worker in the same consumer groups), runs end to end
 * on it, stops it and removes what it created. The figure goes to `run.results.e2e2`.
 */
export async function measureScaleOut(
  run: BenchRun,
  data: Dataset,
  nodeOptions: string | undefined,
): Promise<void> {
  const { opts } = run;
  if (!opts.phases.has('scaleout')) return;
  const cleanup = run.newCleanup();
  const dep = await run.phase('deployment 2: main process + two instances of each worker', async () => {
    const d = await Deployment.start({
      repoRoot: opts.pipelineRoot,
      base: run.base,
      name: `sctbench_${run.id}_x2`,
      logFile: path.join(run.runDir, 'deployment-2.log'),
      cleanup,
      nodeOptions,
    });
    run.deployments.push(d);
    await d.waitForGroups(1);
    d.startExtraWorkers(1);
    await d.waitForGroups(2);
    return d;
  });
  if (dep) {
    run.results.e2e2 = await run.phase(`end to end: ${data.events} events, 2 instances per worker`, () =>
      measureEndToEnd(dep, data, opts),
    );
    run.memory.sample();
    await dep.stop();
  }
  await run.recordCleanup(cleanup.run());
}
