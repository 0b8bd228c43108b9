import { describe, expect, it } from 'vitest';
import { REAL_KPIS_CHECK_ID, type StackHealth, type WorkerHealth } from '../../contracts';
import { evaluateChecks, type DrillMetrics, type RealKpis } from './checks';
import { haltReasonOf } from './runner';

const metrics = (m: Partial<DrillMetrics>): DrillMetrics => ({
  orders_created: 0,
  open_orders: 0,
  orders_cancelled: 0,
  orders_delivered: 0,
  late_deliveries: 0,
  on_time_deliveries: 0,
  shipments_created: 0,
  shipments_delivered: 0,
  open_exceptions: 0,
  failed_attempts: 0,
  eta_past_promise: 0,
  ...m,
});
const real: RealKpis = {
  createdOrders: 100,
  deliveredOrders: 80,
  onTimeOrders: 70,
  lateOrders: 10,
  otifOrders: 65,
  backlog: 20,
  openExceptions: 3,
};

describe('evaluateChecks (hand-computed cases)', () => {
  it('passes a figure within its tolerance and fails one outside, with the figures', () => {
    const [late, exceptions] = evaluateChecks({
      expected: [
        { checkId: 'late', label: 'late', metric: 'late_deliveries', expected: 20, tolerance: 2 },
        { checkId: 'exceptions', label: 'exc', metric: 'open_exceptions', expected: 5, tolerance: 0 },
      ],
      metrics: metrics({ late_deliveries: 18, open_exceptions: 6 }),
      realBefore: real,
      realAfter: real,
      leaks: 0,
      realEventsDuringRun: 0,
    });
    // |18 - 20| = 2 <= 2: pass; |6 - 5| = 1 > 0: fail.
    expect(late).toMatchObject({ expected: 20, actual: 18, tolerance: 2, passed: true });
    expect(exceptions).toMatchObject({ expected: 5, actual: 6, tolerance: 0, passed: false });
  });

  it('real KPIs: pass when equal before and after, fail when they moved without real traffic', () => {
    const same = evaluateChecks({
      expected: [],
      metrics: metrics({}),
      realBefore: real,
      realAfter: real,
      leaks: 0,
      realEventsDuringRun: 0,
    });
    expect(same[0]).toMatchObject({ checkId: REAL_KPIS_CHECK_ID, passed: true });
    expect(same[0]!.figures!.lateOrders).toEqual({ before: 10, after: 10 });

    const moved = { ...real, lateOrders: 12, deliveredOrders: 82 };
    const [c] = evaluateChecks({
      expected: [],
      metrics: metrics({}),
      realBefore: real,
      realAfter: moved,
      leaks: 0,
      realEventsDuringRun: 0,
    });
    expect(c).toMatchObject({ passed: false, actual: 2 });
    expect(c!.detail).toContain('lateOrders 10 -> 12');
  });

  it('real KPIs: moves explained by real events applied during the run pass; a drill entity counted as real fails', () => {
    const moved = { ...real, createdOrders: 101, backlog: 21 };
    const [explained] = evaluateChecks({
      expected: [],
      metrics: metrics({}),
      realBefore: real,
      realAfter: moved,
      leaks: 0,
      realEventsDuringRun: 1,
    });
    expect(explained).toMatchObject({ passed: true });
    expect(explained!.detail).toContain('1 real events applied during the run');
    const [leak] = evaluateChecks({
      expected: [],
      metrics: metrics({}),
      realBefore: real,
      realAfter: real,
      leaks: 3,
      realEventsDuringRun: 0,
    });
    expect(leak).toMatchObject({ passed: false, actual: 3 });
    expect(leak!.figures!.drillEntitiesCountedAsReal).toEqual({ before: 0, after: 3 });
  });
});

describe('halt conditions', () => {
  const worker = (w: Partial<WorkerHealth>): WorkerHealth => ({
    name: 'order-processor',
    state: 'running',
    pid: 1,
    restarts: 0,
    lastExitCode: null,
    ...w,
  });
  const health = (h: Partial<StackHealth>): StackHealth => ({
    services: [
      { name: 'kafka', state: 'up', address: 'k:1', detail: 'ok' },
      { name: 'postgres', state: 'up', address: 'p:1', detail: 'ok' },
      { name: 'redis', state: 'degraded', address: 'r:1', detail: 'slow' },
    ],
    workers: [worker({})],
    checkedAt: '2024-01-01T00:00:00Z',
    ...h,
  });
  const halt = { maxLagSeconds: 30, maxLagEvents: 1000, onUnhealthy: true };

  it('does not halt a healthy stack (a degraded Redis is a cache, not an outage)', () => {
    expect(haltReasonOf(health({}), halt)).toBeNull();
  });
  it('halts on a service down, naming it and its address', () => {
    const h = health({});
    h.services[1] = { name: 'postgres', state: 'down', address: 'p:1', detail: 'refused' };
    expect(haltReasonOf(h, halt)).toBe('postgres is down at p:1: refused');
    expect(haltReasonOf(h, { ...halt, onUnhealthy: false })).toBeNull();
  });
  it('halts on a worker crashed (or restarting, or not consuming) for longer than the grace period', () => {
    const since = new Map<string, number>();
    const crashed = health({ workers: [worker({ state: 'crashed' })] });
    expect(haltReasonOf(crashed, halt, since, 1_000, 10_000)).toBeNull();
    expect(haltReasonOf(crashed, halt, since, 10_999, 10_000)).toBeNull();
    expect(haltReasonOf(crashed, halt, since, 11_000, 10_000)).toMatch(/unhealthy \(crashed\)/);
    // Healthy again: the grace period starts over.
    expect(haltReasonOf(health({}), halt, since, 12_000, 10_000)).toBeNull();
    expect(haltReasonOf(crashed, halt, since, 13_000, 10_000)).toBeNull();
  });

  it('halts on a crashed or not-consuming worker (no grace period)', () => {
    expect(haltReasonOf(health({ workers: [worker({ state: 'crashed' })] }), halt)).toMatch(
      /order-processor is unhealthy \(crashed\)/,
    );
    expect(
      haltReasonOf(
        health({ workers: [worker({ consumer: { state: 'not_consuming', detail: 'no member' } })] }),
        halt,
      ),
    ).toMatch(/not consuming: no member/);
  });
  it('halts when lag passes a threshold (seconds or events), not at it', () => {
    expect(haltReasonOf(health({ workers: [worker({ lagSeconds: 30, lagEvents: 1000 })] }), halt)).toBeNull();
    expect(haltReasonOf(health({ workers: [worker({ lagSeconds: 31 })] }), halt)).toBe(
      'worker order-processor lags 31 s behind (threshold 30 s)',
    );
    expect(haltReasonOf(health({ workers: [worker({ lagEvents: 1001 })] }), halt)).toBe(
      'worker order-processor lags 1001 events behind (threshold 1000)',
    );
  });
});
