/**
 * Drill verification against a running stack (issue 12, "every scenario runs, checks and purges
 * cleanly on the Olist import"), shared by `npm run drills:verify` (scripts/drills-verify.ts) and
 * tests/integration/drills-olist.test.ts. Everything goes through the API, as an operator would:
 * - real KPIs (drills excluded) are read before anything runs;
 * - each scenario of the library runs at its default parameters (POST /api/drills/runs), one at a
 *   time; its end and the evaluation of its checks are awaited (GET /api/drills/runs/:id);
 * - its drill is purged (POST /api/drills/:drillId/purge) and the purge awaited until the preview
 *   (GET /api/drills/:drillId/purge) shows no row and no cache entry left;
 * - real KPIs are read again and compared figure by figure.
 * The drift check (a replay into a fresh schema against the live read models) is the caller's
 * (it needs the database, not the API): see {@link runDriftCheck}.
 *
 * Times are ms unless named otherwise.
 */
import type {
  DrillCheckResult,
  DrillPurgePreview,
  DrillPurgeResult,
  DrillRun,
  KpiSummary,
  ScenarioList,
  StackHealth,
} from '../../contracts';
import { FINAL_DRILL_RUN_STATES } from '../../contracts';
import type { AppConfig } from '../../runtime/config';
import { createPool } from '../../runtime/db';
import { createLogger } from '../../runtime/logger';
import { createRedis } from '../../runtime/redis';
import { REAL_KPI_FIGURES } from '../../server/drills/checks';
import { checkDrift } from '../replay/drift';
import { dropReplaySchema, replayIntoFreshSchema } from '../replay/replay';

/** fetch against the API with the caller's credentials (bearer token, JSON body). */
export type ApiFetch = (pathAndQuery: string, init?: RequestInit) => Promise<Response>;

/** The real KPI figures compared before and after (drills excluded): the drill checks' own list. */
export const REAL_KPI_FIELDS = REAL_KPI_FIGURES;
export type RealKpiFigures = Record<(typeof REAL_KPI_FIELDS)[number], number | null>;

/** What one scenario did on the stack. */
export interface ScenarioVerification {
  scenarioId: string;
  runId: string | null;
  drillId: string | null;
  /** Final state of the run (`completed` unless it halted, failed or timed out). */
  state: string;
  events: number;
  /** From the start request to the checks being evaluated (s). */
  runSeconds: number;
  checks: DrillCheckResult[];
  passed: boolean;
  /** Rows and cache entries of the drill before the purge, and what was left after it. */
  purge: { before: number; left: number; seconds: number } | null;
  /** What went wrong outside the checks (HTTP error, timeout), or null. */
  error: string | null;
}

/** Everything the verification found. */
export interface VerificationReport {
  scenarios: ScenarioVerification[];
  realBefore: RealKpiFigures;
  realAfter: RealKpiFigures;
  /** Real KPI figures that differ after every drill ran and was purged (empty: unchanged). */
  realChanged: string[];
}

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Real KPI figures over all time, drills excluded (GET /api/kpi/summary). */
export async function readRealKpiFigures(api: ApiFetch): Promise<RealKpiFigures> {
  const s = await json<KpiSummary>(
    await api('/api/kpi/summary?includeDrills=false&from=2000-01-01&to=2100-01-01'),
    'real KPIs',
  );
  const out = {} as RealKpiFigures;
  for (const f of REAL_KPI_FIELDS) out[f] = s[f] ?? null;
  return out;
}

/**
 * Waits until no worker lags (GET /api/health: every worker's `lagEvents` is 0) for two reads in
 * a row. @returns false after `timeoutMs`
 */
export async function waitForNoLag(api: ApiFetch, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (Date.now() < deadline) {
    const h = await json<StackHealth>(await api('/api/health'), 'health');
    const lagging = h.workers.some((w) => w.lagEvents === undefined || w.lagEvents > 0);
    quiet = lagging ? 0 : quiet + 1;
    if (quiet >= 2) return true;
    await sleep(500);
  }
  return false;
}

