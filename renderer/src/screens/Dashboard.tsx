/**
 * Dashboard: delivery KPIs (OTD, OTIF, late, delivered, cycle time median/p90, backlog, open
 * exceptions) over a site-day range, and three charts (orders by status, daily flow, on time vs
 * late). The range defaults to the data's main span (KpiSummary.mainFrom/mainTo: a stray event
 * far from the rest does not stretch it), and the screen says which range it shows; a site picker
 * limits the KPIs to one warehouse; each card compares with the previous range of the same
 * length. Drill traffic is excluded unless toggled on. Refetched when the live stream says the
 * KPIs changed.
 */
import { memo, useMemo, useState, type ReactNode } from 'react';
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
  type ActiveDotProps,
} from 'recharts';
import type { KpiPeriod, KpiSeries, KpiSite, KpiSummary } from '../../../contracts/api';
import { addDays, siteDay, type KpiBucket } from '../../../contracts/site-time';
import { ORDER_STATUSES } from '../../../contracts/order-status';
import type { KpiRange } from '../query/keys';
import { DrillBadge } from '../components/Badges';
import { ErrorNotice, Loading } from '../components/Notice';
import { bucketName, chartPoints } from '../lib/daily';
import { comparablePrevious, kpiDelta, type KpiDelta, type KpiKind } from '../lib/kpiDelta';
import type { Theme } from '../lib/theme';
import { formatCount, formatDuration, formatInstant, formatPercent, statusLabel } from '../lib/format';
import { useKpiDaily, useKpiSummary } from '../query/screens';
import { useSiteTimeZone } from '../query/settings';
import { kpiBarHref, kpiExceptionsHref, kpiFigureHref } from '../lib/drilldown';
import { navigate } from '../router/useRoute';
import { kpiViewFromSearch, kpiViewSearch, useKpiFilter, type KpiView } from '../state/filters';
import { useViewInUrl, type ViewInUrl } from '../router/useViewInUrl';
import { hrefs } from '../router/hash';
import { useTheme } from '../state/theme';

/** Chart colours per theme (SVG attributes cannot read the CSS variables of styles.css). */
const PALETTES = {
  dark: {
    grid: '#262d38',
    axis: '#3a4352',
    tick: '#98a2b3',
    tooltipBg: '#161b22',
    tooltipBorder: '#2f3746',
    tooltipText: '#e6e9ef',
    cursor: 'rgba(255,255,255,0.04)',
    created: '#7aa7ff',
    shipped: '#b79cff',
    delivered: '#5cc98a',
    onTime: '#5cc98a',
    late: '#f0776b',
  },
  light: {
    grid: '#e3e7ed',
    axis: '#c2cad5',
    tick: '#4b5563',
    tooltipBg: '#ffffff',
    tooltipBorder: '#d5dbe3',
    tooltipText: '#111827',
    cursor: 'rgba(0,0,0,0.04)',
    created: '#2563eb',
    shipped: '#7c3aed',
    delivered: '#15803d',
    onTime: '#15803d',
    late: '#dc2626',
  },
} as const satisfies Record<Theme, Record<string, string>>;

type Palette = (typeof PALETTES)[Theme];

const STATUS_COLORS: Record<string, string> = {
  created: '#8b97a8',
  approved: '#6f9ef8',
  picked: '#5fb3e0',
  packed: '#4fc1c1',
  shipped: '#b79cff',
  delivered: '#5cc98a',
  cancelled: '#6b7280',
};

function usePalette(): Palette {
  return PALETTES[useTheme((t) => t.theme)];
}

function tooltipProps(c: Palette) {
  return {
    contentStyle: {
      background: c.tooltipBg,
      border: `1px solid ${c.tooltipBorder}`,
      borderRadius: 4,
      fontSize: 12,
    },
    labelStyle: { color: c.tooltipText, marginBottom: 4 },
    itemStyle: { padding: 0 },
    cursor: { fill: c.cursor },
  } as const;
}

