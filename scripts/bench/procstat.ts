/**
 * Process figures from /proc (Linux): peak resident memory (VmHWM) per role, and CPU time per
 * process group between two snapshots (to see where the two cores went during a phase).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of utime/stime in /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** VmHWM (peak RSS) and VmRSS of a process, in kB; null when it is gone. */
export function memoryOf(pid: number): { hwmKb: number; rssKb: number } | null {
  const text = read(`/proc/${pid}/status`);
  if (!text) return null;
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  const hwmKb = field('VmHWM');
  const rssKb = field('VmRSS');
  if (!Number.isFinite(rssKb)) return null;
  return { hwmKb: Number.isFinite(hwmKb) ? hwmKb : rssKb, rssKb };
}

interface Stat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime, in seconds. */
  cpuSeconds: number;
}

function statOf(pid: number): Stat | null {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return null;
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const rest = text.slice(close + 2).split(' ');
  return {
    pid,
    comm,
    ppid: Number(rest[1]),
    cpuSeconds: (Number(rest[11]) + Number(rest[12])) / TICKS_PER_SECOND,
  };
}

/** Command line of a process ('' when gone or unreadable). */
export function cmdlineOf(pid: number): string {
  return (read(`/proc/${pid}/cmdline`) ?? '').replace(/\0/g, ' ').trim();
}

function allStats(): Stat[] {
  const out: Stat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = statOf(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** Direct children of a process. */
export function childrenOf(pid: number): number[] {
  return allStats()
    .filter((s) => s.ppid === pid)
    .map((s) => s.pid);
}

/** Worker name of a process started from `out/workers/<name>.mjs`, or null. */
export function workerNameOf(pid: number): string | null {
  return /out\/workers\/([a-z-]+)\.mjs/.exec(cmdlineOf(pid))?.[1] ?? null;
}

/** pid of the local Kafka broker (a JVM running kafka-server), or null. */
export function kafkaBrokerPid(): number | null {
  for (const s of allStats()) {
    if (s.comm === 'java' && /kafka/.test(cmdlineOf(s.pid))) return s.pid;
  }
  return null;
}

/**
 * Tracks peak memory of processes by role (`main`, `order-processor`, ...). Roles keep the
 * maximum over all their processes (several instances, restarts, two deployments).
 */
export class MemoryWatcher {
  /** Tracked processes by pid: role. */
  readonly roles = new Map<number, string>();
  readonly perPid = new Map<number, { role: string; hwmKb: number; rssKb: number }>();
  private timer: NodeJS.Timeout | null = null;

  track(pid: number, role: string): void {
    this.roles.set(pid, role);
  }

  /** Tracks the worker processes among the children of `mainPid` (the supervisor's forks). */
  trackChildrenOf(mainPid: number): void {
    for (const child of childrenOf(mainPid)) {
      const name = workerNameOf(child);
      if (name) this.track(child, name);
    }
  }

  sample(): void {
    for (const [pid, role] of this.roles) {
      const m = memoryOf(pid);
      if (!m) continue;
      const prev = this.perPid.get(pid);
      this.perPid.set(pid, {
        role,
        hwmKb: Math.max(prev?.hwmKb ?? 0, m.hwmKb),
        rssKb: Math.max(prev?.rssKb ?? 0, m.rssKb),
      });
    }
  }

  /** Samples every `everyMs`; `onTick` runs first (e.g. to discover restarted workers). */
  start(everyMs: number, onTick?: () => void): void {
    this.stop();
    this.timer = setInterval(() => {
      try {
        onTick?.();
        this.sample();
      } catch {
        // a process vanished between listing and reading: next tick
      }
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Peak RSS (max VmHWM) per role, in MB. */
  peaksMb(): Record<string, { peakMb: number; processes: number }> {
    const out: Record<string, { peakMb: number; processes: number }> = {};
    for (const { role, hwmKb } of this.perPid.values()) {
      const entry = (out[role] ??= { peakMb: 0, processes: 0 });
      entry.peakMb = Math.max(entry.peakMb, hwmKb / 1024);
      entry.processes += 1;
    }
    return out;
  }
}

/** CPU seconds per process (with its group), and the whole machine's busy/total seconds. */
export interface CpuSnapshot {
  at: number;
  perPid: Map<number, { group: string; cpuSeconds: number }>;
  machineBusy: number;
  machineTotal: number;
}

function machineCpu(): { busy: number; total: number } {
  const line = (read('/proc/stat') ?? '').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

/**
 * Takes a CPU snapshot. `roles` maps our pids to a group name (main, workers, bench); the broker,
 * every PostgreSQL process and redis-server are grouped by name. PostgreSQL and Kafka serve other
 * users of this machine too: their figures include that traffic.
 */
export function cpuSnapshot(roles: ReadonlyMap<number, string>): CpuSnapshot {
  const perPid = new Map<number, { group: string; cpuSeconds: number }>();
  for (const s of allStats()) {
    let group = roles.get(s.pid);
    if (!group) {
      if (s.comm === 'postgres') group = 'postgres (all backends)';
      else if (s.comm === 'redis-server') group = 'redis';
      else if (s.comm === 'java' && /kafka/.test(cmdlineOf(s.pid))) group = 'kafka broker';
    }
    if (group) perPid.set(s.pid, { group, cpuSeconds: s.cpuSeconds });
  }
  const m = machineCpu();
  return { at: performance.now(), perPid, machineBusy: m.busy, machineTotal: m.total };
}

export interface CpuUse {
  wallSeconds: number;
  /** Busy cores of the whole machine (all users), on average. */
  machineBusyCores: number;
  machineCores: number;
  /** Per group: CPU seconds and average cores. Processes that exited in between are not counted. */
  groups: Record<string, { cpuSeconds: number; cores: number }>;
}

/** CPU use between two snapshots. */
export function cpuDelta(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const wall = (b.at - a.at) / 1000;
  const groups: Record<string, { cpuSeconds: number; cores: number }> = {};
  for (const [pid, now] of b.perPid) {
    const before = a.perPid.get(pid)?.cpuSeconds ?? 0;
    const g = (groups[now.group] ??= { cpuSeconds: 0, cores: 0 });
    g.cpuSeconds += Math.max(0, now.cpuSeconds - before);
  }
  for (const g of Object.values(groups)) g.cores = wall > 0 ? g.cpuSeconds / wall : 0;
  const total = b.machineTotal - a.machineTotal;
  return {
    wallSeconds: wall,
    machineBusyCores: wall > 0 ? (b.machineBusy - a.machineBusy) / wall : 0,
    machineCores: wall > 0 ? total / wall : 0,
    groups,
  };
}
