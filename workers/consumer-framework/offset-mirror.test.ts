import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../runtime/logger';
import { OffsetMirror, type PartitionOffset } from './offset-mirror';

describe('OffsetMirror', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('commits at most once per interval, then the latest offset of each partition', async () => {
    const commits: PartitionOffset[][] = [];
    const mirror = new OffsetMirror(
      async (offsets) => void commits.push(offsets),
      createLogger('test', 'silent'),
      5_000,
    );
    mirror.record('t', 0, 10); // first: committed at once
    await vi.advanceTimersByTimeAsync(0);
    mirror.record('t', 0, 20);
    mirror.record('t', 1, 5);
    mirror.record('t', 0, 30);
    expect(commits).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000); // the tail of the burst is mirrored without new batches
    expect(commits).toEqual([
      [{ topic: 't', partition: 0, offset: '10' }],
      [
        { topic: 't', partition: 0, offset: '30' },
        { topic: 't', partition: 1, offset: '5' },
      ],
    ]);
  });

  it('a failed commit is logged, never thrown into the batch path', async () => {
    const mirror = new OffsetMirror(
      () => Promise.reject(new Error('broker down')),
      createLogger('test', 'silent'),
    );
    mirror.record('t', 0, 1);
    await expect(mirror.close()).resolves.toBeUndefined();
  });
});
