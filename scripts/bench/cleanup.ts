/**
 * Everything the benchmark creates on the shared stack (databases, topics, consumer groups, Redis
 * key prefixes, processes), so it can all be removed at the end, on an error and on Ctrl-C.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadConfig } from '../../runtime/config';
import { dropDatabase } from '../../runtime/db';
import { createKafka } from '../../runtime/kafka';
import Redis from 'ioredis';

export class Cleanup {
  readonly databases = new Set<string>();
  readonly topics = new Set<string>();
  readonly groups = new Set<string>();
  readonly redisPrefixes = new Set<string>();
  readonly processes = new Set<ChildProcess>();
  /** The one removal in progress or done: every caller waits for the same one. */
  private running: Promise<string[]> | null = null;

  /** Stops our processes (SIGTERM, then SIGKILL after `graceMs`). */
  async stopProcesses(graceMs = 15_000): Promise<void> {
    await Promise.all([...this.processes].map((p) => stopChild(p, graceMs)));
    this.processes.clear();
  }

  /**
   * Removes everything registered. Safe to call twice, also concurrently (a signal handler and
   * the main flow's `finally`): a second call waits for the first removal instead of returning
   * early. A shared service that is down or restarting (another user's fault drill) is retried
   * for up to `retryForMs`; returns what could still not be removed.
   */
  run(retryForMs = 90_000): Promise<string[]> {
    this.running ??= this.removeAll(retryForMs);
    return this.running;
  }

  private async removeAll(retryForMs: number): Promise<string[]> {
    await this.stopProcesses();
    // Workers forked by a main process that died are orphans: find them by our prefixes.
    await stopOrphanWorkers(this.redisPrefixes);
    const deadline = Date.now() + retryForMs;
    for (;;) {
      const problems = await this.removeOnce();
      if (problems.length === 0 || Date.now() > deadline) return problems;
      await new Promise((r) => setTimeout(r, 3_000));
    }
  }

  /** One pass; removes what it removed from the sets, returns the problems. */
  private async removeOnce(): Promise<string[]> {
    const problems: string[] = [];
    const base = loadConfig();
    if (this.topics.size > 0 || this.groups.size > 0 || this.redisPrefixes.size > 0) {
      const admin = createKafka(base, 'sct-bench-cleanup').admin();
      // Everything under a deployment's prefix is ours too (e.g. a replay's groups `<prefix>.replay_*`).
      const underPrefix = (name: string) => [...this.redisPrefixes].some((p) => name.startsWith(`${p}.`));
      try {
        await admin.connect();
        const existing = new Set(await admin.listTopics());
        const mine = [...existing].filter((t) => this.topics.has(t) || underPrefix(t));
        if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 15_000 });
        this.topics.clear();
        const groups = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
        const myGroups = [...groups].filter((g) => this.groups.has(g) || underPrefix(g));
        if (myGroups.length > 0) await admin.deleteGroups(myGroups);
        this.groups.clear();
      } catch (err) {
        problems.push(`kafka topics/groups: ${(err as Error).message}`);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
    for (const url of [...this.databases]) {
      await dropDatabase(url).then(
        () => this.databases.delete(url),
        (err: unknown) =>
          problems.push(`database ${new URL(url).pathname.slice(1)}: ${(err as Error).message}`),
      );
    }
    for (const prefix of [...this.redisPrefixes]) {
      await deleteRedisKeys(base.redisUrl, prefix).then(
        () => this.redisPrefixes.delete(prefix),
        (err: unknown) => problems.push(`redis keys ${prefix}:*: ${(err as Error).message}`),
      );
    }
    return problems;
  }
}

/**
 * Stops worker processes (`out/workers/*.mjs`) whose SCT_TOPIC_PREFIX is one of `prefixes`: only
 * this benchmark's (the prefixes are unique to the run), e.g. left behind by a crashed main process.
 */
export async function stopOrphanWorkers(prefixes: ReadonlySet<string>, graceMs = 10_000): Promise<number[]> {
  const mine = (pid: number) => {
    try {
      if (!/out\/workers\/[a-z-]+\.mjs/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) return false;
      const prefix = /(?:^|\0)SCT_TOPIC_PREFIX=([^\0]*)/.exec(
        readFileSync(`/proc/${pid}/environ`, 'utf8'),
      )?.[1];
      return prefix !== undefined && prefixes.has(prefix);
    } catch {
      return false;
    }
  };
  const pids = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter(mine);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + graceMs;
  while (pids.some(mine) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  for (const pid of pids.filter(mine)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids;
}

/** SIGTERM a child and wait for it to exit; SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, graceMs);
    t.unref();
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Removes the cache keys of a deployment prefix (`<prefix>:*`). */
async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
