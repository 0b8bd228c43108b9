import { describe, expect, it } from 'vitest';
import type { DriftReport, PartitionLag, ServiceHealth, WorkerHealth } from '../../../contracts/api';
import {
  consumerProblem,
  cacheDown,
  codeSpans,
  digestDrift,
  formatAgo,
  formatElapsed,
  formatLagEvents,
  formatLagSeconds,
  formatRate,
  hasLag,
  LAG_ALERT_SECONDS,
  lagMissingReason,
  lagText,
  lagTone,
  partitionLabel,
  sortedPartitions,
  splitFix,
  stallingOutages,
  stripLagLabel,
  tableEntity,
  topicLabel,
  totalLagEvents,
  workerCardTone,
  workerStateTone,
  worstPartition,
  worstPartitionText,
  lastExitFailed,
  lastExitText,
  stalledFor,
  stalledPartitions,
  stallText,
} from './pipeline';

function part(
  partition: number,
  lagEvents: number,
  lagSeconds: number | null = 0,
  topic = 'sct.orders',
): PartitionLag {
  return {
    topic,
    partition,
    nextOffset: 100,
    highWatermark: 100 + lagEvents,
    lagEvents,
    lagSeconds,
    lastEventTime: '2024-05-13T15:00:00.000Z',
  };
}

function worker(patch: Partial<WorkerHealth> = {}): WorkerHealth {
  return { name: 'order-processor', state: 'running', pid: 42, restarts: 0, lastExitCode: null, ...patch };
}

function service(name: ServiceHealth['name'], state: ServiceHealth['state']): ServiceHealth {
  return { name, state, address: '127.0.0.1', detail: state === 'up' ? 'ok' : 'down' };
}

describe('lag formatting', () => {
  it('formats events with separators and absent values as a dash', () => {
    expect(formatLagEvents(0)).toBe('0');
    expect(formatLagEvents(12345)).toBe('12,345');
    expect(formatLagEvents(undefined)).toBe('—');
    expect(formatLagEvents(null)).toBe('—');
  });
  it('formats seconds: caught up, sub-second, durations, unknown', () => {
    expect(formatLagSeconds(0)).toBe('0 s');
    expect(formatLagSeconds(0.3)).toBe('<1 s');
    expect(formatLagSeconds(42.4)).toBe('42 s');
    expect(formatLagSeconds(300)).toBe('5 min');
    expect(formatLagSeconds(9000)).toBe('2.5 h');
    expect(formatLagSeconds(null)).toBe('—');
    expect(formatLagSeconds(undefined)).toBe('—');
  });
  it('labels the strip and the tooltip only when lag was measured', () => {
    expect(hasLag(worker())).toBe(false);
    expect(stripLagLabel(worker())).toBeNull();
    expect(lagText(worker())).toBeNull();
    expect(stripLagLabel(worker({ lagEvents: 0, lagSeconds: 0 }))).toBe('lag 0');
    expect(stripLagLabel(worker({ lagEvents: 1234, lagSeconds: 3 }))).toBe('lag 1,234');
    expect(lagText(worker({ lagEvents: 0, lagSeconds: 0 }))).toBe('caught up');
    expect(lagText(worker({ lagEvents: 1, lagSeconds: 40 }))).toBe('lag 1 event, 40 s behind');
    expect(lagText(worker({ lagEvents: 12, lagSeconds: null }))).toBe('lag 12 events');
  });
  it('sums known lag over workers', () => {
    expect(totalLagEvents([])).toBeNull();
    expect(totalLagEvents([worker(), worker()])).toBeNull();
    expect(totalLagEvents([worker({ lagEvents: 3 }), worker(), worker({ lagEvents: 4 })])).toBe(7);
  });
});

describe('worst partition', () => {
  it('is null when every partition is caught up or none is known', () => {
    expect(worstPartition(undefined)).toBeNull();
    expect(worstPartition([])).toBeNull();
    expect(worstPartition([part(0, 0), part(1, 0)])).toBeNull();
    expect(worstPartitionText([part(0, 0)])).toBeNull();
  });
  it('picks most events, then most seconds, then the lower partition', () => {
    expect(worstPartition([part(0, 5, 10), part(1, 9, 1), part(2, 0)])?.partition).toBe(1);
    expect(worstPartition([part(0, 5, 10), part(1, 5, 30)])?.partition).toBe(1);
    expect(worstPartition([part(3, 5, 10), part(1, 5, 10)])?.partition).toBe(1);
    // a known time ranks before an unknown one at equal event counts
    expect(worstPartition([part(0, 5, null), part(1, 5, 2)])?.partition).toBe(1);
  });
  it('describes the worst partition in one line', () => {
    expect(worstPartitionText([part(0, 1, 0.5), part(4, 120, 45)])).toBe('orders/4: 120 events, 45 s behind');
    expect(worstPartitionText([part(2, 1, null)])).toBe('orders/2: 1 event, time behind unknown');
  });
  it('sorts partitions by topic then number, and labels them without the prefix', () => {
    const sorted = sortedPartitions([part(2, 0), part(0, 0, 0, 'sct.shipments'), part(10, 0), part(1, 0)]);
    expect(sorted.map(partitionLabel)).toEqual(['orders/1', 'orders/2', 'orders/10', 'shipments/0']);
    expect(partitionLabel({ topic: 'plain', partition: 3 })).toBe('plain/3');
    expect(topicLabel('eb7b36bce.shipments')).toBe('shipments');
  });
});

