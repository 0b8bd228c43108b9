import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { WorkerHealth, WorkerName } from '../../contracts';
import { withConsumerState } from './consumer-state';

const worker = (name: WorkerName, state: WorkerHealth['state'] = 'running'): WorkerHealth => ({
  name,
  state,
  pid: 1,
  restarts: 0,
  lastExitCode: null,
});

/** The broker's answer: members per group. */
function admin(members: Record<string, number>): Admin {
  return {
    describeGroups: async (ids: string[]) => ({
      groups: ids.map((groupId) => ({
        groupId,
        state: (members[groupId] ?? 0) > 0 ? 'Stable' : 'Empty',
        members: Array.from({ length: members[groupId] ?? 0 }, () => ({})),
      })),
    }),
  } as unknown as Admin;
}

describe('withConsumerState', () => {
  it('tells a consuming worker from a running process whose consumer is not in its group', async () => {
    const out = await withConsumerState(
      [worker('order-processor'), worker('shipment-tracker'), worker('analytics-aggregator', 'crashed')],
      admin({ 'p.order-processor': 2 }),
      'p',
      true,
    );
    expect(out[0]!.consumer).toEqual({
      state: 'consuming',
      detail: 'in consumer group p.order-processor (Stable, 2 members)',
    });
    expect(out[1]!.consumer?.state).toBe('not_consuming');
    expect(out[1]!.consumer?.detail).toMatch(/not in its consumer group p\.shipment-tracker \(Empty\)/);
    expect(out[2]!.consumer).toBeUndefined(); // not running: the process state says it all
  });

  it('says unknown, without asking, when Kafka is down', async () => {
    const out = await withConsumerState([worker('order-processor')], {} as Admin, 'p', false);
    expect(out[0]!.consumer).toEqual({
      state: 'unknown',
      detail: expect.stringMatching(/Kafka is unreachable/),
    });
  });
});
