/**
 * `npm run bench`: pipeline throughput and latency against this machine's limits, in one run
 * (issue 4). Everything runs on the local stack in isolated databases and topic prefixes that the
 * run creates and removes. Prints one table (metric, value, unit, ratio to limit or baseline) and
 * which targets hold, and writes the same as JSON under bench-results/. Exit code 0 when every
 * figure was measured (targets may be missed: it reports, it does not judge), 1 when something
 * could not be measured, 2 on bad options.
 *
 * Options (`--help` prints them): --events N (200000) --naive N (5000) --limit-messages N (100000) --concurrency N (4)
 *   --latency-seconds S (30) --latency-rate N (1000) --olist DIR (../shared/data/olist)
 *   --phases limits,naive,e2e,queries,latency,replay,scaleout,drain,scale,drill,ui (all but scale, drill) --profile
 *   --drill-seconds S (30) --drill-rate N (1000) --drill-real-rate N (200) --drill-load-events N (the drill phase)
 *   --ui-orders N (100000) --ui-burst-seconds S (20) --ui-shots DIR (the Chromium phase)
 *   --node-options "<flags>" (extra NODE_OPTIONS for the main process and workers, for experiments)
 *   --pipeline-root DIR (run the main process and workers built in DIR/out, e.g. a scratch copy
 *   holding a candidate change; the replay phase always runs this repo's code)
 * `--profile` preloads scripts/bench/profile-preload.cjs into the main process and every worker:
 * CPU profiles and PostgreSQL round-trip counts land in the run's folder (figures get slower).
 */
import os from 'node:os';
import { findRepoRoot } from '../../runtime/db';
import { runCliMain, UsageError, usageErrorText } from '../cli';
import {
  checkBuild,
  checkStackRestarts,
  logRunStart,
  machineInfo,
  stackIdentity,
  versions,
} from './environment';
import { BENCH_CLI, parseOptions, type Options } from './options';
import { loadDataset } from './phases/dataset';
import { measureOnOneDeployment, pipelineNodeOptions } from './phases/deployment';
import { measureDrain } from './phases/drain';
import { measureDrill } from './phases/drill';
import { measureLimitsAndNaive } from './phases/limits';
import { measureScale } from './phases/scale';
import { measureScaleOut } from './phases/scaleout';
import { measureUi } from './phases/ui';
import { writeReport } from './report-file';
import { BenchRun } from './run';
import { round } from './stats';

const repoRoot = findRepoRoot(__dirname);

/** The run, phase by phase (each phase module says what it measures). @returns the exit code */
async function main(): Promise<number> {
  // `--check-options` (first, from scripts/bench/bench.sh): parse only, before any setup.
  // Exit 0: fine; 2: usage error (printed); 3: the help was printed.
  const argv = process.argv.slice(2);
  const checkOnly = argv[0] === '--check-options';
  const opts = parseCommandLine(checkOnly ? argv.slice(1) : argv);
  if (typeof opts === 'number') return checkOnly && opts === 0 ? 3 : opts;
  if (checkOnly) return 0;
  const buildProblem = checkBuild(opts.pipelineRoot);
  if (buildProblem) {
    console.error(`bench: ${buildProblem}`);
    return 1;
  }
  const run = new BenchRun(opts, repoRoot);
  run.start();
  const machine = machineInfo();
  const versionInfo = await versions(run.base, repoRoot);
  const stackAtStart = await stackIdentity(run.base);
  logRunStart(run, machine, versionInfo);

  // The `ui`, `scale` and `drill` phases build their own data sets; the others share this one.
  const onlyOwnData = [...opts.phases].every((p) => p === 'ui' || p === 'scale' || p === 'drill');
  const data = onlyOwnData ? undefined : await loadDataset(run);
  try {
    const nodeOptions = pipelineNodeOptions(run);
    if (data) {
      await measureLimitsAndNaive(run, data);
      await measureOnOneDeployment(run, data, nodeOptions);
      await measureScaleOut(run, data, nodeOptions);
      await measureDrain(run, data, nodeOptions);
    }
    await measureScale(run, nodeOptions);
    await measureDrill(run, nodeOptions);
    await measureUi(run, nodeOptions);
  } finally {
    await run.finish();
  }
  await run.afterPhases(); // an interrupted run exits in there, once everything is removed
  const { atEnd, restarts } = await checkStackRestarts(run.base, stackAtStart);
  machine.loadAverageAtEnd = os.loadavg().map(round);
  return writeReport(run, {
    machine,
    versions: versionInfo,
    stack: { atStart: stackAtStart, atEnd, restartedDuringRun: restarts },
  });
}

/**
 * The options, or the exit code when there is nothing to run: 0 after printing the help,
 * 2 after printing a usage error.
 */
function parseCommandLine(argv: readonly string[]): Options | number {
  try {
    const opts = parseOptions(argv, repoRoot);
    if (opts !== 'help') return opts;
    console.log(BENCH_CLI.help);
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(usageErrorText(BENCH_CLI, err));
    return 2;
  }
}

runCliMain('bench', () => main());