/** Rows and cache entries a purge preview still counts. */
export function purgeRowsOf(p: DrillPurgePreview): number {
  return (
    p.orders +
    p.orderLines +
    p.orderEvents +
    p.shipments +
    p.shipmentCheckpoints +
    p.orderFacts +
    p.kpiDaily.days +
    p.redisEntries
  );
}

/**
 * Runs one scenario at its default parameters (or `parameters`), waits for its checks, purges
 * its drill and waits until nothing of it is left. Never throws for a failure of the stack: the
 * result's `error` says what happened.
 */
export async function verifyScenario(
  api: ApiFetch,
  scenarioId: string,
  opts: { timeoutMs: number; parameters?: Record<string, unknown>; log?: (line: string) => void },
): Promise<ScenarioVerification> {
  const t0 = Date.now();
  const log = opts.log ?? (() => undefined);
  const r: ScenarioVerification = {
    scenarioId,
    runId: null,
    drillId: null,
    state: 'not started',
    events: 0,
    runSeconds: 0,
    checks: [],
    passed: false,
    purge: null,
    error: null,
  };
  try {
    let run = await json<DrillRun>(
      await api('/api/drills/runs', {
        method: 'POST',
        body: JSON.stringify({
          scenarioId,
          parameters: opts.parameters ?? {},
          note: 'drills:verify on the Olist import',
        }),
      }),
      `start ${scenarioId}`,
    );
    r.runId = run.id;
    r.drillId = run.drillId;
    r.events = run.progress.total;
    log(`${scenarioId}: run ${run.id}, drill ${run.drillId}, ${run.progress.total} events`);
    const deadline = t0 + opts.timeoutMs;
    while (!(FINAL_DRILL_RUN_STATES.includes(run.state) && run.checks)) {
      if (Date.now() > deadline)
        throw new Error(`run ${run.id} not checked within ${opts.timeoutMs} ms (${run.state})`);
      await sleep(500);
      run = await json<DrillRun>(await api(`/api/drills/runs/${run.id}`), `run ${run.id}`);
    }
    r.state = run.state;
    r.runSeconds = (Date.now() - t0) / 1000;
    r.checks = run.checks;
    r.passed = run.state === 'completed' && run.passed === true;
    if (run.haltReason) r.error = `halted: ${run.haltReason}`;
    if (run.error) r.error = `failed: ${run.error}`;

    const p0 = Date.now();
    const purged = await json<DrillPurgeResult>(
      await api(`/api/drills/${encodeURIComponent(run.drillId)}/purge`, {
        method: 'POST',
        body: JSON.stringify({ reason: 'drills:verify: scenario checked' }),
      }),
      `purge ${run.drillId}`,
    );
    const before = purgeRowsOf(purged.preview);
    let left = before;
    while (Date.now() < deadline) {
      const p = await json<DrillPurgePreview>(
        await api(`/api/drills/${encodeURIComponent(run.drillId)}/purge`),
        `purge preview ${run.drillId}`,
      );
      left = purgeRowsOf(p);
      if (left === 0) break;
      await sleep(500);
    }
    r.purge = { before, left, seconds: (Date.now() - p0) / 1000 };
    if (left > 0) r.error = `${left} rows/entries of ${run.drillId} left after the purge`;
  } catch (err) {
    r.error = (err as Error).message;
  }
  return r;
}

/**
 * Runs every scenario of the library (or `only`), one after the other, and compares real KPIs
 * before and after (once the workers caught up).
 */
