/**
 * Worker supervisor: starts each worker process, restarts it with exponential backoff when it
 * exits, and reports each one's state. The way a process is spawned is injected: Electron's
 * `utilityProcess` on the desktop, `child_process.fork` headless (see `forkSpawner`).
 */
import { fork } from 'node:child_process';
import { backoffDelay, WORKER_NAMES, type WorkerHealth, type WorkerName } from '../contracts';
import type { Logger } from '../runtime/logger';

// The workers (contracts/workers.ts); each runs `<workersDir>/<name>.mjs`.
export { WORKER_NAMES, type WorkerName };

/** A running worker process as the supervisor sees it. */
export interface SupervisedProcess {
  readonly pid: number | null;
  /** Sends SIGTERM (graceful) or SIGKILL. */
  kill(signal?: NodeJS.Signals): void;
  /** Called once when the process exits, with its exit code (null when killed by a signal) and the signal. */
  onExit(listener: (code: number | null, signal?: string | null) => void): void;
}

/** Starts a worker script with an environment. */
export type Spawner = (name: WorkerName, script: string, env: NodeJS.ProcessEnv) => SupervisedProcess;

/**
 * V8 heap caps for every worker process. Without them V8's heap grows lazily to about 250 MB RSS
 * per worker although a worker holds at most a few 1 MB Kafka batches at a time; with these caps
 * the workers measured 146-162 MB peak RSS in the benchmark (target: < 200 MB per worker).
 */
export const WORKER_EXEC_ARGV: readonly string[] = ['--max-old-space-size=128', '--max-semi-space-size=8'];

/**
 * `execArgv` for a worker started with `env`: `WORKER_EXEC_ARGV`, or nothing when NODE_OPTIONS
 * already sets `--max-old-space-size` (an explicit user choice; command-line flags would override it).
 */
export function workerExecArgv(env: NodeJS.ProcessEnv): string[] {
  return /--max[-_]old[-_]space[-_]size/.test(env.NODE_OPTIONS ?? '') ? [] : [...WORKER_EXEC_ARGV];
}

/** Headless spawner: `child_process.fork`, worker logs go to the parent's stdout/stderr. */
export const forkSpawner: Spawner = (_name, script, env) => {
  const child = fork(script, [], {
    env,
    // fork() inherits process.execArgv by default; keep doing so and add the heap caps.
    execArgv: [...process.execArgv, ...workerExecArgv(env)],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    get pid() {
      return child.pid ?? null;
    },
    kill: (signal = 'SIGTERM') => void child.kill(signal),
    onExit: (listener) => void child.once('exit', (code, signal) => listener(code, signal)),
  };
};

export interface SupervisorOptions {
  workersDir: string;
  env: NodeJS.ProcessEnv;
  spawn: Spawner;
  log: Logger;
  /** First restart delay in ms (doubles per consecutive crash, capped at `maxBackoffMs`). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** A run longer than this (ms) resets the backoff. */
  stableAfterMs?: number;
}

interface Slot {
  name: WorkerName;
  process: SupervisedProcess | null;
  health: WorkerHealth;
  consecutiveCrashes: number;
  startedAt: number;
  timer: NodeJS.Timeout | null;
}

/** Supervises the workers; `start()` launches them, `stop()` terminates them (SIGTERM). */
export class Supervisor {
  private readonly slots = new Map<WorkerName, Slot>();
  private stopping = false;

  constructor(private readonly opts: SupervisorOptions) {
    for (const name of WORKER_NAMES) {
      this.slots.set(name, {
        name,
        process: null,
        health: { name, state: 'stopped', pid: null, restarts: 0, lastExitCode: null, lastSignal: null },
        consecutiveCrashes: 0,
        startedAt: 0,
        timer: null,
      });
    }
  }

  start(): void {
    this.stopping = false;
    for (const slot of this.slots.values()) this.launch(slot);
  }

  /** Current state of every worker. */
  health(): WorkerHealth[] {
    return [...this.slots.values()].map((s) => ({ ...s.health }));
  }

  /** Sends a signal to one worker (fault drills and tests); the supervisor restarts it. */
  signal(name: WorkerName, signal: NodeJS.Signals): void {
    this.slots.get(name)?.process?.kill(signal);
  }

  /** Stops all workers and waits (up to `timeoutMs`) for them to exit. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    const waits = [...this.slots.values()].map((slot) => {
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      const proc = slot.process;
      if (!proc) {
        slot.health.state = 'stopped'; // was waiting to restart
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          proc.kill('SIGKILL');
          resolve();
        }, timeoutMs);
        proc.onExit(() => {
          clearTimeout(t);
          resolve();
        });
        proc.kill('SIGTERM');
      });
    });
    await Promise.all(waits);
  }

  private launch(slot: Slot): void {
    slot.timer = null;
    const script = `${this.opts.workersDir}/${slot.name}.mjs`;
    slot.health.state = slot.health.restarts > 0 ? 'restarting' : 'starting';
    const proc = this.opts.spawn(slot.name, script, this.opts.env);
    slot.process = proc;
    slot.startedAt = Date.now();
    slot.health.pid = proc.pid;
    slot.health.state = 'running';
    proc.onExit((code, signal) => this.onExit(slot, proc, code, signal ?? null));
  }

  private onExit(slot: Slot, proc: SupervisedProcess, code: number | null, signal: string | null): void {
    if (slot.process !== proc) return;
    slot.process = null;
    slot.health.pid = null;
    slot.health.lastExitCode = code;
    slot.health.lastSignal = signal;
    if (this.stopping) {
      slot.health.state = 'stopped';
      return;
    }
    const stable = Date.now() - slot.startedAt > (this.opts.stableAfterMs ?? 30_000);
    slot.consecutiveCrashes = stable ? 1 : slot.consecutiveCrashes + 1;
    const delay = backoffDelay(slot.consecutiveCrashes, {
      baseMs: this.opts.baseBackoffMs ?? 500,
      maxMs: this.opts.maxBackoffMs ?? 30_000,
      jitter: 'none', // one supervisor, its own workers: nothing to spread out
    });
    slot.health.state = 'crashed';
    slot.health.restarts += 1;
    this.opts.log.warn({ worker: slot.name, code, signal, restartInMs: delay }, 'worker exited; restarting');
    slot.timer = setTimeout(() => this.launch(slot), delay);
  }
}
