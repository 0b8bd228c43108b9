/**
 * Pure helpers of the Pipeline screen and the health strip: consumer-lag formatting, the worst
 * partition of a worker, tones for worker states and lag, which outages stall the workers, and
 * the drift-report digest. No DOM, no network: unit-tested in Node.
 */
import type {
  DriftReport,
  PartitionLag,
  ServiceHealth,
  TableDrift,
  WorkerHealth,
} from '../../../contracts/api';
import { EMPTY, formatCount, formatDuration } from './format';

/** A worker this many seconds behind (or more) is shown red rather than amber. */
export const LAG_ALERT_SECONDS = 300;

/** Colour family used by the pipeline cards and chips. */
export type PipelineTone = 'ok' | 'warn' | 'bad' | 'unknown';

/** Lag in events: `"1,234"`, `"0"`; absent (not measured) -> `"—"`. */
export function formatLagEvents(events: number | null | undefined): string {
  return formatCount(events);
}

/**
 * Lag in time: `"0 s"` when caught up, `"<1 s"` for a fraction of a second, else the duration
 * (`"42 s"`, `"5 min"`, `"2.5 h"`); absent or unknown (null) -> `"—"`.
 */
export function formatLagSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return EMPTY;
  if (seconds > 0 && seconds < 1) return '<1 s';
  return formatDuration(seconds * 1000);
}

/** True when the server measured this worker's lag (an older server or an outage leaves it out). */
export function hasLag(worker: WorkerHealth): worker is WorkerHealth & { lagEvents: number } {
  return typeof worker.lagEvents === 'number';
}

/**
 * How a worker's last run ended: `lastSignal` (e.g. `SIGKILL`, with `lastExitCode` null) when a
 * signal killed it, else the exit code. `lastSignal` is optional: older servers leave it out.
 */
export type WorkerExit = Pick<WorkerHealth, 'lastExitCode' | 'lastSignal'>;

/** `"killed by SIGKILL"`, `"exit 1"`; null when no run has ended yet. */
export function lastExitText(worker: WorkerExit): string | null {
  if (typeof worker.lastSignal === 'string' && worker.lastSignal !== '')
    return `killed by ${worker.lastSignal}`;
  if (typeof worker.lastExitCode === 'number') return `exit ${worker.lastExitCode}`;
  return null;
}

/** True when the last run ended badly: killed by a signal or a non-zero exit code. */
export function lastExitFailed(worker: WorkerExit): boolean {
  if (typeof worker.lastSignal === 'string' && worker.lastSignal !== '') return true;
  return typeof worker.lastExitCode === 'number' && worker.lastExitCode !== 0;
}

/** The health strip's compact lag label: `"lag 0"`, `"lag 1,234"`; null when not measured. */
export function stripLagLabel(worker: WorkerHealth): string | null {
  return hasLag(worker) ? `lag ${formatLagEvents(worker.lagEvents)}` : null;
}

/** A worker's lag in words: `"lag 12 events, 40 s behind"`, `"caught up"`; null when not measured. */
export function lagText(worker: WorkerHealth): string | null {
  if (!hasLag(worker)) return null;
  if (worker.lagEvents === 0) return 'caught up';
  const events = `lag ${formatLagEvents(worker.lagEvents)} event${worker.lagEvents === 1 ? '' : 's'}`;
  const seconds = worker.lagSeconds;
  return seconds === null || seconds === undefined
    ? events
    : `${events}, ${formatLagSeconds(seconds)} behind`;
}

/**
 * The partition furthest behind: most events behind, then most seconds behind (unknown counts as
 * behind, after known values), then the lower topic/partition. Null when no partition lags.
 */
export function worstPartition(partitions: readonly PartitionLag[] | undefined): PartitionLag | null {
  let worst: PartitionLag | null = null;
  for (const p of partitions ?? []) {
    if (p.lagEvents <= 0) continue;
    if (worst === null || comparePartitionLag(p, worst) < 0) worst = p;
  }
  return worst;
}

/** Sort order "worst first" for lagging partitions (see {@link worstPartition}). */
function comparePartitionLag(a: PartitionLag, b: PartitionLag): number {
  if (a.lagEvents !== b.lagEvents) return b.lagEvents - a.lagEvents;
  const sa = a.lagSeconds ?? -1;
  const sb = b.lagSeconds ?? -1;
  if (sa !== sb) return sb - sa;
  return comparePartitions(a, b);
}

/** Topic, then partition number (the order the partition table lists them in). */
export function comparePartitions(a: PartitionLag, b: PartitionLag): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

/** The partitions in table order (a new array). */
export function sortedPartitions(partitions: readonly PartitionLag[] | undefined): PartitionLag[] {
  return [...(partitions ?? [])].sort(comparePartitions);
}

/** A topic without its deployment prefix: `sct.orders` -> `orders`. */
export function topicLabel(topic: string): string {
  const dot = topic.lastIndexOf('.');
  return dot === -1 ? topic : topic.slice(dot + 1);
}