function axisProps(c: Palette) {
  return { stroke: c.axis, tick: { fill: c.tick, fontSize: 11 }, tickLine: false } as const;
}

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
  /** Change against the previous range of the same length (null: no previous range). */
  delta?: KpiDelta | null;
}

function KpiCard({ testId, label, title, value, raw, sub, tone, delta, href }: CardProps): ReactNode {
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
      {delta && (
        <div className={`kpi__delta kpi__delta--${delta.tone}`} data-testid={`${testId}-delta`}>
          {delta.text} <span className="muted">vs previous</span>
        </div>
      )}
    </Tag>
  );
}

function rateTone(rate: number | null): CardProps['tone'] {
  if (rate === null) return undefined;
  if (rate >= 0.95) return 'ok';
  return rate >= 0.85 ? 'warn' : 'bad';
}

function KpiCards({ s }: { s: KpiSummary }): ReactNode {
  const p = comparablePrevious(s.previous);
  const delta = (
    kind: KpiKind,
    pick: (f: Omit<KpiPeriod, 'from' | 'to'>) => number | null,
    better: 'up' | 'down' | 'none',
  ) => (p ? kpiDelta(kind, pick(s), pick(p), better) : null);
  return (
    <section className="kpis" aria-label="Key performance indicators">
      <KpiCard
        testId="kpi-otd"
        href={kpiFigureHref('onTime', s)}
        delta={delta('rate', (f) => f.otd, 'up')}
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
        delta={delta('rate', (f) => f.otif, 'up')}
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
        delta={delta('count', (f) => f.lateOrders, 'down')}
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
        delta={delta('count', (f) => f.deliveredOrders, 'none')}
        label="Delivered in range"
        title="Orders whose delivery day (site time) is in the range, each counted once; the sub-line counts orders created in the range"
        value={formatCount(s.deliveredOrders)}
        raw={s.deliveredOrders}
        sub={`orders · ${formatCount(s.createdOrders)} created`}
      />
      <KpiCard
        testId="kpi-cycle-median"
        href={kpiFigureHref('delivered', s)}
        delta={delta('duration', (f) => f.cycleTimeMedianMs, 'down')}
        label="Cycle time median"
        title="Median of delivered time minus created time over delivered orders"
        value={formatDuration(s.cycleTimeMedianMs)}
        raw={s.cycleTimeMedianMs}
        sub="created → delivered"
      />
      <KpiCard
        testId="kpi-cycle-p90"
        href={kpiFigureHref('delivered', s)}
        delta={delta('duration', (f) => f.cycleTimeP90Ms, 'down')}
        label="Cycle time p90"
        title="90th percentile of delivered time minus created time: 90 % of orders were delivered within this"
        value={formatDuration(s.cycleTimeP90Ms)}
        raw={s.cycleTimeP90Ms}
        sub="90th percentile"
      />
      <KpiCard
        testId="kpi-backlog"
        href={kpiFigureHref('backlog', s)}
        delta={delta('count', (f) => f.backlog, 'none')}
        label="Backlog"
        title="Open orders (created, approved, picked, packed or shipped) among those created in the range"
        value={formatCount(s.backlog)}
        raw={s.backlog}
        sub="open orders"
      />
      <KpiCard
        testId="kpi-exceptions"
        href={kpiExceptionsHref(s)}
        label="Open exceptions"
        title="Shipments whose latest status is exception or failed attempt and that are not delivered (opens them in the shipments list)"
        value={formatCount(s.openExceptions)}
        raw={s.openExceptions}
        tone={s.openExceptions > 0 ? 'warn' : undefined}
        sub="shipments"
      />
    </section>
  );
}

/** Height of one status row in the horizontal bar chart (px). */
const STATUS_ROW_PX = 26;

/**
 * Current status of the orders created in range, as horizontal bars: the status names read left
 * of their bar at any width, every count is written at the end of its bar, and a non-zero count
 * keeps a visible bar however large the others are.
 */
