/**
 * What a benchmark run records about where it ran: the machine, the versions of everything
 * measured, the identity of the shared services (to notice a restart during the run), and
 * whether the built pipeline is current.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import type { AppConfig } from '../../runtime/config';
import { createPool } from '../../runtime/db';
import { WORKERS } from './deployment';
import { log } from './log';
import { cmdlineOf, kafkaBrokerPid } from './procstat';
import type { BenchRun } from './run';
import { round } from './stats';

/** The machine, for the result JSON (`loadAverageAtEnd` is set when the phases are done). */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryMb: number;
  kernel: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
}

/** What identifies one run of each shared service (a change means it restarted); null: down. */
export interface StackIdentity {
  postgresStartedAt: string | null;
  kafkaBrokerPid: number | null;
  redisRunId: string | null;
}

/** The machine now: cores, CPU model, memory, kernel and load average. */
export function machineInfo(): MachineInfo {
  return {
    cores: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryMb: Math.round(os.totalmem() / 1048576),
    kernel: os.release(),
    loadAverageAtStart: os.loadavg().map(round),
    loadAverageAtEnd: [],
  };
}

/** Versions of everything measured ('unknown' for what cannot be asked). */
export async function versions(base: AppConfig, repoRoot: string): Promise<Record<string, string>> {
  const pkg = (name: string) => {
    try {
      return (
        JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    } catch {
      return 'unknown';
    }
  };
  const out: Record<string, string> = { node: process.version };
  const brokerPid = kafkaBrokerPid();
  const jar = brokerPid ? /kafka(?:-server|_2\.\d+)-(\d+\.\d+\.\d+)\.jar/.exec(cmdlineOf(brokerPid)) : null;
  out.kafkaBroker = jar ? `${jar[1]} (KRaft, local stack)` : 'unknown (not the local stack broker)';
  const pool = createPool({ databaseUrl: serverDatabaseUrl(base) }, 1);
  try {
    out.postgres = (await pool.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v.split(' on ')[0]!;
  } catch {
    out.postgres = 'unknown';
  } finally {
    await pool.end();
  }
  const redis = new Redis(base.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    out.redis = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  } catch {
    out.redis = 'unknown';
  } finally {
    redis.disconnect();
  }
  for (const name of ['kafkajs', 'pg', 'ioredis', 'fastify', 'zod']) out[name] = pkg(name);
  return out;
}

/**
 * The server's `postgres` maintenance database: server-wide questions go there, since the
 * configured database (default `sct`) need not exist; the benchmark only creates its own.
 */
function serverDatabaseUrl(base: AppConfig): string {
  const url = new URL(base.databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

/** The identity of each shared service now. */
export async function stackIdentity(base: AppConfig): Promise<StackIdentity> {
  let postgresStartedAt: string | null = null;
  const pool = createPool({ databaseUrl: serverDatabaseUrl(base) }, 1);
  try {
    postgresStartedAt = (await pool.query<{ t: string }>('SELECT pg_postmaster_start_time()::text AS t'))
      .rows[0]!.t;
  } catch {
    // down
  } finally {
    await pool.end();
  }
  let redisRunId: string | null = null;
  const redis = new Redis(base.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    redisRunId = /run_id:(\S+)/.exec(await redis.info('server'))?.[1] ?? null;
  } catch {
    // down
  } finally {
    redis.disconnect();
  }
  return { postgresStartedAt, kafkaBrokerPid: kafkaBrokerPid(), redisRunId };
}

/**
 * The shared services again at the end of the run; logs a warning when any restarted.
 * @returns the identities at the end and the names of those that changed
 */
export async function checkStackRestarts(
  base: AppConfig,
  atStart: StackIdentity,
): Promise<{ atEnd: StackIdentity; restarts: (keyof StackIdentity)[] }> {
  const atEnd = await stackIdentity(base);
  const restarts = (['postgresStartedAt', 'kafkaBrokerPid', 'redisRunId'] as const).filter(
    (k) => atStart[k] !== atEnd[k],
  );
  if (restarts.length > 0)
    log(
      `\nwarning: the shared stack restarted during the run (${restarts.join(', ')} changed): figures taken across a restart are not comparable`,
    );
  return { atEnd, restarts };
}

/**
 * Checks the built workers and main process under `root`: logs a warning when they are older
 * than their sources.
 * @returns what is missing (with how to fix it), or null when the build is there
 */
export function checkBuild(root: string): string | null {
  const built = [
    'out/headless/serve.mjs',
    ...WORKERS.map((w) => `out/workers/${w}.mjs`),
    'out/renderer/index.html',
  ].map((f) => path.join(root, f));
  const missing = built.filter((f) => !existsSync(f));
  if (missing.length > 0) return `missing ${missing.join(', ')}: run \`npm run build\` first`;
  const oldest = Math.min(...built.slice(0, -1).map((f) => statSync(f).mtimeMs));
  const newest = (dir: string): number => {
    let t = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) t = Math.max(t, newest(p));
      else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
    }
    return t;
  };
  const src = Math.max(
    ...['workers', 'runtime', 'contracts', 'server', 'electron/main'].map((d) => newest(path.join(root, d))),
  );
  if (src > oldest)
    log('warning: sources changed after the last build; run `npm run build` to measure the current code');
  return null;
}

/** The first lines of a run: id, machine, versions, run folder and (when not this repo) the pipeline's root. */
export function logRunStart(run: BenchRun, machine: MachineInfo, versionInfo: Record<string, string>): void {
  log(
    `Benchmark run ${run.id} on ${machine.cores} cores (${machine.cpuModel}), load average ${machine.loadAverageAtStart.join(' ')}`,
  );
  log(
    `versions: ${Object.entries(versionInfo)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  log(`run folder: ${path.relative(run.repoRoot, run.runDir)}`);
  if (run.opts.pipelineRoot !== run.repoRoot)
    log(`pipeline (main process, workers, migrations) from ${run.opts.pipelineRoot}`);
}
