/**
 * Latency to visible at a steady offered load: new orders (`order.created`, an Olist order's
 * payload under a new id) are offered open-loop at a fixed rate through `POST /api/events/batch`
 * (a small batch every tick, not waiting for earlier requests). For each event: the time from the
 * API accepting it (the 202 arriving) to
 * - the live push: the first `/api/live` (SSE) change notification that names the order;
 * - the query API: the first `GET /api/orders/:id` that finds it (a sample of events, polled by
 *   one sequential prober, so its load stays bounded).
 * A notification that arrives before the 202 counts as 0 ms.
 */
import { createParser } from 'eventsource-parser';
import { randomUUID } from 'node:crypto';
import type { ChangeNotification, SupplyChainEvent } from '../../contracts';
import type { Deployment } from './deployment';
import { distribution, nowMs, sleep, type Distribution } from './stats';

export interface LatencyResult {
  offeredPerSecond: number;
  seconds: number;
  events: number;
  acceptedPerSecond: number;
  sse: Distribution;
  query: Distribution;
  accept: Distribution;
  /** Events never named by a notification (notifications cap their id lists). */
  sseMissing: number;
  truncatedNotifications: number;
  queryMissing: number;
  failedRequests: number;
  /** Probe requests that failed at the HTTP level (the main process down or restarting). */
  queryErrors: number;
  /** Load the query prober added (GET /api/orders/:id per second). */
  queryRequestsPerSecond: number;
}

interface Pending {
  sentAt: number;
  acceptedAt?: number;
  sseAt?: number;
  queryAt?: number;
  probed: boolean;
}