const StatusChart = memo(StatusChartView, sameStatusChart);

/**
 * The status chart shows the same when its counts (kept by reference while equal: the query's
 * structural sharing) and the scope its bars link to are the same: a KPI refetch while events
 * arrive (every second or two) then re-renders no chart, only the figures that moved.
 */
function sameStatusChart(a: { s: KpiSummary }, b: { s: KpiSummary }): boolean {
  return (
    a.s.ordersByStatus === b.s.ordersByStatus &&
    kpiFigureHref({ status: 'created' }, a.s) === kpiFigureHref({ status: 'created' }, b.s)
  );
}

function StatusChartView({ s }: { s: KpiSummary }): ReactNode {
  const c = usePalette();
  const data = ORDER_STATUSES.map((status) => ({
    status,
    label: statusLabel(status),
    count: s.ordersByStatus[status] ?? 0,
  }));
  return (
    <section className="panel chart" data-testid="chart-status">
      <header className="panel__header">
        <h2>Orders by status</h2>
        <span className="muted">current status of the orders created in range</span>
      </header>
      <div className="chart__body">
        <ResponsiveContainer width="100%" height={data.length * STATUS_ROW_PX + 16}>
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 56, bottom: 4, left: 0 }}>
            <CartesianGrid stroke={c.grid} horizontal={false} />
            <XAxis type="number" hide allowDecimals={false} />
            <YAxis type="category" dataKey="label" {...axisProps(c)} width={84} interval={0} />
            <Tooltip {...tooltipProps(c)} formatter={(v) => [formatCount(Number(v)), 'orders']} />
            <Bar
              dataKey="count"
              isAnimationActive={false}
              barSize={16}
              minPointSize={(v: unknown) => (Number(v) > 0 ? 3 : 0)}
              cursor="pointer"
              onClick={(_bar, i) => {
                const d = data[i];
                if (d) navigate(kpiFigureHref({ status: d.status }, s));
              }}
            >
              {data.map((d) => (
                <Cell key={d.status} fill={STATUS_COLORS[d.status] ?? c.created} />
              ))}
              <LabelList
                dataKey="count"
                position="right"
                fill={c.tick}
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

