/**
 * The benchmark's verdict: every measured figure as a table row (with its ratio to a limit or a
 * baseline measured in the same run), and the targets of issue 4 that hold or not. Rows and
 * targets appear only for the phases asked for (`--phases`).
 */
import { WORKERS } from './deployment';
import { evaluateUi } from './evaluate-ui';
import type { Options, Phase } from './options';
import type { Metric, Target } from './report';
import type { Results } from './results';

/**
 * The metrics and targets of `r`, for the phases in `opts.phases`.
 * A figure that could not be measured is `value: null` (a target on it: `holds: null`).
 */
export function evaluate(r: Results, opts: Options): { metrics: Metric[]; targets: Target[] } {
  const m: Metric[] = [];
  const v = (x: number | undefined | null) =>
    x === undefined || x === null || !Number.isFinite(x) ? null : x;
  const ratio = (a: number | null, b: number | null, to: string) =>
    a !== null && b !== null && b > 0 ? { value: a / b, to } : undefined;
  // The produce limit is the best of the measured producer configurations.
  const produceRates = [v(r.kafkaProduce?.perSecond), v(r.kafkaProducePublisherConfig?.perSecond)].filter(
    (x): x is number => x !== null,
  );
  const produce = produceRates.length > 0 ? Math.max(...produceRates) : null;
  const consume = v(r.kafkaConsume?.perSecond);
  const pgLimit = v(r.pgUpsert?.all.perSecond);
  const naive = v(r.naive?.perSecond);
  const e2e = v(r.e2e1?.perSecond);
  const e2e2 = v(r.e2e2?.perSecond);
  const want = (p: Phase) => opts.phases.has(p);
  if (want('limits')) {
    m.push({
      key: 'kafka_produce_limit',
      metric: 'limit: Kafka produce (kafkajs, acks=all, pipeline messages; best of 2)',
      value: produce,
      unit: 'msg/s',
    });
    m.push({
      key: 'kafka_produce_4_in_flight',
      metric: '  4 requests in flight, not idempotent',
      value: v(r.kafkaProduce?.perSecond),
      unit: 'msg/s',
      ratio: ratio(v(r.kafkaProduce?.perSecond), produce, 'produce limit'),
    });
    m.push({
      key: 'kafka_produce_publisher_config',
      metric: '  same, API publisher settings (idempotent, 1 in flight)',
      value: v(r.kafkaProducePublisherConfig?.perSecond),
      unit: 'msg/s',
      ratio: ratio(v(r.kafkaProducePublisherConfig?.perSecond), produce, 'produce limit'),
    });
    m.push({
      key: 'kafka_consume_limit',
      metric: 'limit: Kafka consume (kafkajs consumer group)',
      value: consume,
      unit: 'msg/s',
    });
    m.push({
      key: 'pg_upsert_limit',
      metric: 'limit: PostgreSQL batched upsert, orders, 1,000 rows/txn',
      value: pgLimit,
      unit: 'rows/s',
    });
  }
  if (want('naive'))
    m.push({
      key: 'naive_baseline',
      metric: `baseline: naive consumer (1 msg, 1 autocommit upsert; ${opts.naive} events)`,
      value: naive,
      unit: 'events/s',
    });
  if (want('e2e')) {
    const ingest = v(r.e2e1?.ingestPerSecond);
    m.push({
      key: 'api_ingest',
      metric: 'API batch path accept rate (during the run below)',
      value: ingest,
      unit: 'events/s',
      ratio: ratio(ingest, produce, 'Kafka produce limit'),
    });
    m.push({
      key: 'e2e_throughput',
      metric: `end to end, ${r.dataset?.events ?? opts.events} events, until read models + KPIs caught up`,
      value: e2e,
      unit: 'events/s',
      ratio: ratio(e2e, pgLimit, 'PG upsert limit'),
    });
    m.push({
      key: 'e2e_vs_naive',
      metric: '  same, relative to the naive baseline',
      value: e2e,
      unit: 'events/s',
      ratio: ratio(e2e, naive, 'naive baseline'),
    });
    const pg = r.e2e1?.pg;
    const rowsPerEvent = pg && r.e2e1 ? (pg.tuplesInserted + pg.tuplesUpdated) / r.e2e1.events : null;
    m.push({
      key: 'rows_per_event',
      metric: '  PostgreSQL rows written per event (API audit + workers)',
      value: rowsPerEvent,
      unit: 'rows',
    });
    const rowRate = rowsPerEvent !== null && e2e !== null ? rowsPerEvent * e2e : null;
    m.push({
      key: 'e2e_rows_per_second',
      metric: '  same run in rows written per second',
      value: rowRate,
      unit: 'rows/s',
      ratio: ratio(rowRate, pgLimit, 'PG upsert limit'),
    });
  }
  if (want('latency')) {
    const l = r.latency;
    for (const [k, label, d] of [
      ['sse', 'live push (SSE)', l?.sse],
      ['query', 'query API (GET /api/orders/:id)', l?.query],
    ] as const) {
      for (const p of ['p50', 'p95', 'p99'] as const)
        m.push({
          key: `latency_${k}_${p}`,
          metric: `latency to visible, ${label}, ${p} @ ${opts.latencyRate}/s`,
          value: v(d?.[p]),
          unit: 'ms',
        });
    }
    m.push({
      key: 'latency_sse_unnamed',
      metric: '  events no notification named (id lists cut at 200: SSE figures exclude them)',
      value: l ? l.sseMissing : null,
      unit: 'events',
    });
    m.push({
      key: 'latency_accept_p99',
      metric: '  API accept (request to 202), p99',
      value: v(l?.accept.p99),
      unit: 'ms',
    });
  }
  if (want('replay')) {
    const rp = v(r.replay?.perSecond);
    m.push({
      key: 'replay',
      metric: `replay from offset 0 (${r.replay?.events ?? '?'} events, all read models)`,
      value: rp,
      unit: 'events/s',
      ratio: ratio(rp, e2e, 'live end to end'),
    });
  }
  if (want('scaleout')) {
    m.push({
      key: 'e2e_1_instance',
      metric: 'scale-out: end to end, 1 instance per worker',
      value: e2e,
      unit: 'events/s',
    });
    m.push({
      key: 'e2e_2_instances',
      metric: 'scale-out: end to end, 2 instances per worker',
      value: e2e2,
      unit: 'events/s',
      ratio: ratio(e2e2, e2e, '1 instance'),
    });
  }
  if (want('drain')) {
    const d1 = v(r.drain1?.perSecond);
    const d2 = v(r.drain2?.perSecond);
    m.push({
      key: 'drain_1_instance',
      metric: 'scale-out: workers alone (topics pre-filled), 1 instance',
      value: d1,
      unit: 'events/s',
      ratio: ratio(d1, e2e, 'end to end'),
    });
    m.push({
      key: 'drain_2_instances',
      metric: 'scale-out: workers alone (topics pre-filled), 2 instances',
      value: d2,
      unit: 'events/s',
      ratio: ratio(d2, d1, '1 instance'),
    });
  }
  const mem = r.memory ?? {};
  const withMain = (['e2e', 'queries', 'latency', 'replay', 'scaleout'] as const).some(want);
  const withWorkers = withMain || want('drain');
  if (withMain)
    m.push({
      key: 'rss_main',
      metric: 'peak RSS, main process (API + supervisor)',
      value: v(mem.main?.peakMb),
      unit: 'MB',
    });
  for (const w of withWorkers ? WORKERS : [])
    m.push({
      key: `rss_${w}`,
      metric: `peak RSS, ${w} (max over instances)`,
      value: v(mem[w]?.peakMb),
      unit: 'MB',
    });
  if (want('queries')) {
    m.push({
      key: 'order_list_p95',
      metric: 'order list (filtered, first page), p95',
      value: v(r.queries?.list.p95),
      unit: 'ms',
    });
    m.push({
      key: 'order_detail_p95',
      metric: 'order detail, p95',
      value: v(r.queries?.detail.p95),
      unit: 'ms',
    });
  }

  const scale = r.scale;
  if (want('scale')) {
    const [small, large] = [scale?.sizes[0], scale?.sizes[1]];
    m.push({
      key: 'scale_pipeline_load',
      metric: `scale: Olist sample (${scale?.sampleOrders ?? '?'} orders) through the pipeline`,
      value: v(scale?.pipelineLoadSeconds),
      unit: 's',
    });
    for (const [i, b] of (scale?.bulk ?? []).entries())
      m.push({
        key: `scale_bulk_${i + 1}`,
        metric: `scale: bulk copies to ${b.ordersAfter.toLocaleString('en-US')} orders (npm run data:scale)`,
        value: v(b.seconds),
        unit: 's',
      });
    const names = Object.keys(small?.byQuery ?? large?.byQuery ?? {});
    for (const name of names) {
      const a = v(small?.byQuery[name]?.p95);
      const b = v(large?.byQuery[name]?.p95);
      m.push({
        key: `scale_p95_${name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`,
        metric: `scale p95 at ${large?.orders.toLocaleString('en-US') ?? '1M'}: ${name}`,
        value: b,
        unit: 'ms',
        ratio: ratio(b, a, `at ${small?.orders.toLocaleString('en-US') ?? '100k'}`),
      });
    }
    for (const name of Object.keys(large?.kpiStatements ?? {})) {
      const a = v(small?.kpiStatements[name]?.p95);
      const b = v(large?.kpiStatements[name]?.p95);
      m.push({
        key: `scale_kpi_statement_${name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`,
        metric: `scale p95 at ${large?.orders.toLocaleString('en-US') ?? '1M'}: KPI statement, ${name}`,
        value: b,
        unit: 'ms',
        ratio: ratio(b, a, `at ${small?.orders.toLocaleString('en-US') ?? '100k'}`),
      });
    }
  }

  const dr = r.drill;
  if (want('drill')) {
    m.push({
      key: 'drill_load',
      metric: `drill: Olist data (${dr?.loadedEvents ?? '?'} events, ${dr?.loadedOrders ?? '?'} orders) through the pipeline first`,
      value: v(dr?.loadSeconds),
      unit: 's',
    });
    m.push({
      key: 'drill_achieved_rate',
      metric: `drill: ${dr?.scenarioId ?? 'scenario'} sending rate through the drill runner`,
      value: v(dr?.drill.achievedPerSecond),
      unit: 'events/s',
      ratio: ratio(v(dr?.drill.achievedPerSecond), opts.drillRate, 'asked'),
    });
    for (const p of ['p50', 'p95', 'p99'] as const)
      m.push({
        key: `drill_visible_${p}`,
        metric: `drill: its orders visible (acked batch to SSE or read model), ${p}`,
        value: v(dr?.drill.visible[p]),
        unit: 'ms',
      });
    m.push({
      key: 'drill_unnamed',
      metric: '  drill orders sent but not visible 15 s after the drill stopped',
      value: dr ? dr.drill.unnamed : null,
      unit: 'orders',
    });
    m.push({
      key: 'drill_real_p99_without',
      metric: `drill: real traffic (${opts.drillRealRate}/s) p99 to visible (SSE), without the drill`,
      value: v(dr?.realWithout.sse.p99),
      unit: 'ms',
    });
    m.push({
      key: 'drill_real_p99_during',
      metric: `drill: real traffic p99 to visible (SSE), during the drill`,
      value: v(dr?.realDuring.sse.p99),
      unit: 'ms',
      ratio: ratio(v(dr?.realDuring.sse.p99), v(dr?.realWithout.sse.p99), 'without'),
    });
    m.push({
      key: 'drill_real_sse_unnamed_during',
      metric: '  real events no notification named during the drill (cut id lists; SSE figures exclude them)',
      value: dr ? dr.realDuring.sseMissing : null,
      unit: 'events',
    });
    m.push({
      key: 'drill_real_query_p99_during',
      metric: '  same, query API probe (GET /api/orders/:id)',
      value: v(dr?.realDuring.query.p99),
      unit: 'ms',
      ratio: ratio(v(dr?.realDuring.query.p99), v(dr?.realWithout.query.p99), 'without'),
    });
  }

  const targets: Target[] = [];
  const t = (
    needs: Phase[],
    name: string,
    rule: string,
    value: number | null,
    holds: (x: number) => boolean,
    shown: (x: number) => string,
  ) =>
    needs.every(want) &&
    targets.push({
      name,
      rule,
      measured: value === null ? 'n/a' : shown(value),
      holds: value === null ? null : holds(value),
    });
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  t(
    ['e2e', 'limits'],
    'throughput vs PostgreSQL',
    'end to end >= 25% of the batched-upsert limit',
    e2e !== null && pgLimit ? e2e / pgLimit : null,
    (x) => x >= 0.25,
    pct,
  );
  t(
    ['e2e', 'naive'],
    'throughput vs naive',
    'end to end >= 20x the naive baseline',
    e2e !== null && naive ? e2e / naive : null,
    (x) => x >= 20,
    (x) => `${x.toFixed(1)}x`,
  );
  const p99 = r.latency ? Math.max(r.latency.sse.p99, r.latency.query.p99) : null;
  t(
    ['latency'],
    'latency',
    `p99 to visible (query API and SSE) <= 250 ms at ${opts.latencyRate} events/s`,
    v(p99),
    (x) => x <= 250,
    (x) =>
      `${x.toFixed(0)} ms (SSE ${r.latency!.sse.p99.toFixed(0)}, query ${r.latency!.query.p99.toFixed(0)})`,
  );
  t(
    ['e2e', 'replay'],
    'replay',
    'replay >= live end-to-end throughput',
    v(r.replay?.perSecond) !== null && e2e ? r.replay!.perSecond / e2e : null,
    (x) => x >= 1,
    (x) => `${x.toFixed(2)}x`,
  );
  t(
    withMain ? [] : ['e2e'],
    'memory, main',
    'peak RSS < 300 MB',
    v(mem.main?.peakMb),
    (x) => x < 300,
    (x) => `${x.toFixed(0)} MB`,
  );
  const workerPeak = WORKERS.map((w) => mem[w]?.peakMb).filter((x): x is number => x !== undefined);
  t(
    withWorkers ? [] : ['drain'],
    'memory, workers',
    'peak RSS < 200 MB per worker',
    workerPeak.length === WORKERS.length ? Math.max(...workerPeak) : null,
    (x) => x < 200,
    (x) => `max ${x.toFixed(0)} MB`,
  );
  t(
    ['queries'],
    'order list',
    'p95 < 50 ms',
    v(r.queries?.list.p95),
    (x) => x < 50,
    (x) => `${x.toFixed(1)} ms`,
  );
  t(
    ['queries'],
    'order detail',
    'p95 < 50 ms',
    v(r.queries?.detail.p95),
    (x) => x < 50,
    (x) => `${x.toFixed(1)} ms`,
  );
  t(
    ['drill'],
    'drill: real traffic unaffected',
    'real p99 to visible during the drill <= 1.5x without it',
    v(dr?.p99Ratio),
    (x) => x <= 1.5,
    (x) =>
      `${x.toFixed(2)}x (${dr!.realWithout.sse.p99.toFixed(0)} -> ${dr!.realDuring.sse.p99.toFixed(0)} ms)`,
  );
  t(
    ['drill'],
    'drill: rate',
    `drill sends >= 90% of ${opts.drillRate} events/s`,
    v(dr?.drill.achievedPerSecond),
    (x) => x >= 0.9 * opts.drillRate,
    (x) => `${x.toFixed(0)} events/s`,
  );
  t(
    ['drill'],
    'drill: visible',
    "the drill's orders visible p99 <= 250 ms",
    v(dr?.drill.visible.p99),
    (x) => x <= 250,
    (x) => `${x.toFixed(0)} ms`,
  );
  const large = scale?.sizes[1];
  const small = scale?.sizes[0];
  for (const [group, label] of [
    ['orders', 'order list'],
    ['shipments', 'shipment list'],
    ['exceptions', 'exceptions queue'],
    ['kpi', 'KPI summary and series'],
    ['detail', 'order and shipment detail'],
  ] as const) {
    t(
      ['scale'],
      `scale: ${label}`,
      'p95 < 50 ms at 1,000,000 orders',
      v(large?.byGroup[group].p95),
      (x) => x < 50,
      (x) => `${x.toFixed(1)} ms`,
    );
    t(
      ['scale'],
      `scale: ${label} growth`,
      'p95 at 1,000,000 / p95 at 100,000 orders <= 2',
      v(large?.byGroup[group].p95) !== null && small
        ? large!.byGroup[group].p95 / small.byGroup[group].p95
        : null,
      (x) => x <= 2,
      (x) => `${x.toFixed(2)}x`,
    );
  }
  const ui = evaluateUi(r, opts);
  return { metrics: [...m, ...ui.metrics], targets: [...targets, ...ui.targets] };
}
