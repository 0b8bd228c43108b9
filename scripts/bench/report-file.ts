/**
 * The end of a run: the table and targets on stdout, and the same with every detail as JSON in
 * `bench-results/bench-<stamp>.json` (schema `sct-bench/1`).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MachineInfo, StackIdentity } from './environment';
import { evaluate } from './evaluate';
import { log } from './log';
import { formatTable, formatTargets } from './report';
import { trimDetails } from './results';
import type { BenchRun } from './run';
import { round } from './stats';

/** Where the run happened, recorded next to the figures. */
export interface RunEnvironment {
  machine: MachineInfo;
  versions: Record<string, string>;
  stack: { atStart: StackIdentity; atEnd: StackIdentity; restartedDuringRun: (keyof StackIdentity)[] };
}

/**
 * Prints the report and writes the JSON file.
 * @returns the exit code: 0 when every figure was measured, 1 when a phase failed, a cleanup
 *   left something behind or a figure is missing (targets missed do not count: it reports)
 */
export function writeReport(run: BenchRun, env: RunEnvironment): number {
  const { opts, errors, results } = run;
  const { metrics, targets } = evaluate(results, opts);
  const finished = new Date();
  log('\n' + formatTable(metrics));
  log('\nTargets (ratios measured in this run):\n' + formatTargets(targets));
  const missingFigures = metrics
    .filter((m) => m.value === null || !Number.isFinite(m.value))
    .map((m) => m.metric);
  const doc = {
    schema: 'sct-bench/1',
    startedAt: run.started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: round((finished.getTime() - run.started.getTime()) / 1000),
    machine: env.machine,
    versions: env.versions,
    options: { ...opts, phases: [...opts.phases] },
    metrics: metrics.map((m) => ({
      ...m,
      value: m.value === null ? null : round(m.value),
      ratio: m.ratio ? { ...m.ratio, value: round(m.ratio.value) } : undefined,
    })),
    targets,
    errors,
    notMeasured: missingFigures,
    stack: env.stack,
    details: trimDetails(results),
    cpuByPhase: run.phaseCpu,
  };
  const file = path.join(run.repoRoot, 'bench-results', `bench-${run.stamp}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  log(
    `\nwrote ${path.relative(run.repoRoot, file)} (run folder ${path.relative(run.repoRoot, run.runDir)}), ${doc.durationSeconds} s in all`,
  );
  if (errors.length > 0 || missingFigures.length > 0) {
    log(
      `could not measure everything: ${[...errors.map((e) => `${e.phase}: ${e.error}`), ...missingFigures.map((m) => `${m}: no value`)].join('; ')}`,
    );
    return 1;
  }
  return 0;
}
