import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { EntitySummary, OrderSummary } from '../../contracts';
import { createLogger } from '../../runtime/logger';
import type { RedisClient } from '../../runtime/redis';
import { CacheWriter } from './cache-writer';

/** A fake ioredis client: `frozen` makes every command hang until thawed; writes land in `store`. */
class FakeRedis extends EventEmitter {
  status = 'ready';
  frozen = false;
  store = new Map<string, string>();
  execs = 0;
  private waiting: (() => void)[] = [];
  private gate(): Promise<void> {
    return this.frozen ? new Promise((r) => this.waiting.push(r)) : Promise.resolve();
  }
  thaw(): void {
    this.frozen = false;
    for (const w of this.waiting.splice(0)) w();
  }
  async ping(): Promise<string> {
    if (this.frozen) throw new Error('Command timed out');
    return 'PONG';
  }
  async publish(): Promise<number> {
    await this.gate();
    return 0;
  }
  multi() {
    const sets: [string, string][] = [];
    const m = {
      set: (k: string, v: string) => (sets.push([k, v]), m),
      publish: () => m,
      exec: async () => {
        this.execs += 1;
        if (this.frozen) throw new Error('Command timed out'); // what commandTimeout gives
        for (const [k, v] of sets) this.store.set(k, v);
        return [];
      },
    };
    return m;
  }
}

const order = (orderId: string, status: string): EntitySummary => ({
  kind: 'order',
  order: { orderId, status } as OrderSummary,
});
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const log = createLogger('test', 'silent');

describe('CacheWriter', () => {
  it('never blocks the caller, merges per key while a write runs, and keeps the latest state', async () => {
    const redis = new FakeRedis();
    const w = new CacheWriter(redis as unknown as RedisClient, 'p', 'order-processor', log);
    w.submit([order('a', 'created')]);
    w.submit([order('a', 'approved'), order('b', 'created')]);
    w.submit([order('a', 'picked')]);
    await tick();
    expect(JSON.parse(redis.store.get('p:order:a')!).order.status).toBe('picked');
    expect(redis.store.has('p:order:b')).toBe(true);
    expect(redis.execs).toBe(2); // the first write, then one merged write
  });

  it('drops writes while Redis does not answer, stays bounded, and rebuilds once it answers', async () => {
    const redis = new FakeRedis();
    const w = new CacheWriter(redis as unknown as RedisClient, 'p', 'order-processor', log, 100);
    let rebuilds = 0;
    w.start(async () => {
      rebuilds += 1;
      redis.store.set('p:order:a', JSON.stringify(order('a', 'from-postgres')));
      return 1;
    });
    await tick();
    expect(rebuilds).toBe(1); // at start-up
    redis.frozen = true;
    w.submit([order('a', 'approved')]); // fails: the cache is marked dirty
    await tick();
    const before = redis.execs;
    for (let i = 0; i < 10_000; i++) w.submit([order(`x${i}`, 'created')]); // dropped, not queued
    await tick();
    expect(redis.execs).toBe(before);
    expect(rebuilds).toBe(1);
    redis.thaw();
    await new Promise((r) => setTimeout(r, 1_200)); // the dirty probe runs every second
    expect(rebuilds).toBe(2);
    expect(JSON.parse(redis.store.get('p:order:a')!).order.status).toBe('from-postgres');
    w.submit([order('a', 'picked')]); // normal writes again
    await tick();
    expect(JSON.parse(redis.store.get('p:order:a')!).order.status).toBe('picked');
    w.close();
  });

  it('past the bound of merged entries, drops them and rebuilds instead', async () => {
    const redis = new FakeRedis();
    const w = new CacheWriter(redis as unknown as RedisClient, 'p', 'order-processor', log, 3);
    let rebuilds = 0;
    w.start(async () => {
      rebuilds += 1;
      return 0;
    });
    await tick();
    // A slow (not failing) write: what arrives meanwhile is merged, up to the bound.
    const plain = redis.multi.bind(redis);
    let release: () => void = () => undefined;
    redis.multi = () => {
      const m = plain();
      const exec = m.exec;
      m.exec = async () => {
        await new Promise<void>((r) => (release = r));
        return exec();
      };
      return m;
    };
    w.submit([order('a', 'created')]); // in flight
    await tick();
    w.submit([order('b', '1'), order('c', '1'), order('d', '1'), order('e', '1')]); // 4 > 3: dropped
    release();
    await tick(20);
    expect(rebuilds).toBe(2);
    expect(redis.store.has('p:order:e')).toBe(false);
    w.close();
  });
});