/** Memoized: an unchanged series (the same object, structural sharing) re-renders no chart. */
const DailyCharts = memo(function DailyCharts({ series: answer }: { series: KpiSeries }): ReactNode {
  const c = usePalette();
  const { bucket } = answer;
  const includeDrills = useKpiFilter((f) => f.includeDrills);
  const site = useKpiFilter((f) => f.site);
  /** Opens the orders behind one bar (a measure of the bucket at `index`). */
  const openBar = (measure: 'onTime' | 'late') => (_bar: unknown, index: number) => {
    const p = answer.points[index];
    if (p) navigate(kpiBarHref(measure, { start: p.start, size: bucket }, answer, includeDrills, site));
  };
  const series = useMemo(() => chartPoints(answer.points, bucket), [answer.points, bucket]);
  const empty = series.length === 0;
  /** The bucket the flow links below the chart name: the one hovered or clicked, else the last. */
  const [picked, setPicked] = useState<number | null>(null);
  const active = picked !== null && picked < series.length ? picked : series.length - 1;
  const flowHref = (measure: 'created' | 'shipped' | 'delivered', index: number): string | null => {
    const p = answer.points[index];
    return p ? kpiBarHref(measure, { start: p.start, size: bucket }, answer, includeDrills, site) : null;
  };
  /** A clickable point of one flow line: opens the orders behind it. */
  const flowDot =
    (measure: 'created' | 'shipped' | 'delivered', colour: string) =>
    (props: ActiveDotProps): ReactNode => {
      const href = flowHref(measure, props.index);
      if (props.cx === undefined || props.cy === undefined) return null;
      return (
        <circle
          cx={props.cx}
          cy={props.cy}
          r={5}
          fill={colour}
          stroke={c.grid}
          strokeWidth={1}
          style={{ cursor: 'pointer' }}
          data-testid={`flow-dot-${measure}`}
          onClick={() => href && navigate(href)}
        />
      );
    };
  return (
    <>
      <section className="panel chart chart--wide" data-testid="chart-daily" data-bucket={bucket}>
        <header className="panel__header">
          <h2>Order flow</h2>
          <span className="muted">
            orders created, shipped and delivered {BUCKET_WORD[bucket]} (each order counted on the site day of
            each step)
          </span>
        </header>
        <div className="chart__body">
          {empty ? (
            <div className="placeholder">No activity in this range</div>
          ) : (
            <ResponsiveContainer width="100%" height={210}>
              <LineChart
                data={series}
                margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
                onMouseMove={(state) => {
                  const i = Number(state.activeTooltipIndex);
                  if (Number.isInteger(i) && i >= 0) setPicked(i);
                }}
              >
                <CartesianGrid stroke={c.grid} vertical={false} />
                <XAxis dataKey="label" {...axisProps(c)} minTickGap={24} />
                <YAxis
                  {...axisProps(c)}
                  width={56}
                  allowDecimals={false}
                  tickFormatter={(v: number) => formatCount(v)}
                />
                <Tooltip {...tooltipProps(c)} formatter={(v, name) => [formatCount(Number(v)), name]} />
                <Legend
                  wrapperStyle={{ fontSize: 12, color: c.tick }}
                  iconType="plainline"
                  itemSorter={null}
                />
                <Line
                  type="linear"
                  dataKey="created"
                  activeDot={flowDot('created', c.created)}
                  name="Created"
                  stroke={c.created}
                  dot={false}
                  strokeWidth={1.75}
                  isAnimationActive={false}
                />
                <Line
                  type="linear"
                  dataKey="shipped"
                  activeDot={flowDot('shipped', c.shipped)}
                  name="Shipped"
                  stroke={c.shipped}
                  dot={false}
                  strokeWidth={1.75}
                  isAnimationActive={false}
                />
                <Line
                  type="linear"
                  dataKey="delivered"
                  activeDot={flowDot('delivered', c.delivered)}
                  name="Delivered (per bucket)"
                  stroke={c.delivered}
                  dot={false}
                  strokeWidth={1.75}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          )}
          {!empty && series[active] && (
            <div className="flow-links small" data-testid="flow-links" data-start={series[active].start}>
              <span className="muted">Orders of {bucketName(series[active].start, bucket)}:</span>
              {(['created', 'shipped', 'delivered'] as const).map((m) => (
                <a
                  key={m}
                  href={flowHref(m, active) ?? undefined}
                  data-testid={`flow-link-${m}`}
                  data-count={series[active]![m]}
                >
                  {formatCount(series[active]![m])} {m}
                </a>
              ))}
              <span className="muted">· point at or click a point of the chart</span>
            </div>
          )}
        </div>
      </section>
      <section className="panel chart" data-testid="chart-ontime" data-bucket={bucket}>
        <header className="panel__header">
          <h2>On time vs late</h2>
          <span className="muted">orders delivered {BUCKET_WORD[bucket]}, on time or late</span>
        </header>
        <div className="chart__body">
          {empty ? (
            <div className="placeholder">No deliveries in this range</div>
          ) : (
            <ResponsiveContainer width="100%" height={200}>
              <BarChart data={series} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={c.grid} vertical={false} />
                <XAxis dataKey="label" {...axisProps(c)} minTickGap={24} />
                <YAxis
                  {...axisProps(c)}
                  width={56}
                  allowDecimals={false}
                  tickFormatter={(v: number) => formatCount(v)}
                />
                <Tooltip {...tooltipProps(c)} formatter={(v, name) => [formatCount(Number(v)), name]} />
                <Legend wrapperStyle={{ fontSize: 12, color: c.tick }} itemSorter={null} />
                <Bar
                  dataKey="onTime"
                  name="On time"
                  stackId="d"
                  fill={c.onTime}
                  isAnimationActive={false}
                  cursor="pointer"
                  onClick={openBar('onTime')}
                />
                <Bar
                  dataKey="late"
                  name="Late"
                  stackId="d"
                  fill={c.late}
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
});

/** The range the dashboard shows: the operator's dates, else the data's main span. */
interface ShownRange {
  from: string | null;
  to: string | null;
}

/** The dashboard's range, site and traffic in the hash (`#/?from=2017-03-01&to=2017-03-31&site=w-2`). */
const KPI_VIEW_IN_URL: ViewInUrl<KpiView> = {
  store: useKpiFilter,
  load: (view) => useKpiFilter.getState().load(view),
  toSearch: kpiViewSearch,
  fromSearch: kpiViewFromSearch,
  href: hrefs.dashboard,
};

/**
 * Site picker, shown when orders carry a warehouse: a text field with the sites as suggestions
 * (the Olist import has 2,000+ sites: a plain list cannot be searched). A known site id applies
 * as it is typed or picked; blank = all sites.
 */
function SitePicker({ sites }: { sites: KpiSite[] }): ReactNode {
  const site = useKpiFilter((f) => f.site);
  const setSite = useKpiFilter((f) => f.setSite);
  const [draft, setDraft] = useState<string | null>(null);
  const known = useMemo(() => new Set(sites.map((x) => x.warehouseId)), [sites]);
  if (sites.length === 0 && site === null) return null;
  const text = draft ?? site ?? '';
  const unknown = text.trim() !== '' && !known.has(text.trim());
  return (
    <label className="field-inline">
      <span>Site</span>
      <input
        className="input kpi-site"
        type="search"
        list="kpi-site-list"
        placeholder={`All sites (${formatCount(sites.length)})`}
        value={text}
        aria-invalid={unknown}
        title={unknown ? 'No site has this id' : undefined}
        data-testid="kpi-site"
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => {
          const v = e.target.value.trim();
          setDraft(e.target.value);
          if (v === '') setSite(null);
          else if (known.has(v)) setSite(v);
        }}
        onBlur={() => setDraft(null)}
      />
      <datalist id="kpi-site-list">
        {sites.map((x) => (
          <option key={x.warehouseId} value={x.warehouseId}>
            {x.timeZone ?? ''}
          </option>
        ))}
      </datalist>
    </label>
  );
}

function RangePicker({ extent, shown }: { extent: KpiSummary | null; shown: ShownRange }): ReactNode {
  const { from, to, includeDrills, setRange, setIncludeDrills } = useKpiFilter();
  const zone = useSiteTimeZone();
  // The site day now: live traffic of the shift, wherever the rest of the data lies.
  const today = siteDay(new Date().toISOString(), zone);
  const mainTo = extent?.mainTo ?? null;
  const shownFrom = shown.from ?? '';
  const shownTo = shown.to ?? '';
  // Presets end on the main span's last day: one stray event with today's time must not move
  // "Last 30 d" to an empty range.
  const preset = (days: number): void => {
    if (mainTo) setRange(addDays(mainTo, -(days - 1)), mainTo);
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
        <button
          type="button"
          className="btn btn--small"
          onClick={() => setRange(today, today)}
          disabled={from === today && to === today}
          title={`${today}, the site day now (${zone})`}
          data-testid="kpi-today"
        >
          Today
        </button>
        <button type="button" className="btn btn--small" onClick={() => preset(7)} disabled={!mainTo}>
          Last 7 d
        </button>
        <button type="button" className="btn btn--small" onClick={() => preset(30)} disabled={!mainTo}>
          Last 30 d
        </button>
        <button
          type="button"
          className="btn btn--small"
          onClick={() => setRange(null, null)}
          disabled={from === null && to === null}
          title={extent?.mainFrom && mainTo ? `${extent.mainFrom} → ${mainTo}` : undefined}
        >
          All data
        </button>
      </div>
      {extent && <SitePicker sites={extent.sites} />}
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
    </div>
  );
}

/** One line saying which range and site the figures cover, what they are compared with, and what is left out. */
function RangeNote({
  extent,
  summary,
}: {
  extent: KpiSummary | null;
  summary: KpiSummary | null;
}): ReactNode {
  const site = useKpiFilter((f) => f.site);
  const chosen = useKpiFilter((f) => f.from !== null || f.to !== null);
  const setRange = useKpiFilter((f) => f.setRange);
  if (!summary) return null;
  const from = summary.from ?? summary.dataFrom;
  const to = summary.to ?? summary.dataTo;
  // The main span is computed over every site: its left-out days are only news for all sites.
  const outside = extent && !chosen && !site ? extent.outsideDays : 0;
  return (
    <p className="range-note small" data-testid="kpi-range-note">
      <span>
        Showing{' '}
        <strong className="num">
          {from ?? '—'} → {to ?? '—'}
        </strong>{' '}
        (site days{chosen ? '' : ', where the data is'}) · {site ? `site ${site}` : 'all sites'}
      </span>
      {summary.previous &&
        (comparablePrevious(summary.previous) ? (
          <span className="muted">
            {' '}
            · compared with{' '}
            <span className="num">
              {summary.previous.from} → {summary.previous.to}
            </span>
          </span>
        ) : (
          <span className="muted" data-testid="kpi-no-previous">
            {' '}
            · no comparison: no data in{' '}
            <span className="num">
              {summary.previous.from} → {summary.previous.to}
            </span>
          </span>
        ))}
      {outside > 0 && (
        <span className="muted" data-testid="kpi-outside-note">
          {' '}
          · {formatCount(outside)} day{outside === 1 ? '' : 's'} with activity far from the rest left out
          (data runs {extent?.dataFrom} → {extent?.dataTo}){' '}
          <button
            type="button"
            className="btn btn--link btn--small"
            data-testid="kpi-include-outside"
            onClick={() => setRange(extent?.dataFrom ?? null, extent?.dataTo ?? null)}
          >
            Include {outside === 1 ? 'it' : 'them'}
          </button>
        </span>
      )}
      <span className="toolbar__spacer" />
      <span className="muted" title="When the server computed these KPIs">
        computed {formatInstant(summary.computedAt)}
      </span>
    </p>
  );
}

/** The dashboard screen. */
export function Dashboard({ search }: { search: string }): ReactNode {
  useViewInUrl(search, KPI_VIEW_IN_URL);
  const from = useKpiFilter((s) => s.from);
  const to = useKpiFilter((s) => s.to);
  const includeDrills = useKpiFilter((s) => s.includeDrills);
  const site = useKpiFilter((s) => s.site);
  // The all-data summary (cached by the server) gives the main span, the sites and the data range.
  const base: KpiRange = { includeDrills };
  if (site) base.warehouse = site;
  const extentQuery = useKpiSummary(base);
  const extent = extentQuery.data ?? null;
  const shown: ShownRange = {
    from: from ?? extent?.mainFrom ?? null,
    to: to ?? extent?.mainTo ?? null,
  };
  const range: KpiRange = { ...base };
  if (shown.from) range.from = shown.from;
  if (shown.to) range.to = shown.to;
  const ranged = shown.from !== null || shown.to !== null;
  const rangedSummary = useKpiSummary(range, extent !== null && ranged);
  const summary = ranged ? rangedSummary : extentQuery;
  const daily = useKpiDaily(range, extent !== null);
  const s = summary.data ?? null;
  const error = extentQuery.error ?? summary.error;

  return (
    <div className="screen" data-testid="dashboard">
      <RangePicker extent={extent} shown={shown} />
      <RangeNote extent={extent} summary={s} />
      {error && (
        <ErrorNotice
          error={error}
          onRetry={() => void (extentQuery.error ? extentQuery.refetch() : summary.refetch())}
          title="KPIs could not be loaded"
        />
      )}
      {!s && !error && <Loading label="Loading KPIs…" />}
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
