/**
 * Is each running worker actually consuming? A worker process can be alive while its kafkajs
 * consumer crashes and restarts over and over (broker unreachable, credentials refused): the
 * supervisor then says "running" although nothing is applied. The broker knows better: a
 * consuming worker is a member of its consumer group (`<prefix>.<worker>`).
 */
import type { Admin } from 'kafkajs';
import { consumerGroup, type WorkerHealth } from '../../contracts';

/**
 * Adds `consumer` to each running worker from the broker's view of its consumer group.
 * @param kafkaUp false when the broker did not answer the health probe (state `unknown`)
 */
export async function withConsumerState(
  workers: WorkerHealth[],
  admin: Admin,
  prefix: string,
  kafkaUp: boolean,
): Promise<WorkerHealth[]> {
  const running = workers.filter((w) => w.state === 'running');
  if (running.length === 0) return workers;
  if (!kafkaUp) {
    return workers.map((w) =>
      w.state === 'running'
        ? {
            ...w,
            consumer: { state: 'unknown', detail: 'Kafka is unreachable: the worker waits and reconnects' },
          }
        : w,
    );
  }
  const { groups } = await admin.describeGroups(running.map((w) => consumerGroup(prefix, w.name)));
  return workers.map((w) => {
    if (w.state !== 'running') return w;
    const groupId = consumerGroup(prefix, w.name);
    const group = groups.find((g) => g.groupId === groupId);
    const members = group?.members.length ?? 0;
    if (members > 0) {
      return {
        ...w,
        consumer: {
          state: 'consuming',
          detail: `in consumer group ${groupId} (${group!.state}, ${members} member${members === 1 ? '' : 's'})`,
        },
      };
    }
    return {
      ...w,
      consumer: {
        state: 'not_consuming',
        detail: `not in its consumer group ${groupId} (${group?.state ?? 'unknown'}): its consumer cannot join (starting, broker unreachable or credentials refused) — see the worker's log`,
      },
    };
  });
}
