/**
 * One benchmark run's shared state and safety net: its id, folder and base configuration, the
 * phase runner (timing, CPU use, failures recorded instead of thrown), the cleanups of
 * everything the run creates (also on a signal or an unexpected error), and the memory watch
 * over the pipeline's processes.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type AppConfig } from '../../runtime/config';
import { exitAfterFlush } from '../../runtime/exit';
import { Cleanup } from './cleanup';
import { Deployment } from './deployment';
import { log } from './log';
import type { Options } from './options';
import { cpuDelta, cpuSnapshot, MemoryWatcher, type CpuUse } from './procstat';
import { markProfiles } from './profiling';
import type { Results } from './results';

/** A phase that failed or a cleanup that could not remove something. */
export interface RunError {
  phase: string;
  error: string;
}

/** The state of one run; create it once the options are known and the build checked. */
export class BenchRun {
  readonly started = new Date();
  /** The start time as a file-name stamp (`2024-05-01T10-00-00`). */
  readonly stamp = this.started.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  /** Folder of this run's logs and profiles (`bench-results/run-<stamp>`). */
  readonly runDir: string;
  /** Random tag in the names of everything the run creates (`sctbench_<id>*`). */
  readonly id = randomBytes(3).toString('hex');
  /** The configuration from the environment (log level `warn`); phases derive theirs from it. */
  readonly base: AppConfig;
  readonly errors: RunError[] = [];
  readonly results: Results = {};
  /** CPU use of each finished phase, by phase name. */
  readonly phaseCpu: Record<string, CpuUse> = {};
  readonly memory = new MemoryWatcher();
  /** Deployments started so far (their processes are watched for memory). */
  readonly deployments: Deployment[] = [];
  private readonly cleanups: Cleanup[] = [];
  // Set by a signal: the run stops, everything is removed, no report is written.
  private interrupted: Promise<void> | null = null;

  constructor(
    readonly opts: Options,
    readonly repoRoot: string,
  ) {
    this.runDir = path.join(repoRoot, 'bench-results', `run-${this.stamp}`);
    mkdirSync(this.runDir, { recursive: true });
    this.base = { ...loadConfig(process.env, process.env.SCT_SETTINGS_FILE), logLevel: 'warn' as const };
  }

  /**
   * Installs the safety net and starts the memory watch: on SIGINT, SIGTERM or SIGHUP everything
   * the run created is removed and the process exits (130, 143, 129) without a report; on an
   * unhandled rejection or exception (a client error in a load generator) the same with exit 1.
   */
  start(): void {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const) {
      process.once(signal, () => {
        log(`\n${signal}: removing what the benchmark created...`);
        this.interrupted ??= this.cleanAll().then(
          (problems) => {
            log(
              problems.length === 0
                ? 'removed; no results written'
                : `could not remove: ${problems.join('; ')}`,
            );
            return exitAfterFlush(code, 'bench');
          },
          () => exitAfterFlush(code, 'bench'),
        );
      });
    }
    const fatal = (err: unknown) => {
      log(
        `\nunexpected error: ${(err as Error).stack ?? String(err)}\nremoving what the benchmark created...`,
      );
      void this.cleanAll().finally(() => exitAfterFlush(1, 'bench'));
    };
    process.on('unhandledRejection', fatal);
    process.on('uncaughtException', fatal);
    this.memory.start(500, () => {
      for (const d of this.deployments) {
        if (d.main.pid && d.main.exitCode === null) {
          this.memory.track(d.main.pid, 'main');
          this.memory.trackChildrenOf(d.main.pid);
        }
        for (const w of d.extraWorkerPids()) this.memory.track(w.pid, w.name);
      }
    });
  }

  /** A new set of things to remove; {@link finish} runs every one not run before. */
  newCleanup(): Cleanup {
    const c = new Cleanup();
    this.cleanups.push(c);
    return c;
  }

  /**
   * Starts a phase's own deployment (main process + one instance of each worker, in databases,
   * topics and keys named `sctbench_<run id><suffix>`, removed with the run) as a timed phase, and
   * waits until every consumer group has its member.
   * @param title the phase's name in the log
   * @param logName the deployment's log file in the run folder
   * @param cleanup removes the deployment ({@link newCleanup}; the phase runs it when done)
   * @returns the deployment, or undefined when it could not start (recorded as the phase's error)
   */
  startDeployment(
    title: string,
    suffix: string,
    logName: string,
    nodeOptions: string | undefined,
    cleanup: Cleanup,
  ): Promise<Deployment | undefined> {
    return this.phase(title, async () => {
      const d = await Deployment.start({
        repoRoot: this.opts.pipelineRoot,
        base: this.base,
        name: `sctbench_${this.id}${suffix}`,
        logFile: path.join(this.runDir, logName),
        cleanup,
        nodeOptions,
      });
      this.deployments.push(d);
      await d.waitForGroups(1);
      log(`   API at ${d.url}, main pid ${d.main.pid}`);
      return d;
    });
  }

  /** Reports what a cleanup could not remove as errors of the run. */
  async recordCleanup(removal: Promise<string[]>): Promise<void> {
    for (const p of await removal) this.errors.push({ phase: 'cleanup', error: p });
  }

  /**
   * Runs one phase: logs its name, then its duration and how busy the machine was; with
   * `--profile` ends a profile segment before and after it.
   * @returns what `work` returns, or undefined when it failed (the error is recorded and logged)
   */
  async phase<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
    const t0 = Date.now();
    log(`\n== ${name}`);
    const roles = () => new Map([...this.memory.roles, [process.pid, 'bench process']]);
    const cpu0 = cpuSnapshot(roles());
    if (this.opts.profile) await this.markProfiles('between-phases');
    try {
      const r = await work();
      if (this.opts.profile) await this.markProfiles(name.split(':')[0]!.replace(/\s+/g, '-'));
      const cpu = cpuDelta(cpu0, cpuSnapshot(roles()));
      this.phaseCpu[name] = cpu;
      log(
        `   (${((Date.now() - t0) / 1000).toFixed(1)} s; whole machine ${cpu.machineBusyCores.toFixed(2)} of ${cpu.machineCores.toFixed(1)} cores busy)`,
      );
      return r;
    } catch (err) {
      if (this.interrupted) return undefined; // the failure is the interruption's doing
      const message = (err as Error).stack ?? String(err);
      this.errors.push({ phase: name, error: (err as Error).message });
      log(`   FAILED: ${message}`);
      return undefined;
    }
  }

  /** Stops the memory watch and removes everything the run created (what fails is recorded). */
  async finish(): Promise<void> {
    this.memory.stop();
    await this.recordCleanup(this.cleanAll());
  }

  /**
   * Waits for an interruption's cleanup (which exits the process), then records the memory
   * peaks. Call after {@link finish}.
   */
  async afterPhases(): Promise<void> {
    if (this.interrupted) await this.interrupted;
    this.results.memory = this.memory.peaksMb();
  }

  private async markProfiles(label: string): Promise<void> {
    await markProfiles(path.join(this.runDir, 'profiles'), this.memory.roles.keys(), label);
  }

  private async cleanAll(): Promise<string[]> {
    const problems: string[] = [];
    for (const c of this.cleanups) problems.push(...(await c.run()));
    return problems;
  }
}
