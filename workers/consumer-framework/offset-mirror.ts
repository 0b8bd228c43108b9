/**
 * Kafka's committed offsets of a consumer group as a mirror of the positions stored with the read
 * models (the stored position is the truth; lag tools such as `kafka-consumer-groups` read the
 * mirror). kafkajs's autoCommit commits after every batch, a broker round trip awaited in the
 * batch path; this commits at most once per interval, off that path.
 */
import type { Logger } from '../../runtime/logger';

/** One partition's next offset to read, as Kafka's OffsetCommit wants it. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export class OffsetMirror {
  private readonly pending = new Map<string, PartitionOffset>();
  private lastCommitAt = 0;
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param commit sends offsets to Kafka (e.g. `consumer.commitOffsets`)
   * @param intervalMs the least time between two commits (ms)
   */
  constructor(
    private readonly commit: (offsets: PartitionOffset[]) => Promise<void>,
    private readonly log: Logger,
    private readonly intervalMs = 5_000,
  ) {}

  /** Records a partition's next offset after a database commit; never waits for Kafka. */
  record(topic: string, partition: number, nextOffset: number): void {
    this.pending.set(`${topic}/${partition}`, { topic, partition, offset: String(nextOffset) });
    const wait = this.lastCommitAt + this.intervalMs - Date.now();
    if (wait <= 0) {
      void this.flush();
    } else if (!this.timer) {
      // The last offsets of a burst are mirrored too, not only when the next batch comes.
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, wait);
      this.timer.unref();
    }
  }

  /** Commits what is pending now (on stop, and from `record`). Failures are logged, not thrown. */
  async flush(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    if (this.pending.size === 0) return;
    const offsets = [...this.pending.values()];
    this.pending.clear();
    this.lastCommitAt = Date.now();
    this.inFlight = this.commit(offsets)
      .catch((err: unknown) =>
        this.log.debug({ err: String(err) }, 'kafka offset mirror not committed; stored position wins'),
      )
      .finally(() => {
        this.inFlight = null;
      });
    await this.inFlight;
  }

  /** Stops the timer and commits what is pending. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}