/** `"orders/3"`: a topic without its prefix and the partition number. */
export function partitionLabel(p: Pick<PartitionLag, 'topic' | 'partition'>): string {
  return `${topicLabel(p.topic)}/${p.partition}`;
}

/** One line about the worst partition: `"orders/3: 120 events, 45 s behind"`; null when caught up. */
export function worstPartitionText(partitions: readonly PartitionLag[] | undefined): string | null {
  const worst = worstPartition(partitions);
  if (!worst) return null;
  const events = `${formatLagEvents(worst.lagEvents)} event${worst.lagEvents === 1 ? '' : 's'}`;
  const time =
    worst.lagSeconds === null ? 'time behind unknown' : `${formatLagSeconds(worst.lagSeconds)} behind`;
  return `${partitionLabel(worst)}: ${events}, ${time}`;
}

/**
 * The partitions the worker reports stalled (a batch retried after a lock or statement timeout
 * while the other partitions go on), in table order. Empty when none (or an older server).
 */
export function stalledPartitions(partitions: readonly PartitionLag[] | undefined): PartitionLag[] {
  return sortedPartitions(partitions).filter(
    (p) => typeof p.stalledSince === 'string' && p.stalledSince !== '',
  );
}

/**
 * How long a partition has been stalled at `nowMs`: `"45 s"`, `"3 min"`; `"—"` when it is not
 * stalled or the instant is unreadable.
 */
export function stalledFor(p: Pick<PartitionLag, 'stalledSince'>, nowMs: number): string {
  const since = p.stalledSince ? Date.parse(p.stalledSince) : Number.NaN;
  return Number.isNaN(since) ? EMPTY : formatDuration(Math.max(0, nowMs - since));
}

/**
 * One line for a stalled partition: `"shipments/3 stalled for 45 s: waiting on a row lock ..."`;
 * null when it is not stalled.
 */
export function stallText(p: PartitionLag, nowMs: number): string | null {
  if (!p.stalledSince) return null;
  return `${partitionLabel(p)} stalled for ${stalledFor(p, nowMs)}: ${p.stallReason ?? 'reason unknown'}`;
}

/** Tone of a worker's process state: running green, starting/restarting amber, crashed/stopped red. */
export function workerStateTone(state: WorkerHealth['state']): PipelineTone {
  switch (state) {
    case 'running':
      return 'ok';
    case 'starting':
    case 'restarting':
      return 'warn';
    case 'crashed':
    case 'stopped':
      return 'bad';
  }
}

/**
 * Tone of a worker's lag: caught up green, behind amber, behind by {@link LAG_ALERT_SECONDS} or
 * more red; `unknown` when not measured. Behind with an unknown time counts as amber.
 */
export function lagTone(worker: WorkerHealth): PipelineTone {
  if (!hasLag(worker)) return 'unknown';
  if (worker.lagEvents === 0) return 'ok';
  return (worker.lagSeconds ?? 0) >= LAG_ALERT_SECONDS ? 'bad' : 'warn';
}

/**
 * Down services that stall every worker: Kafka (nothing to consume) and PostgreSQL (nothing can
 * be committed). Redis is a cache: the workers keep applying events without it.
 */
export function stallingOutages(services: readonly ServiceHealth[] | undefined): ServiceHealth[] {
  return (services ?? []).filter((s) => s.state === 'down' && (s.name === 'kafka' || s.name === 'postgres'));
}

/**
 * Why a worker shows no partition lag: the server measures lag only while every service is up
 * (`"Lag is not measured while Redis is down."`), else it is an older server.
 */
export function lagMissingReason(services: readonly ServiceHealth[] | undefined): string {
  const down = (services ?? []).filter((s) => s.state === 'down').map((s) => SERVICE_LABELS[s.name]);
  if (down.length === 0) return 'This server does not report consumer lag.';
  return `Lag is not measured while ${down.join(' and ')} ${down.length === 1 ? 'is' : 'are'} down.`;
}

const SERVICE_LABELS: Record<ServiceHealth['name'], string> = {
  kafka: 'Kafka',
  postgres: 'PostgreSQL',
  redis: 'Redis',
};

/** True when Redis is down or degraded (workers apply events, but the cache and live updates lag). */
export function cacheDown(services: readonly ServiceHealth[] | undefined): boolean {
  return (services ?? []).some((s) => s.name === 'redis' && s.state !== 'up');
}

/**
 * Why a running worker applies nothing although its process is up (its consumer is not in its
 * consumer group, or Kafka cannot be asked), or null when it consumes or is not measured.
 */
export function consumerProblem(worker: WorkerHealth): string | null {
  if (worker.state !== 'running' || !worker.consumer || worker.consumer.state === 'consuming') return null;
  return worker.consumer.detail;
}

/**
 * The card tone of a worker: the worst of its process state, the outages that stall it, a
 * stalled partition, a consumer that is not consuming, and its lag.
 */