describe('tones and outages', () => {
  it('colours worker states', () => {
    expect(workerStateTone('running')).toBe('ok');
    expect(workerStateTone('starting')).toBe('warn');
    expect(workerStateTone('restarting')).toBe('warn');
    expect(workerStateTone('crashed')).toBe('bad');
    expect(workerStateTone('stopped')).toBe('bad');
  });
  it('colours lag: caught up, behind, far behind, unknown', () => {
    expect(lagTone(worker())).toBe('unknown');
    expect(lagTone(worker({ lagEvents: 0, lagSeconds: 0 }))).toBe('ok');
    expect(lagTone(worker({ lagEvents: 3, lagSeconds: 12 }))).toBe('warn');
    expect(lagTone(worker({ lagEvents: 3, lagSeconds: null }))).toBe('warn');
    expect(lagTone(worker({ lagEvents: 3, lagSeconds: LAG_ALERT_SECONDS }))).toBe('bad');
  });
  it('turns a worker card red when it crashed, is stalled by an outage or is far behind', () => {
    expect(workerCardTone(worker({ lagEvents: 0, lagSeconds: 0 }), false)).toBe('ok');
    expect(workerCardTone(worker(), false)).toBe('ok');
    expect(workerCardTone(worker(), true)).toBe('bad');
    expect(workerCardTone(worker({ state: 'crashed' }), false)).toBe('bad');
    expect(workerCardTone(worker({ state: 'restarting' }), false)).toBe('warn');
    expect(workerCardTone(worker({ lagEvents: 2, lagSeconds: 5 }), false)).toBe('warn');
    expect(workerCardTone(worker({ lagEvents: 2, lagSeconds: 900 }), false)).toBe('bad');
  });
  it('stalls workers on Kafka or PostgreSQL outages, not on Redis', () => {
    const up = [service('kafka', 'up'), service('postgres', 'up'), service('redis', 'up')];
    expect(stallingOutages(up)).toEqual([]);
    expect(stallingOutages(undefined)).toEqual([]);
    expect(cacheDown(up)).toBe(false);
    const redis = [service('kafka', 'up'), service('postgres', 'up'), service('redis', 'down')];
    expect(stallingOutages(redis)).toEqual([]);
    expect(cacheDown(redis)).toBe(true);
    const both = [service('kafka', 'down'), service('postgres', 'down'), service('redis', 'up')];
    expect(stallingOutages(both).map((s) => s.name)).toEqual(['kafka', 'postgres']);
  });
  it('says why lag is missing', () => {
    expect(lagMissingReason([service('kafka', 'up'), service('redis', 'down')])).toBe(
      'Lag is not measured while Redis is down.',
    );
    expect(lagMissingReason([service('kafka', 'down'), service('postgres', 'down')])).toBe(
      'Lag is not measured while Kafka and PostgreSQL are down.',
    );
    expect(lagMissingReason([service('kafka', 'up')])).toBe('This server does not report consumer lag.');
  });
  it('splits a down detail into the problem and the fix, and marks code spans', () => {
    const detail =
      'Connection refused. To fix: start the local broker with `npm run stack:up` (or `docker compose up -d kafka`), or set KAFKA_BROKERS';
    const { problem, fix } = splitFix(detail);
    expect(problem).toBe('Connection refused');
    expect(fix).toBe(
      'start the local broker with `npm run stack:up` (or `docker compose up -d kafka`), or set KAFKA_BROKERS',
    );
    expect(codeSpans(fix!)).toEqual([
      { text: 'start the local broker with ', code: false },
      { text: 'npm run stack:up', code: true },
      { text: ' (or ', code: false },
      { text: 'docker compose up -d kafka', code: true },
      { text: '), or set KAFKA_BROKERS', code: false },
    ]);
    expect(splitFix('no answer within 2500 ms')).toEqual({ problem: 'no answer within 2500 ms', fix: null });
  });
});

