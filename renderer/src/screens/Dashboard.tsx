/**
 * Dashboard: delivery KPIs (OTD, OTIF, late, delivered, cycle time median/p90, backlog, open
 * exceptions) over a site-day range, and three charts (orders by status, daily flow, on time vs
 * late). The range defaults to the data's own range; drill traffic is excluded unless toggled on.
 * Refetched when the live stream says the KPIs changed.
 */
import { useMemo, type ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  LabelList,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { KpiSeries, KpiSummary } from '../../../contracts/api';
import { addDays, type KpiBucket } from '../../../contracts/site-time';
import { ORDER_STATUSES } from '../../../contracts/order-status';
import type { KpiRange } from '../query/keys';
import { DrillBadge } from '../components/Badges';
import { ErrorNotice, Loading } from '../components/Notice';
import { chartPoints } from '../lib/daily';
import { formatCount, formatDuration, formatInstant, formatPercent, statusLabel } from '../lib/format';
import { useKpiDaily, useKpiSummary } from '../query/screens';
import { kpiBarHref, kpiFigureHref } from '../lib/drilldown';
import { navigate } from '../router/useRoute';
import { useKpiFilter } from '../state/filters';

/** Chart palette (dark theme), shared with styles.css. */
const C = {
  grid: '#262d38',
  axis: '#3a4352',
  tick: '#98a2b3',
  created: '#7aa7ff',
  shipped: '#b79cff',
  delivered: '#5cc98a',
  onTime: '#5cc98a',
  late: '#f0776b',
};

const STATUS_COLORS: Record<string, string> = {
  created: '#8b97a8',
  approved: '#6f9ef8',
  picked: '#5fb3e0',
  packed: '#4fc1c1',
  shipped: '#b79cff',
  delivered: '#5cc98a',
  cancelled: '#6b7280',
};

const TOOLTIP_PROPS = {
  contentStyle: { background: '#161b22', border: '1px solid #2f3746', borderRadius: 4, fontSize: 12 },
  labelStyle: { color: '#e6e9ef', marginBottom: 4 },
  itemStyle: { padding: 0 },
  cursor: { fill: 'rgba(255,255,255,0.04)' },
} as const;

const AXIS_PROPS = {
  stroke: C.axis,
  tick: { fill: C.tick, fontSize: 11 },
  tickLine: false,
} as const;

const BUCKET_WORD: Record<KpiBucket, string> = {
  day: 'per day',
  week: 'per week (Mon–Sun)',
  month: 'per month',
};

interface CardProps {
  testId: string;
  label: string;
  /** Full definition, shown as tooltip. */
  title: string;
  value: string;
  raw: number | null;
  sub?: ReactNode;
  tone?: 'ok' | 'warn' | 'bad';
  /** The orders behind the figure (lib/drilldown.ts): the card is a link to them. */
  href?: string;
}

function KpiCard({ testId, label, title, value, raw, sub, tone, href }: CardProps): ReactNode {
  const Tag = href ? 'a' : 'div';
  return (
    <Tag
      className={`kpi${tone ? ` kpi--${tone}` : ''}${href ? ' kpi--link' : ''}`}
      data-testid={testId}
      data-value={raw ?? ''}
      title={href ? `${title}. Opens these orders.` : title}
      href={href}
    >
      <div className="kpi__label">{label}</div>
      <div className="kpi__value num">{value}</div>
      {sub !== undefined && <div className="kpi__sub">{sub}</div>}
    </Tag>
  );
}

function rateTone(rate: number | null): CardProps['tone'] {
  if (rate === null) return undefined;
  if (rate >= 0.95) return 'ok';
  return rate >= 0.85 ? 'warn' : 'bad';
}

function KpiCards({ s }: { s: KpiSummary }): ReactNode {
  return (
    <section className="kpis" aria-label="Key performance indicators">
      <KpiCard
        testId="kpi-otd"
        href={kpiFigureHref('onTime', s)}
        label="OTD"
        title="On-time delivery: delivered orders whose delivery day (site time) is on or before the promised date, divided by delivered orders"
        value={formatPercent(s.otd)}
        raw={s.otd}
        tone={rateTone(s.otd)}
        sub={`${formatCount(s.onTimeOrders)} on time`}
      />
      <KpiCard
        testId="kpi-otif"
        href={kpiFigureHref('otif', s)}
        label="OTIF"
        title="On time in full: delivered orders that were on time and delivered every line in the ordered quantity, divided by delivered orders"
        value={formatPercent(s.otif)}
        raw={s.otif}
        tone={rateTone(s.otif)}
        sub={`${formatCount(s.otifOrders)} orders`}
      />
      <KpiCard
        testId="kpi-late"
        href={kpiFigureHref('late', s)}
        label="Late deliveries"
        title="Delivered orders whose delivery day (site time) is after the promised date"
        value={formatCount(s.lateOrders)}
        raw={s.lateOrders}
        tone={s.lateOrders > 0 ? 'bad' : undefined}
        sub={
          s.deliveredOrders > 0
            ? `${formatPercent(s.lateOrders / s.deliveredOrders)} of delivered`
            : 'none delivered'
        }
      />
      <KpiCard
        testId="kpi-delivered"
        href={kpiFigureHref('delivered', s)}
        label="Delivered"
        title="Orders delivered in the range (by delivery day, site time); the sub-line counts orders created in the range"
        value={formatCount(s.deliveredOrders)}
        raw={s.deliveredOrders}
        sub={`${formatCount(s.createdOrders)} created`}
      />
      <KpiCard
        testId="kpi-cycle-median"
        href={kpiFigureHref('delivered', s)}
        label="Cycle time median"
        title="Median of delivered time minus created time over delivered orders"
        value={formatDuration(s.cycleTimeMedianMs)}
        raw={s.cycleTimeMedianMs}
        sub="created → delivered"
      />
      <KpiCard
        testId="kpi-cycle-p90"
        href={kpiFigureHref('delivered', s)}
        label="Cycle time p90"
        title="90th percentile of delivered time minus created time: 90 % of orders were delivered within this"
        value={formatDuration(s.cycleTimeP90Ms)}
        raw={s.cycleTimeP90Ms}
        sub="90th percentile"
      />
      <KpiCard
        testId="kpi-backlog"
        href={kpiFigureHref('backlog', s)}
        label="Backlog"
        title="Open orders (created, approved, picked, packed or shipped) among those created in the range"
        value={formatCount(s.backlog)}
        raw={s.backlog}
        sub="open orders"
      />
      <KpiCard
        testId="kpi-exceptions"
        href={kpiFigureHref('openExceptions', s)}
        label="Open exceptions"
        title="Shipments whose latest status is exception or failed attempt and that are not delivered"
        value={formatCount(s.openExceptions)}
        raw={s.openExceptions}
        tone={s.openExceptions > 0 ? 'warn' : undefined}
        sub="shipments"
      />
    </section>
  );
}

function StatusChart({ s }: { s: KpiSummary }): ReactNode {
  const data = ORDER_STATUSES.map((status) => ({
    status,
    label: statusLabel(status),
    count: s.ordersByStatus[status] ?? 0,
  }));
  return (
    <section className="panel chart" data-testid="chart-status">
      <header className="panel__header">
        <h2>Orders by status</h2>
        <span className="muted">current status of orders created in range</span>
      </header>
      <div className="chart__body">
        <ResponsiveContainer width="100%" height={200}>
          <BarChart data={data} margin={{ top: 18, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={C.grid} vertical={false} />
            <XAxis dataKey="label" {...AXIS_PROPS} interval={0} />
            <YAxis
              {...AXIS_PROPS}
              width={56}
              allowDecimals={false}
              tickFormatter={(v: number) => formatCount(v)}
            />
            <Tooltip {...TOOLTIP_PROPS} formatter={(v) => [formatCount(Number(v)), 'orders']} />
            <Bar
              dataKey="count"
              isAnimationActive={false}
              maxBarSize={48}
              cursor="pointer"
              onClick={(_bar, i) => {
                const d = data[i];
                if (d) navigate(kpiFigureHref({ status: d.status }, s));
              }}
            >
              {data.map((d) => (
                <Cell key={d.status} fill={STATUS_COLORS[d.status] ?? C.created} />
              ))}
              <LabelList
                dataKey="count"
                position="top"
                fill={C.tick}
                fontSize={11}
                formatter={(v) => formatCount(Number(v))}
              />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}

function DailyCharts({ series: answer }: { series: KpiSeries }): ReactNode {
  const { bucket } = answer;
  const includeDrills = useKpiFilter((f) => f.includeDrills);
  /** Opens the orders behind one bar (a measure of the bucket at `index`). */
  const openBar = (measure: 'onTime' | 'late') => (_bar: unknown, index: number) => {
    const p = answer.points[index];
    if (p) navigate(kpiBarHref(measure, { start: p.start, size: bucket }, answer, includeDrills));
  };
  const series = useMemo(() => chartPoints(answer.points, bucket), [answer.points, bucket]);
  const empty = series.length === 0;
  return (
    <>
      <section className="panel chart chart--wide" data-testid="chart-daily" data-bucket={bucket}>
        <header className="panel__header">
          <h2>Order flow</h2>
          <span className="muted">created, shipped and delivered {BUCKET_WORD[bucket]}</span>
        </header>
        <div className="chart__body">
          {empty ? (
            <div className="placeholder">No activity in this range</div>
          ) : (
            <ResponsiveContainer width="100%" height={210}>
              <LineChart data={series} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={C.grid} vertical={false} />
                <XAxis dataKey="label" {...AXIS_PROPS} minTickGap={24} />
                <YAxis
                  {...AXIS_PROPS}
                  width={56}
                  allowDecimals={false}
                  tickFormatter={(v: number) => formatCount(v)}
                />
                <Tooltip {...TOOLTIP_PROPS} formatter={(v, name) => [formatCount(Number(v)), name]} />
                <Legend
                  wrapperStyle={{ fontSize: 12, color: C.tick }}
                  iconType="plainline"
                  itemSorter={null}
                />
                <Line
                  type="linear"
                  dataKey="created"
                  name="Created"
                  stroke={C.created}
                  dot={false}
                  strokeWidth={1.75}
                  isAnimationActive={false}
                />
                <Line
                  type="linear"
                  dataKey="shipped"
                  name="Shipped"
                  stroke={C.shipped}
                  dot={false}
                  strokeWidth={1.75}
                  isAnimationActive={false}
                />
                <Line
                  type="linear"
                  dataKey="delivered"
                  name="Delivered"
                  stroke={C.delivered}
                  dot={false}
                  strokeWidth={1.75}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          )}
        </div>
      </section>
      <section className="panel chart" data-testid="chart-ontime" data-bucket={bucket}>
        <header className="panel__header">
          <h2>On time vs late</h2>
          <span className="muted">deliveries {BUCKET_WORD[bucket]}</span>
        </header>
        <div className="chart__body">
          {empty ? (
            <div className="placeholder">No deliveries in this range</div>
          ) : (
            <ResponsiveContainer width="100%" height={200}>
              <BarChart data={series} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={C.grid} vertical={false} />
                <XAxis dataKey="label" {...AXIS_PROPS} minTickGap={24} />
                <YAxis
                  {...AXIS_PROPS}
                  width={56}
                  allowDecimals={false}
                  tickFormatter={(v: number) => formatCount(v)}
                />
                <Tooltip {...TOOLTIP_PROPS} formatter={(v, name) => [formatCount(Number(v)), name]} />
                <Legend wrapperStyle={{ fontSize: 12, color: C.tick }} itemSorter={null} />
                <Bar
                  dataKey="onTime"
                  name="On time"
                  stackId="d"
                  fill={C.onTime}
                  isAnimationActive={false}
                  cursor="pointer"
                  onClick={openBar('onTime')}
                />
                <Bar
                  dataKey="late"
                  name="Late"
                  stackId="d"
                  fill={C.late}
                  isAnimationActive={false}
                  cursor="pointer"
                  onClick={openBar('late')}
                />
              </BarChart>
            </ResponsiveContainer>
          )}
        </div>
      </section>
    </>
  );
}

function RangePicker({ summary }: { summary: KpiSummary | null }): ReactNode {
  const { from, to, includeDrills, setRange, setIncludeDrills } = useKpiFilter();
  const dataFrom = summary?.dataFrom ?? null;
  const dataTo = summary?.dataTo ?? null;
  const shownFrom = from ?? dataFrom ?? '';
  const shownTo = to ?? dataTo ?? '';
  const preset = (days: number): void => {
    if (dataTo) setRange(addDays(dataTo, -(days - 1)), dataTo);
  };
  return (
    <div className="toolbar" data-testid="kpi-range">
      <label className="field-inline">
        <span>From</span>
        <input
          className="input num"
          type="date"
          value={shownFrom}
          data-testid="kpi-from"
          onChange={(e) => {
            const v = e.target.value || null;
            setRange(v, v && shownTo && v > shownTo ? v : shownTo || null);
          }}
        />
      </label>
      <label className="field-inline">
        <span>To</span>
        <input
          className="input num"
          type="date"
          value={shownTo}
          data-testid="kpi-to"
          onChange={(e) => {
            const v = e.target.value || null;
            setRange(v && shownFrom && v < shownFrom ? v : shownFrom || null, v);
          }}
        />
      </label>
      <div className="btn-group" role="group" aria-label="Range presets">
        <button type="button" className="btn btn--small" onClick={() => preset(7)} disabled={!dataTo}>
          Last 7 d
        </button>
        <button type="button" className="btn btn--small" onClick={() => preset(30)} disabled={!dataTo}>
          Last 30 d
        </button>
        <button
          type="button"
          className="btn btn--small"
          onClick={() => setRange(null, null)}
          disabled={from === null && to === null}
          title={dataFrom && dataTo ? `${dataFrom} → ${dataTo}` : undefined}
        >
          All data
        </button>
      </div>
      <label className="toggle">
        <input
          type="checkbox"
          checked={includeDrills}
          onChange={(e) => setIncludeDrills(e.target.checked)}
          data-testid="kpi-include-drills"
        />
        <span>Include drill traffic</span>
      </label>
      {includeDrills && (
        <span className="toolbar__note">
          <DrillBadge drillId={null} /> KPIs include drill events
        </span>
      )}
      <span className="toolbar__spacer" />
      {summary && (
        <span className="muted small" title="When the server computed these KPIs">
          computed {formatInstant(summary.computedAt)}
        </span>
      )}
    </div>
  );
}

/** The dashboard screen. */
export function Dashboard(): ReactNode {
  const from = useKpiFilter((s) => s.from);
  const to = useKpiFilter((s) => s.to);
  const includeDrills = useKpiFilter((s) => s.includeDrills);
  const range: KpiRange = { includeDrills };
  if (from) range.from = from;
  if (to) range.to = to;
  const summary = useKpiSummary(range);
  const daily = useKpiDaily(range);
  const s = summary.data ?? null;

  return (
    <div className="screen" data-testid="dashboard">
      <RangePicker summary={s} />
      {summary.error && (
        <ErrorNotice
          error={summary.error}
          onRetry={() => void summary.refetch()}
          title="KPIs could not be loaded"
        />
      )}
      {!s && !summary.error && <Loading label="Loading KPIs…" />}
      {s && (
        <div>
          <KpiCards s={s} />
          <div className="charts">
            {daily.data ? (
              <DailyCharts series={daily.data} />
            ) : daily.error ? (
              <ErrorNotice
                error={daily.error}
                onRetry={() => void daily.refetch()}
                title="Daily series could not be loaded"
              />
            ) : (
              <Loading label="Loading daily series…" />
            )}
            <StatusChart s={s} />
          </div>
        </div>
      )}
    </div>
  );
}
