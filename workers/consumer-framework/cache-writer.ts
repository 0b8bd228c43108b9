/**
 * A worker's Redis writes, off the batch path. The batch loop hands each commit's summaries to
 * {@link CacheWriter.submit} and moves on at once; one write runs at a time, and what arrives
 * meanwhile is merged per key (latest state wins) up to a bound. Redis is a cache, so nothing
 * waits for it and nothing is kept for it without limit: when a write fails or times out (Redis
 * down or frozen), or the merged backlog passes the bound, the pending writes are dropped and the
 * cache is marked dirty. While dirty, the writer checks every second whether Redis answers (PING
 * within the client's command timeout); when it does, the projection's rebuild rewrites every
 * entry from PostgreSQL, then a change notification with `truncated` tells consoles to refetch.
 * Every (re)connect also marks the cache dirty, as writes may have been lost before it.
 *
 * An entity removed from the read models (a drill's purge) is submitted as a removal: its entry
 * is deleted, merged with the writes like any other state (the latest wins).
 *
 * Writes and rebuilds run one after another, so an entry written by a rebuild is never overtaken
 * by an older state: writes merged during a rebuild carry states committed after what it read.
 */
import type { EntitySummary, KpiSummary } from '../../contracts';
import type { Logger } from '../../runtime/logger';
import { changeNotification, publishChanges, redisKeys, type RedisClient } from '../../runtime/redis';
import type { Projection } from './projection';

type Source = Projection<unknown>['name'];

/** Most entries merged while a write runs; past it they are dropped and the cache rebuilt. */
export const MAX_PENDING_ENTRIES = 10_000;

/** How often (ms) a dirty cache checks whether Redis answers again. */
export const DIRTY_PROBE_MS = 1_000;

/** What a projection's after-commit step writes to: a {@link CacheWriter}, or {@link NO_CACHE} (replays). */
export type CacheSink = Pick<CacheWriter, 'submit'>;

/** A sink that writes nothing (replays rebuild read models only). */
export const NO_CACHE: CacheSink = { submit: () => undefined };

/** A cache entry to remove (an entity a drill's purge took out of the read models). */
export interface RemovedEntity {
  kind: EntitySummary['kind'];
  id: string;
}

interface Pending {
  /** Latest state per `o:<id>` / `s:<id>`: a summary to write, or a removal. */
  summaries: Map<string, EntitySummary | { removed: RemovedEntity }>;
  kpiSnapshot?: KpiSummary;
}

export class CacheWriter {
  private pending: Pending | null = null;
  private busy = false;
  private dirty = false;
  private rebuild: (() => Promise<number>) | null = null;
  private probe: NodeJS.Timeout | null = null;
  private closed = false;

  /**
   * No side effect until {@link CacheWriter.start} or {@link CacheWriter.submit}.
   * @param maxPending most merged entries while a write runs (default {@link MAX_PENDING_ENTRIES})
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly source: Source,
    private readonly log: Logger,
    private readonly maxPending = MAX_PENDING_ENTRIES,
  ) {}

  /**
   * Starts the rebuilds: now when Redis is ready, on every (re)connect, and whenever the cache is dirty
   * and Redis answers again.
   * @param rebuild rewrites this worker's entries from PostgreSQL; resolves to the number written, rejects on failure
   */
  start(rebuild: () => Promise<number>): void {
    this.rebuild = rebuild;
    this.redis.on('ready', () => this.markDirty('Redis (re)connected'));
    this.markDirty('start-up');
  }