export function workerCardTone(worker: WorkerHealth, stalled: boolean): PipelineTone {
  const state = workerStateTone(worker.state);
  const lag = lagTone(worker);
  if (stalled || state === 'bad' || lag === 'bad' || stalledPartitions(worker.partitions).length > 0)
    return 'bad';
  if (state === 'warn' || lag === 'warn' || consumerProblem(worker)) return 'warn';
  return 'ok';
}

/** Sum of known lag over workers (null when none was measured). */
export function totalLagEvents(workers: readonly WorkerHealth[]): number | null {
  const measured = workers.filter(hasLag);
  return measured.length === 0 ? null : measured.reduce((sum, w) => sum + w.lagEvents, 0);
}

/** `"7,377 events/s"`; missing -> `"—"`. */
export function formatRate(eventsPerSecond: number | null | undefined): string {
  if (eventsPerSecond === null || eventsPerSecond === undefined || !Number.isFinite(eventsPerSecond))
    return EMPTY;
  return `${formatCount(Math.round(eventsPerSecond))} events/s`;
}

/** `"3 min ago"`, `"just now"` (under 5 s); `"—"` for a missing or unparseable instant. */
export function formatAgo(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return EMPTY;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return EMPTY;
  const ms = nowMs - at;
  if (ms < 5_000) return 'just now';
  return `${formatDuration(ms)} ago`;
}

/** Elapsed time between two instants (`"34 s"`); `"—"` when either is missing. */
export function formatElapsed(from: string | null | undefined, to: string | null | undefined): string {
  if (!from || !to) return EMPTY;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isNaN(ms) ? EMPTY : formatDuration(Math.max(0, ms));
}

/** What kind of entity a read-model table's keys are, for linking sample keys. */
export function tableEntity(table: string): 'order' | 'shipment' | null {
  if (table.startsWith('order')) return 'order';
  if (table.startsWith('shipment')) return 'shipment';
  return null;
}

/** Digest of a drift report for its headline. */
export interface DriftDigest {
  /** Tables with at least one differing entity, worst first. */
  driftingTables: TableDrift[];
  /** Entities differing over all tables (an entity may count once per table). */
  differingEntities: number;
  /** One line: `"no differences"` or `"2 tables · 3 KPI fields · 1 stale cache entry"`. */
  summary: string;
}

/** Summarizes a drift report (which tables, KPI fields and cache entries differ). */
export function digestDrift(report: DriftReport): DriftDigest {
  const driftingTables = report.tables
    .filter((t) => t.differingKeys > 0)
    .sort((a, b) => b.differingKeys - a.differingKeys || (a.table < b.table ? -1 : 1));
  const differingEntities = driftingTables.reduce((sum, t) => sum + t.differingKeys, 0);
  const parts: string[] = [];
  const plural = (n: number, one: string, many: string): string =>
    `${formatCount(n)} ${n === 1 ? one : many}`;
  if (driftingTables.length > 0) parts.push(plural(driftingTables.length, 'table', 'tables'));
  if (report.kpiDifferences.length > 0)
    parts.push(plural(report.kpiDifferences.length, 'KPI field', 'KPI fields'));
  if (report.redis.stale > 0)
    parts.push(plural(report.redis.stale, 'stale cache entry', 'stale cache entries'));
  const summary = parts.length > 0 ? parts.join(' · ') : report.ok ? 'no differences' : 'differences found';
  return { driftingTables, differingEntities, summary };
}

/** A service's down detail split into the problem and the "To fix: ..." advice (null when absent). */
export function splitFix(detail: string): { problem: string; fix: string | null } {
  const at = detail.indexOf('To fix:');
  if (at === -1) return { problem: detail.trim(), fix: null };
  const problem = detail.slice(0, at).trim().replace(/\.$/, '');
  const fix = detail
    .slice(at + 'To fix:'.length)
    .trim()
    .replace(/\.$/, '');
  return { problem, fix: fix || null };
}

/** Splits text at backticks: `start it with \`npm run stack:up\`` -> plain and code segments. */
export function codeSpans(text: string): { text: string; code: boolean }[] {
  return text
    .split('`')
    .map((part, i) => ({ text: part, code: i % 2 === 1 }))
    .filter((s) => s.text !== '');
}

/** What a backing service does for the pipeline (shown while it is up). */
export function serviceRole(name: ServiceHealth['name']): string {
  switch (name) {
    case 'kafka':
      return 'Event backbone: the workers consume the order and shipment topics.';
    case 'postgres':
      return 'System of record: read models and each worker’s applied positions.';
    case 'redis':
      return 'Cache and live change notifications (reads fall back to PostgreSQL).';
  }
}

/** What an outage of a backing service means for the pipeline (shown while it is down). */
export function outageImpact(name: ServiceHealth['name']): string {
  switch (name) {
    case 'kafka':
      return 'No event is accepted or applied; the workers wait and resume from their stored positions.';
    case 'postgres':
      return 'The workers cannot commit: nothing is applied, screens cannot load; no accepted event is lost.';
    case 'redis':
      return 'Events are still applied; cached summaries and live updates pause (reads use PostgreSQL).';
  }
}