export async function verifyScenarios(
  api: ApiFetch,
  opts: { timeoutMs: number; only?: readonly string[]; log?: (line: string) => void },
): Promise<VerificationReport> {
  await waitForNoLag(api, opts.timeoutMs);
  const realBefore = await readRealKpiFigures(api);
  const { scenarios } = await json<ScenarioList>(await api('/api/drills/scenarios'), 'scenarios');
  const ids = scenarios.map((s) => s.id).filter((id) => !opts.only || opts.only.includes(id));
  const results: ScenarioVerification[] = [];
  for (const id of ids) results.push(await verifyScenario(api, id, opts));
  await waitForNoLag(api, opts.timeoutMs);
  const realAfter = await readRealKpiFigures(api);
  const realChanged = REAL_KPI_FIELDS.filter((f) => realBefore[f] !== realAfter[f]).map(
    (f) => `${f} ${realBefore[f]} -> ${realAfter[f]}`,
  );
  return { scenarios: results, realBefore, realAfter, realChanged };
}

/** The drift check's outcome in short. */
export interface DriftOutcome {
  ok: boolean;
  lines: string[];
}

/**
 * Replays the topics into a fresh schema and compares it with the live read models and the Redis
 * cache (scripts/replay/drift.ts, as `npm run replay`); drops the schema afterwards.
 */
export async function runDriftCheck(config: AppConfig, migrations: string): Promise<DriftOutcome> {
  const started = new Date();
  const replay = await replayIntoFreshSchema(config, migrations, createLogger('drills-verify', 'warn'));
  const redis = createRedis(config);
  const pool = createPool(config, 1);
  try {
    await sleep(300); // let the cache client connect
    const report = await checkDrift(config, redis, replay, started);
    const lines = report.tables.map(
      (t) =>
        `${t.table.padEnd(22)} ${t.differingKeys === 0 ? 'same' : `${t.differingKeys} entities differ, e.g. ${t.sampleKeys.join(', ')}`}`,
    );
    lines.push(
      `${'KPI totals'.padEnd(22)} ${report.kpiDifferences.length === 0 ? 'same' : `differ: ${report.kpiDifferences.join(', ')}`}`,
      `${'Redis cache'.padEnd(22)} ${report.redis.checked} entries checked, ${report.redis.stale} stale`,
      `drift check #${report.id}: ${report.ok ? 'NO DRIFT' : 'DRIFT FOUND'} (${replay.messages} messages replayed in ${(replay.durationMs / 1000).toFixed(1)} s)`,
    );
    return { ok: report.ok, lines };
  } finally {
    redis.disconnect();
    await dropReplaySchema(pool, replay.schema).finally(() => pool.end());
  }
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/** The per-scenario table: one line per check, then the purge, as printed by `drills:verify`. */
export function formatVerification(report: VerificationReport): string {
  const rows: string[][] = [['scenario', 'check', 'expected', 'actual', 'tolerance', 'result']];
  for (const s of report.scenarios) {
    for (const c of s.checks)
      rows.push([
        s.scenarioId,
        c.checkId,
        fmt(c.expected),
        fmt(c.actual),
        fmt(c.tolerance),
        c.passed ? 'pass' : 'FAIL',
      ]);
    rows.push([
      s.scenarioId,
      'purge',
      s.purge ? `${s.purge.before} rows` : '-',
      s.purge ? `${s.purge.left} left` : '-',
      '0',
      s.purge && s.purge.left === 0 ? `pass (${s.purge.seconds.toFixed(1)} s)` : 'FAIL',
    ]);
    rows.push([
      s.scenarioId,
      'run',
      `${s.events} events`,
      s.state,
      '',
      `${s.runSeconds.toFixed(1)} s${s.error ? `; ${s.error}` : ''}`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  lines.push(
    '',
    `real KPIs (drills excluded) before: ${REAL_KPI_FIELDS.map((f) => `${f} ${report.realBefore[f]}`).join(', ')}`,
    `real KPIs after every drill ran and was purged: ${report.realChanged.length === 0 ? 'unchanged' : `CHANGED: ${report.realChanged.join('; ')}`}`,
  );
  return lines.join('\n');
}

/** True when every scenario passed its checks, purged cleanly, and real KPIs did not move. */
export function verificationPassed(report: VerificationReport): boolean {
  return (
    report.realChanged.length === 0 &&
    report.scenarios.every((s) => s.passed && s.error === null && s.purge?.left === 0)
  );
}