/** Opens the live stream; calls `onChange` for every change notification. Abort the controller to close it. */
export async function openLive(
  dep: Deployment,
  onChange: (n: ChangeNotification) => void,
): Promise<AbortController> {
  const abort = new AbortController();
  const res = await dep.api('/api/live', { signal: abort.signal, headers: { accept: 'text/event-stream' } });
  if (res.status !== 200 || !res.body) throw new Error(`/api/live answered HTTP ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let connected!: () => void;
  const ready = new Promise<void>((r) => (connected = r));
  const parser = createParser({
    onComment: (comment) => comment === 'connected' && connected(),
    onEvent: (message) =>
      message.event === 'change' && onChange(JSON.parse(message.data) as ChangeNotification),
  });
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // aborted at the end
    }
  })();
  await Promise.race([
    ready,
    sleep(10_000).then(() => Promise.reject(new Error('/api/live sent nothing in 10 s'))),
  ]);
  return abort;
}

export async function runLatency(
  dep: Deployment,
  template: SupplyChainEvent,
  opts: {
    perSecond: number;
    seconds: number;
    tickMs: number;
    /** Probe the query API for the first event of every n-th batch. */
    probeEveryBatches: number;
    pollMs: number;
    tag: string;
    log: (line: string) => void;
  },
): Promise<LatencyResult> {
  const pending = new Map<string, Pending>();
  let truncated = 0;
  const live = await openLive(dep, (n) => {
    if (n.source !== 'order-processor') return;
    if (n.truncated) truncated += 1;
    const at = nowMs();
    for (const id of n.orderIds) {
      const p = pending.get(id);
      if (p && p.sseAt === undefined) p.sseAt = at;
    }
  });
  const perBatch = Math.max(1, Math.round((opts.perSecond * opts.tickMs) / 1000));
  const batches = Math.round((opts.seconds * 1000) / opts.tickMs);
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  // One sequential prober for the query API: each cycle asks once for every sampled order that
  // is accepted but not visible yet, then waits out the rest of `pollMs`. Its load stays bounded
  // (one request at a time) however late the pipeline gets; resolution = one cycle.
  const probeQueue: { id: string; p: Pending }[] = [];
  let probing = true;
  let gets = 0;
  let probeErrors = 0;
  const prober = (async () => {
    while (probing || probeQueue.length > 0) {
      const cycle = nowMs();
      for (const item of [...probeQueue]) {
        let status = 0;
        try {
          const res = await dep.api(`/api/orders/${encodeURIComponent(item.id)}`);
          await res.arrayBuffer();
          status = res.status;
        } catch {
          probeErrors += 1; // connection refused or reset: counted, the sample stays pending
        }
        gets += 1;
        const done = status === 200 || nowMs() - item.p.acceptedAt! > 15_000;
        if (status === 200) item.p.queryAt = nowMs();
        if (done) probeQueue.splice(probeQueue.indexOf(item), 1);
      }
      const spent = nowMs() - cycle;
      await sleep(Math.max(1, opts.pollMs - spent));
    }
  })();
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const start = nowMs();
  try {
    for (let k = 0; k < batches; k++) {
      const due = start + k * opts.tickMs;
      const wait = due - nowMs();
      if (wait > 0) await sleep(wait);
      const events = Array.from({ length: perBatch }, (_, j) => {
        const id = `lat-${opts.tag}-${k}-${j}`;
        return { ...template, id: randomUUID(), subject: id, time: new Date().toISOString() };
      });
      const sentAt = nowMs();
      const entries = events.map((e) => {
        const p: Pending = { sentAt, probed: k % opts.probeEveryBatches === 0 && e === events[0] };
        pending.set(e.subject, p);
        return [e.subject, p] as const;
      });
      track(
        (async () => {
          try {
            const res = await dep.api('/api/events/batch', {
              method: 'POST',
              body: JSON.stringify({ events }),
            });
            await res.arrayBuffer();
            if (res.status !== 202) {
              failed += 1;
              for (const [id] of entries) pending.delete(id);
              return;
            }
            const acceptedAt = nowMs();
            for (const [, p] of entries) p.acceptedAt = acceptedAt;
            const first = entries.find(([, p]) => p.probed);
            if (first) probeQueue.push({ id: first[0], p: first[1] });
          } catch {
            failed += 1;
            for (const [id] of entries) pending.delete(id);
          }
        })(),
      );
      if (k > 0 && k % Math.round(5_000 / opts.tickMs) === 0)
        opts.log(
          `  ${((nowMs() - start) / 1000).toFixed(0)} s: ${k * perBatch} events offered, ${inFlight.size} requests/probes in flight`,
        );
    }
    const offeredSeconds = (nowMs() - start) / 1000;
    // Let the last events arrive (requests, probes, notifications).
    const settle = nowMs() + 15_000;
    while (nowMs() < settle) {
      const waiting = [...pending.values()].some((p) => p.acceptedAt === undefined || p.sseAt === undefined);
      if (inFlight.size === 0 && probeQueue.length === 0 && !waiting) break;
      await sleep(100);
    }
    probing = false;
    probeQueue.length = 0;
    await prober;
    if (dep.main.exitCode !== null || dep.main.signalCode !== null)
      throw new Error('the main process exited during the latency run (see the deployment log)');
    const all = [...pending.values()].filter((p) => p.acceptedAt !== undefined);
    const sse = all.filter((p) => p.sseAt !== undefined).map((p) => Math.max(0, p.sseAt! - p.acceptedAt!));
    const probed = all.filter((p) => p.probed);
    const query = probed.filter((p) => p.queryAt !== undefined).map((p) => p.queryAt! - p.acceptedAt!);
    const lastAccepted = Math.max(...all.map((p) => p.acceptedAt!));
    return {
      offeredPerSecond: (batches * perBatch) / offeredSeconds,
      seconds: offeredSeconds,
      events: all.length,
      acceptedPerSecond: all.length / ((lastAccepted - start) / 1000),
      sse: distribution(sse),
      query: distribution(query),
      accept: distribution(all.map((p) => p.acceptedAt! - p.sentAt)),
      sseMissing: all.length - sse.length,
      truncatedNotifications: truncated,
      queryMissing: probed.length - query.length,
      failedRequests: failed,
      queryRequestsPerSecond: gets / ((nowMs() - start) / 1000),
      queryErrors: probeErrors,
    };
  } finally {
    probing = false;
    probeQueue.length = 0;
    live.abort();
  }
}
