/**
 * The workers: their names, the topics each consumes and their consumer group names. The one
 * registry the supervisor, the health and lag reports, the workers themselves, replay and drift,
 * the benchmark and the tests import (before, the list was written out in nine places).
 *
 * A worker's consumer group is `<prefix>.<worker>`: several deployments (and test runs) share a
 * broker by prefix, and every instance of one worker in one deployment shares the group, so
 * Kafka splits the partitions between them.
 */
import type { TopicNames } from './topics';

/** Each worker and the topics (by role) it consumes. */
export const WORKERS = {
  'order-processor': { consumes: ['orders'] },
  'shipment-tracker': { consumes: ['shipments'] },
  'analytics-aggregator': { consumes: ['orders'] },
} as const satisfies Record<string, { consumes: readonly (keyof TopicNames)[] }>;

export type WorkerName = keyof typeof WORKERS;

/** The worker names, in start order. */
export const WORKER_NAMES = Object.keys(WORKERS) as WorkerName[];

/** The consumer group of a worker in a deployment: `<prefix>.<worker>`. */
export function consumerGroup(prefix: string, worker: WorkerName): string {
  return `${prefix}.${worker}`;
}

/** The topic names a worker consumes in a deployment. */
export function topicsOf(worker: WorkerName, topics: TopicNames): string[] {
  return WORKERS[worker].consumes.map((role) => topics[role]);
}

/** The workers that consume a topic role (e.g. `orders`: order-processor, analytics-aggregator). */
export function workersConsuming(role: keyof TopicNames): WorkerName[] {
  return WORKER_NAMES.filter((w) => (WORKERS[w].consumes as readonly string[]).includes(role));
}
