import { fork } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../runtime/logger';
import {
  forkSpawner,
  Supervisor,
  WORKER_EXEC_ARGV,
  workerExecArgv,
  type SupervisedProcess,
  type Spawner,
} from './supervisor';

vi.mock('node:child_process', () => ({ fork: vi.fn(() => ({ pid: 77, kill: vi.fn(), once: vi.fn() })) }));

class FakeProcess implements SupervisedProcess {
  private listeners: ((code: number | null, signal?: string | null) => void)[] = [];
  constructor(readonly pid: number) {}
  kill = vi.fn((signal?: NodeJS.Signals) => this.exit(null, signal ?? 'SIGTERM'));
  onExit(listener: (code: number | null, signal?: string | null) => void): void {
    this.listeners.push(listener);
  }
  exit(code: number | null, signal: string | null = null): void {
    const ls = this.listeners;
    this.listeners = [];
    for (const l of ls) l(code, signal);
  }
}

describe('Supervisor', () => {
  it('restarts a crashed worker with exponential backoff and reports its state', async () => {
    vi.useFakeTimers();
    const spawned: FakeProcess[] = [];
    const spawn: Spawner = () => {
      const p = new FakeProcess(100 + spawned.length);
      spawned.push(p);
      return p;
    };
    const sup = new Supervisor({
      workersDir: '/w',
      env: {},
      spawn,
      log: createLogger('t', 'silent'),
      baseBackoffMs: 100,
    });
    sup.start();
    expect(spawned).toHaveLength(3);
    const first = spawned[0]!;
    first.exit(1);
    let h = sup.health().find((w) => w.name === 'order-processor')!;
    expect(h).toMatchObject({ state: 'crashed', restarts: 1, lastExitCode: 1, pid: null });
    vi.advanceTimersByTime(100);
    expect(spawned).toHaveLength(4);
    spawned[3]!.exit(1); // crashes again right away: the delay doubles
    vi.advanceTimersByTime(150);
    expect(spawned).toHaveLength(4);
    vi.advanceTimersByTime(100);
    expect(spawned).toHaveLength(5);
    h = sup.health().find((w) => w.name === 'order-processor')!;
    expect(h).toMatchObject({ state: 'running', restarts: 2, pid: 104 });
    sup.signal('shipment-tracker', 'SIGKILL');
    expect(sup.health().find((w) => w.name === 'shipment-tracker')).toMatchObject({
      lastExitCode: null,
      lastSignal: 'SIGKILL',
    });
    const stopping = sup.stop();
    await stopping;
    expect(sup.health().every((w) => w.state === 'stopped')).toBe(true);
    vi.useRealTimers();
  });
});

describe('worker heap caps', () => {
  it('forkSpawner passes the parent execArgv plus the heap caps', () => {
    const env = { A: '1' };
    const child = forkSpawner('order-processor', '/w/order-processor.mjs', env);
    expect(child.pid).toBe(77);
    expect(fork).toHaveBeenLastCalledWith('/w/order-processor.mjs', [], {
      env,
      execArgv: [...process.execArgv, '--max-old-space-size=128', '--max-semi-space-size=8'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  });

  it('leaves the heap to an explicit --max-old-space-size in NODE_OPTIONS', () => {
    expect(workerExecArgv({})).toEqual([...WORKER_EXEC_ARGV]);
    expect(workerExecArgv({ NODE_OPTIONS: '--enable-source-maps' })).toEqual([...WORKER_EXEC_ARGV]);
    expect(workerExecArgv({ NODE_OPTIONS: '--max-old-space-size=512' })).toEqual([]);
    expect(workerExecArgv({ NODE_OPTIONS: '--trace-gc --max_old_space_size=64' })).toEqual([]);
  });
});