  /**
   * Queues entity summaries (and the KPI snapshot) for Redis with one change notification listing
   * them; returns at once, never throws. Dropped while the cache is dirty (a rebuild is due, and
   * it reads PostgreSQL after this commit); merged while a write or a rebuild runs.
   */
  submit(
    summaries: readonly EntitySummary[],
    kpiSnapshot?: KpiSummary,
    removed: readonly RemovedEntity[] = [],
  ): void {
    if (this.closed || this.dirty) return;
    const p: Pending = (this.pending ??= { summaries: new Map() });
    for (const s of summaries)
      p.summaries.set(s.kind === 'order' ? `o:${s.order.orderId}` : `s:${s.shipment.shipmentId}`, s);
    for (const r of removed) p.summaries.set(`${r.kind === 'order' ? 'o' : 's'}:${r.id}`, { removed: r });
    if (kpiSnapshot) p.kpiSnapshot = kpiSnapshot;
    if (p.summaries.size > this.maxPending) {
      this.pending = null;
      this.markDirty(`more than ${this.maxPending} cache entries waiting`);
      return;
    }
    void this.pump();
  }

  /** Drops pending writes and schedules a rebuild from PostgreSQL once Redis answers. */
  markDirty(reason: string): void {
    if (this.closed) return;
    if (!this.dirty) this.log.info({ reason }, 'Redis cache marked for rebuild');
    this.dirty = true;
    void this.pump();
  }

  /** Stops probing; pending writes are dropped. */
  close(): void {
    this.closed = true;
    this.pending = null;
    if (this.probe) clearTimeout(this.probe);
  }

  /** Runs rebuilds and writes one at a time until nothing is left (or Redis does not answer). */
  private async pump(): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      for (;;) {
        if (this.dirty) {
          if (!this.rebuild || !(await this.answers())) break;
          this.dirty = false;
          this.pending = null; // committed before the rebuild reads: it writes them
          await this.rebuildNow();
          continue;
        }
        const p = this.pending;
        if (!p) break;
        this.pending = null;
        await this.write(p);
      }
    } finally {
      this.busy = false;
    }
    if (this.dirty && !this.closed) this.scheduleProbe();
  }

  private async answers(): Promise<boolean> {
    if (this.redis.status !== 'ready') return false;
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  private async rebuildNow(): Promise<void> {
    const t0 = Date.now();
    try {
      const entries = await this.rebuild!();
      // Notifications were lost while the cache was dirty: consoles refetch what they show.
      await this.redis.publish(
        redisKeys(this.prefix).changes,
        JSON.stringify({ ...changeNotification(this.source, { kpi: true }), truncated: true }),
      );
      this.log.info({ entries, ms: Date.now() - t0 }, 'Redis cache rebuilt from PostgreSQL');
    } catch (err) {
      this.dirty = true;
      this.log.warn({ err: String(err) }, 'Redis cache rebuild failed; retried when Redis answers');
    }
  }

  private async write(p: Pending): Promise<void> {
    const summaries: EntitySummary[] = [];
    const removed: RemovedEntity[] = [];
    for (const entry of p.summaries.values()) {
      if ('removed' in entry) removed.push(entry.removed);
      else summaries.push(entry);
    }
    const ids = (kind: EntitySummary['kind']) => [
      ...summaries.flatMap((s) =>
        s.kind === kind ? [s.kind === 'order' ? s.order.orderId : s.shipment.shipmentId] : [],
      ),
      ...removed.flatMap((r) => (r.kind === kind ? [r.id] : [])),
    ];
    try {
      await publishChanges(
        this.redis,
        this.prefix,
        summaries,
        changeNotification(this.source, {
          orderIds: ids('order'),
          shipmentIds: ids('shipment'),
          // Open exceptions, a KPI, are counted from shipments: a shipment change can move it.
          kpi: p.kpiSnapshot !== undefined || ids('shipment').length > 0,
        }),
        p.kpiSnapshot,
        removed,
      );
    } catch (err) {
      this.pending = null;
      if (!this.dirty) this.log.warn({ err: String(err) }, 'Redis write failed; cache will be rebuilt');
      this.dirty = true;
    }
  }

  private scheduleProbe(): void {
    if (this.probe) return;
    this.probe = setTimeout(() => {
      this.probe = null;
      void this.pump();
    }, DIRTY_PROBE_MS);
    this.probe.unref();
  }
}
