/**
 * An isolated deployment for the benchmark: its own PostgreSQL database and topic/group/Redis
 * prefix, the real main process (`node out/headless/serve.mjs`: API + supervisor + the three
 * workers it forks), and optionally extra worker instances started here
 * (`node out/workers/<name>.mjs`, same environment) that join the same consumer groups.
 */
import { workerExecArgv } from '../../server/supervisor';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Admin } from 'kafkajs';
import { topicNames, WORKER_NAMES, type TopicNames, consumerGroup } from '../../contracts';
import { configToEnv, type AppConfig } from '../../runtime/config';
import { createPool, type Pool } from '../../runtime/db';
import { createKafka } from '../../runtime/kafka';
import type { Cleanup } from './cleanup';
import { stopChild } from './cleanup';
import { sleep } from './stats';

export const WORKERS = WORKER_NAMES;
export type WorkerName = (typeof WORKERS)[number];

export interface DeploymentOptions {
  repoRoot: string;
  base: AppConfig;
  /** Database name and prefix (letters, digits, `_`). */
  name: string;
  /** Log file for the main process and its workers. */
  logFile: string;
  cleanup: Cleanup;
  /** Extra NODE_OPTIONS for the main process and every worker (profiling). */
  nodeOptions?: string;
}

export class Deployment {
  readonly topics: TopicNames;
  /** Our own pool on the deployment's database (progress checks; not the pipeline's). */
  readonly pool: Pool;
  readonly admin: Admin;
  readonly extraWorkers: { name: WorkerName; child: ChildProcess }[] = [];
  private logFd: number;

  private constructor(
    readonly opts: DeploymentOptions,
    readonly config: AppConfig,
    readonly main: ChildProcess,
    readonly url: string,
    readonly token: string,
    logFd: number,
  ) {
    this.topics = topicNames(config.topicPrefix);
    this.pool = createPool(config, 3);
    this.admin = createKafka(config, 'sct-bench-admin').admin();
    this.logFd = logFd;
  }

  /** Starts the main process (which forks one instance of each worker) and waits until it serves. */
  static async start(opts: DeploymentOptions): Promise<Deployment> {
    const dbUrl = new URL(opts.base.databaseUrl);
    dbUrl.pathname = `/${opts.name}`;
    const config: AppConfig = {
      ...opts.base,
      databaseUrl: dbUrl.toString(),
      topicPrefix: opts.name,
      apiPort: 0,
    };
    const { cleanup } = opts;
    cleanup.databases.add(config.databaseUrl);
    const topics = topicNames(config.topicPrefix);
    for (const t of Object.values(topics)) cleanup.topics.add(t);
    for (const w of WORKERS) cleanup.groups.add(consumerGroup(config.topicPrefix, w));
    cleanup.redisPrefixes.add(config.topicPrefix);

    const script = path.join(opts.repoRoot, 'out', 'headless', 'serve.mjs');
    if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
    const token = randomBytes(24).toString('base64url');
    const logFd = openSync(opts.logFile, 'a');
    const env: NodeJS.ProcessEnv = {
      ...configToEnv({ ...config, logLevel: 'warn' }),
      SCT_API_TOKEN: token,
      SCT_API_HOST: '127.0.0.1',
      SCT_API_PORT: '0',
    };
    if (opts.nodeOptions) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} ${opts.nodeOptions}`.trim();
    // execArgv: [] so the main process (and the workers it forks) do not inherit this script's tsx loader.
    const main = fork(script, [], {
      cwd: opts.repoRoot,
      env,
      execArgv: [],
      stdio: ['ignore', logFd, logFd, 'ipc'],
    });
    cleanup.processes.add(main);
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`main process did not start within 60 s (log: ${opts.logFile})`)),
        60_000,
      );
      main.on('message', (m: { type?: string; url?: string }) => {
        if (m.type === 'ready' && m.url) {
          clearTimeout(t);
          resolve(m.url);
        }
      });
      main.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`main process exited with code ${code} (log: ${opts.logFile})`));
      });
    });
    const dep = new Deployment(opts, config, main, url, token, logFd);
    await dep.admin.connect();
    return dep;
  }

  /** fetch against the API with the bearer token. */
  api(pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${pathAndQuery}`, {
      ...init,
      headers: {
        authorization: `Bearer ${this.token}`,
        'content-type': 'application/json',
        ...(init.headers ?? {}),
      },
    });
  }

  /** Starts `count` more instances of each worker (same environment as the supervisor's). */
  startExtraWorkers(count: number): void {
    const env = configToEnv({ ...this.config, logLevel: 'warn' });
    if (this.opts.nodeOptions) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} ${this.opts.nodeOptions}`.trim();
    for (let i = 0; i < count; i++) {
      for (const name of WORKERS) {
        const child = spawn(
          process.execPath,
          [...workerExecArgv(env), path.join(this.opts.repoRoot, 'out', 'workers', `${name}.mjs`)],
          {
            cwd: this.opts.repoRoot,
            env,
            stdio: ['ignore', this.logFd, this.logFd],
          },
        );
        this.opts.cleanup.processes.add(child);
        this.extraWorkers.push({ name, child });
      }
    }
  }

  /**
   * Waits until each worker's consumer group is stable with `members` members that all hold
   * partitions (so the load does not measure start-up and rebalancing).
   */
  async waitForGroups(members: number, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const names = WORKERS.map((w) => consumerGroup(this.config.topicPrefix, w));
    let last = '';
    while (Date.now() < deadline) {
      if (this.main.exitCode !== null) throw new Error(`main process exited (log: ${this.opts.logFile})`);
      const { groups } = await this.admin.describeGroups(names);
      const ok = groups.every(
        (g) =>
          g.state === 'Stable' &&
          g.members.length === members &&
          g.members.every((m) => m.memberAssignment.length > 0),
      );
      last = groups.map((g) => `${g.groupId}: ${g.state}/${g.members.length}`).join(', ');
      if (ok) {
        await sleep(1_000); // the workers seek to their stored positions right after the join
        return;
      }
      await sleep(500);
    }
    throw new Error(
      `consumer groups not stable with ${members} member(s) each within ${timeoutMs} ms (${last})`,
    );
  }

  /** pids of the workers (the supervisor's forks are found as children of the main process). */
  extraWorkerPids(): { pid: number; name: WorkerName }[] {
    return this.extraWorkers.filter((w) => w.child.pid).map((w) => ({ pid: w.child.pid!, name: w.name }));
  }

  /** Stops the processes (main SIGTERM stops its workers) and closes our clients. */
  async stop(): Promise<void> {
    await Promise.all(this.extraWorkers.map((w) => stopChild(w.child)));
    await stopChild(this.main, 20_000);
    for (const w of this.extraWorkers) this.opts.cleanup.processes.delete(w.child);
    this.opts.cleanup.processes.delete(this.main);
    await this.pool.end().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    try {
      closeSync(this.logFd);
    } catch {
      // already closed
    }
  }
}