describe('drift report and times', () => {
  const report: DriftReport = {
    id: 1,
    startedAt: '2026-11-30T10:47:02.646Z',
    finishedAt: '2026-11-30T10:47:36.536Z',
    replaySchema: 'replay_x',
    replayedMessages: 223127,
    replayEventsPerSecond: 7377.3185650520745,
    ok: false,
    streamMoved: false,
    tables: [
      { table: 'orders', differingKeys: 1, sampleKeys: ['DBG-1'] },
      { table: 'order_lines', differingKeys: 0, sampleKeys: [] },
      { table: 'order_facts', differingKeys: 3, sampleKeys: ['A', 'B', 'C'] },
    ],
    kpiDifferences: ['createdOrders', 'backlog'],
    redis: { checked: 40646, stale: 1, sampleKeys: ['sct:order:A'] },
  };
  it('digests which tables, KPI fields and cache entries differ', () => {
    const d = digestDrift(report);
    expect(d.driftingTables.map((t) => t.table)).toEqual(['order_facts', 'orders']);
    expect(d.differingEntities).toBe(4);
    expect(d.summary).toBe('2 tables · 2 KPI fields · 1 stale cache entry');
    const clean = digestDrift({
      ...report,
      ok: true,
      tables: [{ table: 'orders', differingKeys: 0, sampleKeys: [] }],
      kpiDifferences: [],
      redis: { checked: 5, stale: 0, sampleKeys: [] },
    });
    expect(clean).toEqual({ driftingTables: [], differingEntities: 0, summary: 'no differences' });
  });
  it('formats the replay speed, the run time and how long ago', () => {
    expect(formatRate(report.replayEventsPerSecond)).toBe('7,377 events/s');
    expect(formatRate(undefined)).toBe('—');
    expect(formatElapsed(report.startedAt, report.finishedAt)).toBe('34 s');
    expect(formatElapsed(null, report.finishedAt)).toBe('—');
    const finished = Date.parse(report.finishedAt);
    expect(formatAgo(report.finishedAt, finished + 2_000)).toBe('just now');
    expect(formatAgo(report.finishedAt, finished + 3 * 60_000)).toBe('3 min ago');
    expect(formatAgo(report.finishedAt, finished + 26 * 3_600_000)).toBe('1.1 d ago');
    expect(formatAgo(null, finished)).toBe('—');
    expect(formatAgo('not a date', finished)).toBe('—');
  });
  it('links sample keys of order and shipment tables', () => {
    expect(tableEntity('orders')).toBe('order');
    expect(tableEntity('order_facts')).toBe('order');
    expect(tableEntity('shipment_checkpoints')).toBe('shipment');
    expect(tableEntity('kpi_daily')).toBeNull();
  });
});

describe('how a worker last ended', () => {
  it('names the signal that killed it, else the exit code', () => {
    const killed = { ...worker({ state: 'crashed', lastExitCode: null }), lastSignal: 'SIGKILL' };
    expect(lastExitText(killed)).toBe('killed by SIGKILL');
    expect(lastExitFailed(killed)).toBe(true);
    expect(lastExitText(worker({ lastExitCode: 1 }))).toBe('exit 1');
    expect(lastExitFailed(worker({ lastExitCode: 1 }))).toBe(true);
    expect(lastExitText(worker({ lastExitCode: 0 }))).toBe('exit 0');
    expect(lastExitFailed(worker({ lastExitCode: 0 }))).toBe(false);
  });

  it('shows nothing before any run ended, also when an older server leaves lastSignal out', () => {
    expect(lastExitText(worker())).toBeNull();
    expect(lastExitText({ ...worker(), lastSignal: null })).toBeNull();
    expect(lastExitFailed(worker())).toBe(false);
  });
});

describe('stalled partitions', () => {
  const reason =
    'waiting on a row lock held by another session: lock_timeout (2000 ms) exceeded at offset 17';
  const stalled = {
    ...part(3, 5, 40, 'sct.shipments'),
    stalledSince: '2024-03-01T12:00:00.000Z',
    stallReason: reason,
  };
  const now = Date.parse('2024-03-01T12:00:45.000Z');
  it('lists the stalled ones in table order and says for how long and why', () => {
    expect(stalledPartitions([part(1, 0), stalled, part(0, 2)])).toEqual([stalled]);
    expect(stalledPartitions(undefined)).toEqual([]);
    expect(stalledFor(stalled, now)).toBe('45 s');
    expect(stalledFor(part(0, 0), now)).toBe('—');
    expect(stallText(stalled, now)).toBe(`shipments/3 stalled for 45 s: ${reason}`);
    expect(stallText(part(0, 0), now)).toBeNull();
  });
  it('turns the worker card red while a partition is stalled', () => {
    expect(
      workerCardTone({ ...worker({ lagEvents: 5, lagSeconds: 40 }), partitions: [stalled] }, false),
    ).toBe('bad');
  });
});

describe('consumer not in its group', () => {
  it('turns a running worker amber with the reason, and leaves a consuming one green', () => {
    const notIn = worker({
      state: 'running',
      consumer: { state: 'not_consuming', detail: 'not in its group' },
    });
    expect(consumerProblem(notIn)).toBe('not in its group');
    expect(workerCardTone(notIn, false)).toBe('warn');
    const ok = worker({ state: 'running', consumer: { state: 'consuming', detail: 'in group' } });
    expect(consumerProblem(ok)).toBeNull();
    expect(
      consumerProblem(worker({ state: 'crashed', consumer: { state: 'unknown', detail: 'x' } })),
    ).toBeNull();
  });
});
