/**
 * Worker drain rate, the consumer side alone: the topics are filled first (through the same
 * EventPublisher the API uses), then N instances of each worker are started on a fresh database
 * and timed from their first committed batch until every read model and KPI has caught up. It
 * separates the workers' own throughput (and how it scales with instances) from the API's accept
 * rate, which bounds the end-to-end figure when it is the slower stage.
 */
import { workerExecArgv } from '../../server/supervisor';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import Redis from 'ioredis';
import type { Admin } from 'kafkajs';
import { topicNames } from '../../contracts';
import { configToEnv, type AppConfig } from '../../runtime/config';
import { createPool, dropDatabase, migrate, type Pool } from '../../runtime/db';
import { createKafka, ensureTopics, EventPublisher } from '../../runtime/kafka';
import type { Cleanup } from './cleanup';
import { stopChild } from './cleanup';
import type { Dataset } from './dataset';
import { WORKERS, type WorkerName } from './deployment';
import { appliedSoFar, waitCaughtUp, type CaughtUp, type PipelineTarget } from './e2e';
import { cpuDelta, cpuSnapshot, type CpuUse } from './procstat';
import { nowMs, sleep } from './stats';

export interface DrainResult extends CaughtUp {
  instances: number;
  events: number;
  /** Worker start to first committed batch (process start, migrations, group join). */
  startSeconds: number;
  /** First committed batch to caught up. */
  seconds: number;
  perSecond: number;
  cpu: CpuUse;
}

/** A prefix whose topics hold the whole data set; drains run against it on fresh databases. */
export class DrainSource {
  private constructor(
    readonly config: AppConfig,
    readonly admin: Admin,
  ) {}

  static async fill(
    base: AppConfig,
    name: string,
    data: Dataset,
    cleanup: Cleanup,
  ): Promise<{ source: DrainSource; seconds: number }> {
    const config: AppConfig = { ...base, topicPrefix: name };
    const topics = topicNames(name);
    for (const t of Object.values(topics)) cleanup.topics.add(t);
    for (const w of WORKERS) cleanup.groups.add(`${name}.${w}`);
    cleanup.redisPrefixes.add(name);
    const kafka = createKafka(config, 'sct-bench-fill');
    await ensureTopics(kafka, config);
    const publisher = new EventPublisher(kafka, topics, config.kafkaBrokers);
    const t0 = nowMs();
    try {
      for (const batch of data.batches) await publisher.publish(batch);
    } finally {
      await publisher.close();
    }
    const admin = kafka.admin();
    await admin.connect();
    return { source: new DrainSource(config, admin), seconds: (nowMs() - t0) / 1000 };
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
  }
}

/**
 * Starts `instances` of each worker on a fresh database `<prefix>_n<instances>` and waits until
 * they have applied everything in the source topics.
 * @param track called with each worker process (memory sampling)
 */
export async function runDrain(
  source: DrainSource,
  data: Dataset,
  opts: {
    repoRoot: string;
    instances: number;
    cleanup: Cleanup;
    logFile: number;
    nodeOptions?: string;
    timeoutMs: number;
    log: (line: string) => void;
    track: (pid: number, name: WorkerName) => void;
  },
): Promise<DrainResult> {
  const db = new URL(source.config.databaseUrl);
  db.pathname = `/${source.config.topicPrefix}_n${opts.instances}`;
  const config: AppConfig = { ...source.config, databaseUrl: db.toString() };
  opts.cleanup.databases.add(config.databaseUrl);
  await migrate(config, path.join(opts.repoRoot, 'db', 'migrations'));
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  // The previous drain's KPI snapshot shares the key prefix: start from none.
  await redis.del(`${config.topicPrefix}:kpi:snapshot`).catch(() => undefined);
  const pool: Pool = createPool(config, 2);
  const target: PipelineTarget = {
    pool,
    admin: source.admin,
    topics: topicNames(config.topicPrefix),
    config,
  };
  const env = configToEnv({ ...config, logLevel: 'warn' });
  if (opts.nodeOptions) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} ${opts.nodeOptions}`.trim();
  const children: ChildProcess[] = [];
  const roles = new Map<number, string>();
  try {
    const t0 = nowMs();
    for (let i = 0; i < opts.instances; i++) {
      for (const name of WORKERS) {
        const script = path.join(opts.repoRoot, 'out', 'workers', `${name}.mjs`);
        // The same heap caps as the supervisor gives the workers it starts.
        const child = spawn(process.execPath, [...workerExecArgv(env), script], {
          cwd: opts.repoRoot,
          env,
          stdio: ['ignore', opts.logFile, opts.logFile],
        });
        opts.cleanup.processes.add(child);
        children.push(child);
        if (child.pid) {
          roles.set(child.pid, name);
          opts.track(child.pid, name);
        }
      }
    }
    // First committed batch: the drain starts.
    while ((await appliedSoFar(target)) === 0) {
      if (nowMs() - t0 > 90_000) throw new Error('workers committed nothing within 90 s');
      if (children.some((c) => c.exitCode !== null)) throw new Error('a worker exited during start-up');
      await sleep(50);
    }
    const t1 = nowMs();
    const cpu0 = cpuSnapshot(roles);
    const caught = await waitCaughtUp(target, data.expected, {
      timeoutMs: opts.timeoutMs,
      since: () => (nowMs() - t1) / 1000,
      log: opts.log,
      redis,
      pollMs: 100,
      dead: () => (children.some((c) => c.exitCode !== null || c.signalCode !== null) ? 'a worker' : null),
    });
    const cpu = cpuDelta(cpu0, cpuSnapshot(roles));
    return {
      ...caught,
      instances: opts.instances,
      events: data.events,
      startSeconds: (t1 - t0) / 1000,
      seconds: caught.kpiDoneSeconds,
      perSecond: data.events / caught.kpiDoneSeconds,
      cpu,
    };
  } finally {
    await Promise.all(children.map((c) => stopChild(c)));
    for (const c of children) opts.cleanup.processes.delete(c);
    redis.disconnect();
    await pool.end().catch(() => undefined);
    await dropDatabase(config.databaseUrl).catch(() => undefined);
  }
}
