/**
 * The drill runner (main-process core): plays scenario runs, pauses, resumes and stops them,
 * halts them on their halt conditions, and evaluates their checks when they end.
 *
 * Run state lives in PostgreSQL (`drill_runs`, `drill_run_events`; migration
 * 1732960002500_drill-runs.sql), so a console reload reads it back and a restart of the main
 * process finds it:
 * - the position (`sent_events`) is written after each batch Kafka acknowledged (acks=all);
 * - event ids are UUID v5 of (run id, step) (server/drills/generators.ts), and the events are
 *   regenerated from the stored seed, parameters and anchor: a run resumed after a crash re-sends
 *   at most the last unrecorded batch, with the same ids, and the workers apply each event once;
 * - when the core starts, a run left `running` by a process that died is marked `interrupted`
 *   (resume or stop it), and an ended run whose checks were never evaluated gets them evaluated.
 *
 * One run sends at a time (a second start or resume is refused while one is `running`). One main
 * process per database is assumed (as for the API's sessions).
 *
 * Rates are events per second (wall clock); times are ms since the epoch unless named otherwise.
 */
import { randomUUID } from 'node:crypto';
import {
  drillParametersSchema,
  FINAL_DRILL_RUN_STATES,
  haltConditionsSchema,
  MAX_EVENT_TIME_AHEAD_MS,
  resolveParameters,
  scenarioDefinitionSchema,
  topicNames,
  validateEvent,
  issueSummary,
  consumerGroup,
  workersConsuming,
  type DrillCheckResult,
  type DrillPreview,
  type DrillPreviewRequest,
  type DrillReport,
  type DrillRun,
  type DrillRunEvent,
  type DrillRunListQuery,
  type DrillRunPage,
  type DrillRunPurge,
  type DrillRunState,
  type DrillStartRequest,
  type HaltConditions,
  type Principal,
  type ResolvedDrillParameters,
  type ScenarioDefinition,
  type StackHealth,
  type SupplyChainEvent,
} from '../../contracts';
import { withTransaction, type Pool } from '../../runtime/db';
import type { InjectResult } from '../../contracts';
import type { Logger } from '../../runtime/logger';
import { ServiceUnavailableError } from '../../runtime/service-errors';
import {
  evaluateChecks,
  readDrillLeaks,
  readDrillMetrics,
  readRealEventsSince,
  readRealKpis,
  type RealKpis,
} from './checks';
import { countByType, generateDrill, type DrillPlan } from './generators';
import { expectedOutcome, fillHypothesis, type LibraryEntry, type ScenarioLibrary } from './library';

const HOUR_MS = 3_600_000;

/** States a run can be resumed from (a halted run: once the outage or lag that halted it is over). */
const RESUMABLE_STATES: readonly DrillRunState[] = ['paused', 'interrupted', 'halted'];

/** A request that names a field wrongly (HTTP 400), e.g. an unknown scenario or a parameter out of its limits. */
export class DrillRequestError extends Error {
  override name = 'DrillRequestError';
  constructor(readonly issues: { field: string; rule: string; message: string }[]) {
    super(`drill request is invalid: ${issueSummary(issues)}`);
  }
}

/** No such run (HTTP 404). */
export class DrillNotFoundError extends Error {
  override name = 'DrillNotFoundError';
  constructor(readonly runId: string) {
    super(`no drill run ${runId}`);
  }
}

/** The action does not fit the run's state (HTTP 409), e.g. resuming a completed run, or a second run while one sends. */
export class DrillStateError extends Error {
  override name = 'DrillStateError';
  constructor(
    message: string,
    readonly code: 'drill_state' | 'drill_active' = 'drill_state',
  ) {
    super(message);
  }
}

/** What the runner needs from the core. */
export interface DrillRunnerDeps {
  pool: Pool;
  publisher: { publish(events: readonly SupplyChainEvent[]): Promise<InjectResult[]> };
  log: Logger;
  library: ScenarioLibrary;
  /** Stack health (server/api/health.ts): services, workers and their consumer lag. */
  health: () => Promise<StackHealth>;
  /** Current high-water mark of every partition of the event topics. */
  highWatermarks: () => Promise<{ topic: string; partition: number; high: number }[]>;
  /** Topic and consumer-group prefix. */
  prefix: string;
  /** Records an audit row (server/api/audit-log.ts); never throws. */
  audit: (record: {
    principal: Principal;
    action: 'drills.start' | 'drills.pause' | 'drills.resume' | 'drills.stop' | 'drills.note';
    status: number;
    reason?: string | null;
    detail: Record<string, unknown>;
  }) => Promise<void>;
  /**
   * Throws ServiceUnavailableError (kafka) while the core's start has not completed (no publisher
   * yet): a run is then refused at once (503 `broker_unavailable`) instead of halting a second later.
   */
  brokerReady?: () => void;
  /** Clock (ms); tests may pass their own. */
  now?: () => number;
  /** Longest wait for the workers to apply a run's events before its checks are evaluated (ms; default 120,000). */
  settleTimeoutMs?: number;
  /** How often the halt conditions are checked while sending (ms; default 1,000). */
  haltCheckEveryMs?: number;
  /** How long a worker may stay unhealthy (not consuming, restarting) before a run halts (ms; default 15,000). */
  workerGraceMs?: number;
}

/** A `drill_runs` row as read. */
interface RunRow {
  id: string;
  drill_id: string;
  scenario_id: string;
  scenario: ScenarioDefinition;
  parameters: ResolvedDrillParameters;
  seed: number;
  halt: HaltConditions;
  anchor: string;
  state: DrillRunState;
  total_events: number;
  sent_events: number;
  started_by: string;
  started_at: string;
  ended_at: string | null;
  halt_reason: string | null;
  error: string | null;
  note: string | null;
  checks: DrillCheckResult[] | null;
  passed: boolean | null;
  kpi_before: RealKpis | null;
  active_ms: number;
  running_since: string | null;
}

/** Why a sending loop ended. */
type LoopEnd =
  | { kind: 'done' }
  | { kind: 'pause' | 'stop'; principal: Principal; reason: string | null }
  | { kind: 'shutdown' }
  | { kind: 'halt'; reason: string }
  | { kind: 'fail'; error: string };

/** The run that is sending now, and what the operator asked of it. */
interface ActiveRun {
  runId: string;
  request: Exclude<LoopEnd, { kind: 'done' | 'halt' | 'fail' }> | null;
  /** Resolves once the loop ended and its end was written. */
  settled: Promise<void>;
  /** Recent (time, sent) samples for the rate. */
  samples: { at: number; sent: number }[];
}

/** Answers the drill routes and runs the sending loops. */
export class DrillRunner {
  private readonly now: () => number;
  private active: ActiveRun | null = null;
  private readonly plans = new Map<string, DrillPlan>();
  /** Plans whose events were validated (checkPlan) already. */
  private readonly checkedPlans = new WeakSet<DrillPlan>();
  private closing = false;
  private readonly background = new Set<Promise<unknown>>();

  constructor(private readonly deps: DrillRunnerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Recovers after a start: runs left `running` (the process that sent them is gone) become
   * `interrupted`; ended runs without checks get them evaluated (in the background).
   */
  async init(): Promise<void> {
    const { rows } = await this.deps.pool.query<{ id: string; sent_events: number }>(
      `UPDATE drill_runs
          SET state = 'interrupted',
              active_ms = active_ms + coalesce((extract(epoch FROM (updated_at - running_since)) * 1000)::bigint, 0),
              running_since = NULL, updated_at = now()
        WHERE state = 'running' RETURNING id, sent_events`,
    );
    for (const r of rows) {
      await this.timeline(
        r.id,
        'interrupted',
        null,
        r.sent_events,
        'the main process stopped while the run was sending; resume or stop it',
      );
      this.deps.log.warn(
        { runId: r.id },
        'drill run interrupted by a restart of the main process: resume or stop it',
      );
    }
    const pending = await this.deps.pool.query<{ id: string }>(
      `SELECT id FROM drill_runs WHERE state = ANY($1::text[]) AND checks IS NULL`,
      [FINAL_DRILL_RUN_STATES],
    );
    for (const r of pending.rows) this.track(this.evaluate(r.id));
  }

  /** Ends the sending loop (the run becomes `interrupted`, resumable) and waits for background work. */
  async shutdown(): Promise<void> {
    this.closing = true;
    const active = this.active;
    if (active) {
      active.request ??= { kind: 'shutdown' };
      await active.settled;
    }
    await Promise.allSettled([...this.background]);
  }

  /** The scenario library, in display order. */
  scenarios(): LibraryEntry[] {
    return this.deps.library.entries;
  }

  /**
   * One scenario of the library.
   * @throws DrillRequestError naming `scenarioId` when there is none of that id
   */
  scenario(id: string): ScenarioDefinition {
    const entry = this.deps.library.get(id);
    if (!entry)
      throw new DrillRequestError([
        {
          field: 'scenarioId',
          rule: 'unknown_scenario',
          message: `no scenario ${id}; known: ${this.deps.library.entries.map((e) => e.scenario.id).join(', ')}`,
        },
      ]);
    return entry.scenario;
  }

  /**
   * What a scenario would inject (nothing is sent). Ids and times come from a preview run id and
   * the current time; a started run gets its own.
   * @throws DrillRequestError for an unknown scenario or a parameter out of its limits
   */
  preview(req: DrillPreviewRequest): DrillPreview {
    const scenario = this.scenario(req.scenarioId);
    const parameters = this.resolve(scenario, req.parameters);
    const runId = '00000000-0000-4000-8000-000000000000';
    const plan = generateDrill(scenario.generator, {
      runId,
      drillId: drillIdOf(scenario.id, runId),
      seed: req.seed,
      parameters,
      anchorMs: anchorOf(this.now(), parameters),
    });
    checkScheduleAhead(plan, this.now());
    const times = plan.events.map((e) => e.time);
    return {
      scenarioId: scenario.id,
      parameters,
      seed: req.seed,
      hypothesis: fillHypothesis(scenario, parameters),
      totalEvents: plan.events.length,
      countsByType: countByType(plan.events),
      entities: entitiesOf(plan, parameters),
      firstEvents: plan.events.slice(0, req.sample),
      eventTimeFrom: times.length ? times.reduce((a, b) => (a < b ? a : b)) : null,
      eventTimeTo: times.length ? times.reduce((a, b) => (a > b ? a : b)) : null,
      estimatedDurationMs: Math.round((plan.events.length / parameters.rate) * 1000),
      expectedOutcome: expectedOutcome(scenario, parameters),
    };
  }

  /**
   * Starts a run: records it (state `running`, the real KPI figures of now), audits it, and sends
   * in the background.
   * @throws DrillRequestError, DrillStateError (`drill_active`: another run is sending),
   *   ServiceUnavailableError (503 `broker_unavailable`: the start has not completed, or Kafka is down)
   * @param id the run's id (the API chooses it first, to audit a failed start by it); a new one by default
   */
  async start(principal: Principal, req: DrillStartRequest, id: string = randomUUID()): Promise<DrillRun> {
    const scenario = this.scenario(req.scenarioId);
    const parameters = this.resolve(scenario, req.parameters);
    if (this.active) throw this.busy();
    await this.requireBroker();
    const drillId = drillIdOf(scenario.id, id);
    const startedAt = this.now();
    const anchorMs = anchorOf(startedAt, parameters);
    const plan = generateDrill(scenario.generator, {
      runId: id,
      drillId,
      seed: req.seed,
      parameters,
      anchorMs,
    });
    checkScheduleAhead(plan, startedAt);
    checkPlan(plan, drillId);
    this.checkedPlans.add(plan);
    this.plans.set(id, plan);
    const kpiBefore = await readRealKpis(this.deps.pool);
    await this.deps.pool.query(
      `INSERT INTO drill_runs (id, drill_id, scenario_id, scenario, parameters, seed, halt, anchor, state,
                               total_events, started_by, started_at, note, kpi_before, running_since)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7::jsonb, $8, 'running', $9, $10, $11, $12, $13::jsonb, $11)`,
      [
        id,
        drillId,
        scenario.id,
        JSON.stringify(scenario),
        JSON.stringify(parameters),
        req.seed,
        JSON.stringify(req.halt),
        new Date(anchorMs).toISOString(),
        plan.events.length,
        principal.operator,
        new Date(startedAt).toISOString(),
        req.note ?? null,
        JSON.stringify(kpiBefore),
      ],
    );
    await this.timeline(
      id,
      'started',
      principal.operator,
      0,
      // The start note stays in the timeline when a later note replaces the run's `note`.
      `${scenario.name}: ${plan.events.length} events at ${parameters.rate} events/s${req.note ? `; note: ${req.note}` : ''}`,
    );
    await this.deps.audit({
      principal,
      action: 'drills.start',
      status: 202,
      detail: {
        runId: id,
        drillId,
        scenarioId: scenario.id,
        itemCount: plan.events.length,
        parameters,
        seed: req.seed,
      },
    });
    this.launch(id);
    return this.get(id);
  }

  /**
   * Pauses a running run once the batch in flight is acknowledged and recorded.
   * @throws DrillNotFoundError, DrillStateError when it is not running
   */
  async pause(principal: Principal, id: string, reason: string | null): Promise<DrillRun> {
    const run = await this.row(id);
    const active = this.active;
    if (run.state !== 'running' || !active || active.runId !== id)
      throw new DrillStateError(`drill run ${id} is ${run.state}: only a running run can be paused`);
    active.request ??= { kind: 'pause', principal, reason };
    await active.settled;
    return this.get(id);
  }

  /**
   * Resumes a paused, interrupted or halted run from its last recorded step (a halted one once
   * the service outage or lag that halted it is over: its checks are evaluated again at its new
   * end). Events keep their ids per run and step, so none is applied twice.
   * @throws DrillNotFoundError, DrillStateError (wrong state, another run is sending, or the drill
   *   was purged), ServiceUnavailableError (Kafka not usable)
   */
  async resume(principal: Principal, id: string, reason: string | null): Promise<DrillRun> {
    const run = await this.row(id);
    if (!RESUMABLE_STATES.includes(run.state))
      throw new DrillStateError(
        `drill run ${id} is ${run.state}: only a paused, interrupted or halted run can be resumed`,
      );
    if (this.active) throw this.busy();
    if (await this.purged(run.drill_id))
      throw new DrillStateError(
        `drill ${run.drill_id} was purged: run ${id} cannot be resumed (start a new run instead)`,
      );
    await this.requireBroker();
    const { rowCount } = await this.deps.pool.query(
      `UPDATE drill_runs SET state = 'running', running_since = $2, ended_at = NULL, checks = NULL, passed = NULL, halt_reason = NULL,
              updated_at = now()
        WHERE id = $1 AND state = $3`,
      [id, new Date(this.now()).toISOString(), run.state],
    );
    if (rowCount !== 1) throw new DrillStateError(`drill run ${id} changed state meanwhile; reload it`);
    await this.timeline(id, 'resumed', principal.operator, run.sent_events, reason);
    await this.deps.audit({
      principal,
      action: 'drills.resume',
      status: 200,
      reason,
      detail: {
        runId: id,
        drillId: run.drill_id,
        from: run.state,
        sent: run.sent_events,
        itemCount: run.total_events - run.sent_events,
      },
    });
    this.launch(id);
    return this.get(id);
  }

  /**
   * Stops a run for good (running: after the batch in flight; paused or interrupted: at once) and
   * evaluates its checks in the background on what was sent.
   * @throws DrillNotFoundError, DrillStateError when it has already ended
   */
  async stop(principal: Principal, id: string, reason: string | null): Promise<DrillRun> {
    const run = await this.row(id);
    if (FINAL_DRILL_RUN_STATES.includes(run.state))
      throw new DrillStateError(`drill run ${id} is ${run.state} already`);
    const active = this.active;
    if (active && active.runId === id) {
      active.request = { kind: 'stop', principal, reason };
      await active.settled;
      return this.get(id);
    }
    await this.settle(id, { kind: 'stop', principal, reason });
    return this.get(id);
  }

  /**
   * Saves an operator's note on a run (any state): it becomes the run's `note` (the latest) and
   * an entry of its timeline (kind `note`, operator, time, text), so no earlier note is lost.
   * @param note non-blank text (contracts/drills.ts `drillNoteSchema`)
   * @throws DrillNotFoundError
   */
  async note(principal: Principal, id: string, note: string): Promise<DrillRun> {
    const run = await this.row(id);
    await withTransaction(this.deps.pool, async (client) => {
      await client.query(`UPDATE drill_runs SET note = $2, updated_at = now() WHERE id = $1`, [id, note]);
      await client.query(
        `INSERT INTO drill_run_events (run_id, kind, operator, sent, detail) VALUES ($1, 'note', $2, $3, $4)`,
        [id, principal.operator, run.sent_events, note],
      );
    });
    await this.deps.audit({
      principal,
      action: 'drills.note',
      status: 200,
      detail: { runId: id, drillId: run.drill_id },
    });
    return this.get(id);
  }

  /** One run. @throws DrillNotFoundError */
  async get(id: string): Promise<DrillRun> {
    return this.toRun(await this.row(id));
  }

  /** Runs, newest first; `active` = running, paused or interrupted. */
  async list(q: DrillRunListQuery): Promise<DrillRunPage> {
    const states = q.state === 'active' ? ['running', 'paused', 'interrupted'] : q.state ? [q.state] : null;
    const [items, total] = await Promise.all([
      this.deps.pool.query<RunRow>(
        `SELECT * FROM drill_runs WHERE ($1::text[] IS NULL OR state = ANY($1::text[]))
          ORDER BY started_at DESC, id LIMIT $2 OFFSET $3`,
        [states, q.pageSize, (q.page - 1) * q.pageSize],
      ),
      this.deps.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM drill_runs WHERE ($1::text[] IS NULL OR state = ANY($1::text[]))`,
        [states],
      ),
    ]);
    return {
      items: items.rows.map((r) => this.toRun(r)),
      total: total.rows[0]!.n,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /** The report data of a run. @throws DrillNotFoundError */
  async report(id: string): Promise<DrillReport> {
    const row = await this.row(id);
    const plan = this.planOf(row);
    const [{ rows }, purged] = await Promise.all([
      this.deps.pool.query<DrillRunEvent>(
        `SELECT at, kind, operator, sent, detail FROM drill_run_events WHERE run_id = $1 ORDER BY id`,
        [id],
      ),
      this.purgeOf(row.drill_id),
    ]);
    return {
      run: this.toRun(row),
      scenario: {
        id: row.scenario.id,
        name: row.scenario.name,
        description: row.scenario.description,
        generator: row.scenario.generator,
      },
      countsByType: countByType(plan.events),
      entities: entitiesOf(plan, row.parameters),
      expectedOutcome: expectedOutcome(row.scenario, row.parameters),
      timeline: timelineWithPurge(rows, purged, row.sent_events),
      purged,
      generatedAt: new Date(this.now()).toISOString(),
    };
  }

  // -------------------------------------------------------------------------------------------

  private busy(): DrillStateError {
    return new DrillStateError(
      `drill run ${this.active?.runId} is sending: pause or stop it first (one run sends at a time)`,
      'drill_active',
    );
  }

  private resolve(scenario: ScenarioDefinition, given: unknown): ResolvedDrillParameters {
    const parsed = drillParametersSchema.safeParse(given ?? {});
    if (!parsed.success)
      throw new DrillRequestError(
        parsed.error.issues.map((i) => ({
          field: ['parameters', ...i.path.map(String)].join('.'),
          rule: i.code,
          message: i.message,
        })),
      );
    const resolved = resolveParameters(scenario, parsed.data);
    if (!resolved.ok) throw new DrillRequestError(resolved.issues);
    return resolved.parameters as ResolvedDrillParameters;
  }

  /**
   * Refuses to send while Kafka is not usable: the core's start has not completed, or the stack
   * health finds the broker down.
   * @throws ServiceUnavailableError (kafka)
   */
  private async requireBroker(): Promise<void> {
    this.deps.brokerReady?.();
    let health: StackHealth;
    try {
      health = await this.deps.health();
    } catch {
      return; // health unknown: the sending loop's halt check decides
    }
    const kafka = health.services.find((s) => s.name === 'kafka');
    if (kafka?.state === 'down')
      throw new ServiceUnavailableError('kafka', kafka.address, kafka.detail.split('. To fix:')[0]!);
  }

  /** Whether the drill was purged (a purge applied by a worker, or requested through the API). */
  private async purged(drillId: string): Promise<boolean> {
    const { rows } = await this.deps.pool.query<{ purged: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM drill_purges_applied WHERE drill_id = $1)
           OR EXISTS (SELECT 1 FROM audit_log WHERE action = 'drills.purge' AND outcome = 'ok'
                        AND detail->>'drillId' = $1) AS purged`,
      [drillId],
    );
    return rows[0]?.purged === true;
  }

  /**
   * The purge of `drillId`, or null: the first successful `drills.purge` audit row (time,
   * operator, reason), else the earliest purge record a worker applied (`drill_purges_applied`:
   * the operator named on the control record, no reason), as {@link purged} decides.
   */
  private async purgeOf(drillId: string): Promise<DrillRunPurge | null> {
    const { rows } = await this.deps.pool.query<DrillRunPurge>(
      `(SELECT recorded_at AS at, actor AS operator, reason, 0 AS source FROM audit_log
         WHERE action = 'drills.purge' AND outcome = 'ok' AND detail->>'drillId' = $1
         ORDER BY recorded_at, id LIMIT 1)
       UNION ALL
       (SELECT applied_at, operator, NULL, 1 FROM drill_purges_applied WHERE drill_id = $1
         ORDER BY applied_at LIMIT 1)
       ORDER BY source LIMIT 1`,
      [drillId],
    );
    const r = rows[0];
    return r ? { at: r.at, operator: r.operator, reason: r.reason } : null;
  }

  private async row(id: string): Promise<RunRow> {
    const { rows } = await this.deps.pool.query<RunRow>('SELECT * FROM drill_runs WHERE id = $1', [id]);
    if (!rows[0]) throw new DrillNotFoundError(id);
    return rows[0];
  }

  private planOf(row: RunRow): DrillPlan {
    let plan = this.plans.get(row.id);
    if (!plan) {
      // The stored scenario is re-validated (it went through the schema when the run started).
      const scenario = scenarioDefinitionSchema.parse(row.scenario);
      plan = generateDrill(scenario.generator, {
        runId: row.id,
        drillId: row.drill_id,
        seed: row.seed,
        parameters: row.parameters,
        anchorMs: Date.parse(row.anchor),
      });
      if (plan.events.length !== row.total_events)
        throw new Error(
          `drill run ${row.id}: regenerated ${plan.events.length} events, recorded ${row.total_events}`,
        );
      this.plans.set(row.id, plan);
    }
    return plan;
  }

  private toRun(r: RunRow): DrillRun {
    const now = this.now();
    const running = r.state === 'running';
    const elapsedMs =
      Number(r.active_ms) + (r.running_since ? Math.max(0, now - Date.parse(r.running_since)) : 0);
    const rate = running && this.active?.runId === r.id ? rateOf(this.active.samples, now) : 0;
    const left = r.total_events - r.sent_events;
    const final = FINAL_DRILL_RUN_STATES.includes(r.state);
    return {
      id: r.id,
      drillId: r.drill_id,
      scenarioId: r.scenario_id,
      scenarioName: r.scenario.name,
      hypothesis: fillHypothesis(r.scenario, r.parameters),
      parameters: r.parameters,
      seed: r.seed,
      halt: haltConditionsSchema.parse(r.halt),
      state: r.state,
      progress: {
        sent: r.sent_events,
        total: r.total_events,
        rate: Math.round(rate * 10) / 10,
        elapsedMs,
        remainingMs: final ? 0 : Math.round((left / Math.max(1, r.parameters.rate)) * 1000),
      },
      startedBy: r.started_by,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      haltReason: r.halt_reason,
      error: r.error,
      note: r.note,
      checks: r.checks,
      passed: r.passed,
    };
  }

  private async timeline(
    runId: string,
    kind: DrillRunEvent['kind'],
    operator: string | null,
    sent: number,
    detail: string | null,
  ): Promise<void> {
    await this.deps.pool.query(
      `INSERT INTO drill_run_events (run_id, kind, operator, sent, detail) VALUES ($1, $2, $3, $4, $5)`,
      [runId, kind, operator, sent, detail],
    );
  }

  private track(p: Promise<unknown>): void {
    const t = p.catch((err: unknown) =>
      this.deps.log.error({ err: String(err) }, 'drill runner background task failed'),
    );
    this.background.add(t);
    void t.finally(() => this.background.delete(t));
  }

  /** Starts the sending loop of a run now marked `running`. */
  private launch(id: string): void {
    let resolve!: () => void;
    const settled = new Promise<void>((r) => (resolve = r));
    const active: ActiveRun = { runId: id, request: null, settled, samples: [] };
    this.active = active;
    this.track(
      (async () => {
        let end: LoopEnd;
        try {
          end = await this.loop(active);
        } catch (err) {
          end = { kind: 'fail', error: String(err) };
        }
        try {
          await this.settle(id, end);
        } finally {
          this.active = null;
          resolve();
        }
      })(),
    );
  }

  /** Sends the run's remaining events at its rate, checking halt conditions; returns why it ended. */
  private async loop(active: ActiveRun): Promise<LoopEnd> {
    const row = await this.row(active.runId);
    const plan = this.planOf(row);
    // Validating every event holds the main process's event loop (which the API shares) in
    // proportion to the run's size: a plan checked when its run started is not checked again; a
    // regenerated one (resume after a restart) is.
    if (!this.checkedPlans.has(plan)) {
      checkPlan(plan, row.drill_id);
      this.checkedPlans.add(plan);
    }
    const halt = haltConditionsSchema.parse(row.halt);
    const rate = Math.max(1, row.parameters.rate);
    const haltEvery = this.deps.haltCheckEveryMs ?? 1_000;
    let sent = row.sent_events;
    const unhealthySince = new Map<string, number>();
    // The first halt check before anything is sent (a run on an unhealthy stack sends nothing);
    // later ones run beside the sending, one at a time, so a slow health read does not stall it.
    const first = await this.haltReason(halt, unhealthySince);
    if (first) return { kind: 'halt', reason: first };
    // The schedule starts after that check (a slow first read must not become a burst).
    const segmentStart = this.now();
    const segmentFirst = sent;
    let lastHaltCheck = segmentStart;
    let haltFound: string | null = null;
    let haltCheck: Promise<void> | null = null;
    active.samples.push({ at: segmentStart, sent });
    try {
      while (sent < plan.events.length) {
        if (active.request) return active.request;
        if (haltFound) return { kind: 'halt', reason: haltFound };
        if (!haltCheck && this.now() - lastHaltCheck >= haltEvery) {
          lastHaltCheck = this.now();
          haltCheck = this.haltReason(halt, unhealthySince).then(
            (why) => {
              haltFound ??= why;
              haltCheck = null;
            },
            () => {
              haltCheck = null;
            },
          );
        }
        const size = nextBatchSize({
          rate,
          sent,
          total: plan.events.length,
          segmentFirst,
          elapsedMs: this.now() - segmentStart,
        });
        const batch = plan.events.slice(sent, sent + size);
        try {
          await this.deps.publisher.publish(batch);
        } catch (err) {
          // Kafka refused or is unreachable: a real service is unhealthy.
          return { kind: 'halt', reason: `Kafka did not acknowledge events (${(err as Error).message})` };
        }
        sent += batch.length;
        // The position, after the acknowledgement: a crash before this write re-sends this batch
        // with the same ids (applied once by the workers).
        await this.deps.pool.query(
          `UPDATE drill_runs SET sent_events = $2, updated_at = now() WHERE id = $1`,
          [active.runId, sent],
        );
        const at = this.now();
        active.samples.push({ at, sent });
        while (active.samples.length > 2 && at - active.samples[0]!.at > 5_000) active.samples.shift();
        // Pace: the k-th event of this stretch is due k / rate seconds after it began.
        const due = segmentStart + ((sent - segmentFirst) / rate) * 1000;
        const wait = due - this.now();
        if (wait > 0) await sleep(Math.min(wait, 1_000));
      }
    } finally {
      // A check still running ends before the run's end is written (its finding is moot then).
      if (haltCheck) await haltCheck;
    }
    return { kind: 'done' };
  }

  /** The first halt condition that holds, in words, or null. */
  private async haltReason(
    halt: HaltConditions,
    unhealthySince: Map<string, number>,
  ): Promise<string | null> {
    let health: StackHealth;
    try {
      health = await this.deps.health();
    } catch (err) {
      return halt.onUnhealthy ? `stack health could not be read (${(err as Error).message})` : null;
    }
    return haltReasonOf(health, halt, unhealthySince, this.now(), this.deps.workerGraceMs ?? 15_000);
  }

  /** Writes how a run's stretch ended, records it, and evaluates the checks of an ended run. */
  private async settle(id: string, end: LoopEnd): Promise<void> {
    const state: DrillRunState =
      end.kind === 'done'
        ? 'completed'
        : end.kind === 'pause'
          ? 'paused'
          : end.kind === 'shutdown'
            ? 'interrupted'
            : end.kind === 'stop'
              ? 'stopped'
              : end.kind === 'halt'
                ? 'halted'
                : 'failed';
    const final = FINAL_DRILL_RUN_STATES.includes(state);
    const now = new Date(this.now()).toISOString();
    const { rows } = await this.deps.pool.query<{
      sent_events: number;
      drill_id: string;
      total_events: number;
    }>(
      `UPDATE drill_runs
          SET state = $2,
              active_ms = active_ms + coalesce((extract(epoch FROM ($3::timestamptz - running_since)) * 1000)::bigint, 0),
              running_since = NULL,
              ended_at = CASE WHEN $4 THEN $3::timestamptz ELSE NULL END,
              halt_reason = CASE WHEN $2 = 'halted' THEN $5 ELSE halt_reason END,
              error = CASE WHEN $2 = 'failed' THEN $5 ELSE error END,
              updated_at = now()
        WHERE id = $1 RETURNING sent_events, drill_id, total_events`,
      [id, state, now, final, end.kind === 'halt' ? end.reason : end.kind === 'fail' ? end.error : null],
    );
    const r = rows[0]!;
    const operator = end.kind === 'pause' || end.kind === 'stop' ? end.principal.operator : null;
    const detail =
      end.kind === 'halt'
        ? end.reason
        : end.kind === 'fail'
          ? end.error
          : end.kind === 'pause' || end.kind === 'stop'
            ? end.reason
            : end.kind === 'shutdown'
              ? 'the main process is shutting down; resume the run after it restarts'
              : `all ${r.total_events} events acknowledged by Kafka`;
    const kind: DrillRunEvent['kind'] = end.kind === 'done' ? 'completed' : state;
    await this.timeline(id, kind, operator, r.sent_events, detail);
    if (end.kind === 'pause' || end.kind === 'stop') {
      await this.deps.audit({
        principal: end.principal,
        action: end.kind === 'pause' ? 'drills.pause' : 'drills.stop',
        status: 200,
        reason: end.reason,
        detail: {
          runId: id,
          drillId: r.drill_id,
          sent: r.sent_events,
          itemCount: r.sent_events,
          total: r.total_events,
        },
      });
    }
    if (end.kind === 'halt') this.deps.log.warn({ runId: id, reason: end.reason }, 'drill run halted');
    if (end.kind === 'fail') this.deps.log.error({ runId: id, error: end.error }, 'drill run failed');
    if (final) this.track(this.evaluate(id));
  }

  /**
   * Waits (up to settleTimeoutMs) until every worker group applied what is in the topics now,
   * then evaluates the run's checks and stores them.
   */
  private async evaluate(id: string): Promise<void> {
    const row = await this.row(id);
    const caughtUp = await this.waitForWorkers(this.deps.settleTimeoutMs ?? 120_000);
    if (this.closing && !caughtUp) return; // evaluated after the next start (init)
    const [metrics, realAfter, leaks, realEvents] = await Promise.all([
      readDrillMetrics(this.deps.pool, row.drill_id),
      readRealKpis(this.deps.pool),
      readDrillLeaks(this.deps.pool, row.drill_id),
      readRealEventsSince(this.deps.pool, row.started_at),
    ]);
    // A stopped or halted run is checked against what it sent: the expected figures of the
    // scenario assume every event, so they are what the operator compares with, and fail.
    const checks = evaluateChecks({
      expected: expectedOutcome(row.scenario, row.parameters),
      metrics,
      realBefore: row.kpi_before,
      realAfter,
      leaks,
      realEventsDuringRun: realEvents,
    });
    const passed = checks.every((c) => c.passed);
    await this.deps.pool.query(
      // Not on a run resumed meanwhile (a halted run can be): its checks come at its new end.
      `UPDATE drill_runs SET checks = $2::jsonb, passed = $3, updated_at = now()
        WHERE id = $1 AND state = ANY($4::text[])`,
      [id, JSON.stringify(checks), passed, FINAL_DRILL_RUN_STATES],
    );
    const failed = checks.filter((c) => !c.passed).map((c) => c.checkId);
    await this.timeline(
      id,
      'checked',
      null,
      row.sent_events,
      `${checks.length - failed.length} of ${checks.length} checks passed${failed.length ? ` (failed: ${failed.join(', ')})` : ''}${caughtUp ? '' : '; the workers had not applied every event in time'}`,
    );
  }

  /**
   * True once the workers applied everything the topics hold now: every consumer group of the
   * workers this process supervises (or, with none, every group that has stored a position)
   * reached each partition's current high-water mark. False after `timeoutMs`.
   */
  private async waitForWorkers(timeoutMs: number): Promise<boolean> {
    const topics = topicNames(this.deps.prefix);
    let marks: { topic: string; partition: number; high: number }[];
    let supervised: string[] = [];
    try {
      marks = await this.deps.highWatermarks();
      supervised = (await this.deps.health()).workers.map((w) => consumerGroup(this.deps.prefix, w.name));
    } catch (err) {
      this.deps.log.warn({ err: String(err) }, 'drill checks: high-water marks unavailable; evaluating now');
      return false;
    }
    const deadline = this.now() + timeoutMs;
    const groupsOf = (topic: string) =>
      workersConsuming(topic === topics.orders ? 'orders' : 'shipments').map((w) =>
        consumerGroup(this.deps.prefix, w),
      );
    for (;;) {
      const { rows } = await this.deps.pool.query<{
        consumer_group: string;
        topic: string;
        kafka_partition: number;
        next_offset: number;
      }>(
        `SELECT consumer_group, topic, kafka_partition, next_offset FROM consumer_offsets WHERE consumer_group LIKE $1 || '.%'`,
        [this.deps.prefix],
      );
      const watched = new Set(supervised.length > 0 ? supervised : rows.map((r) => r.consumer_group));
      // No workers here and none has ever stored a position (an API-only core): nothing to wait for.
      if (watched.size === 0) return false;
      const behind = marks.some(
        (m) =>
          m.high > 0 &&
          groupsOf(m.topic)
            .filter((g) => watched.has(g))
            .some((g) => {
              const r = rows.find(
                (x) => x.consumer_group === g && x.topic === m.topic && x.kafka_partition === m.partition,
              );
              return (r?.next_offset ?? 0) < m.high;
            }),
      );
      if (!behind) return true;
      if (this.now() >= deadline || this.closing) return false;
      await sleep(250);
    }
  }
}

/**
 * The first halt condition `health` meets, in words, or null (pure).
 * - a service (Kafka, PostgreSQL, Redis) `down`, when `onUnhealthy`;
 * - a worker `crashed`/`restarting`/`stopped` or whose consumer is `not_consuming`, when
 *   `onUnhealthy` and for longer than `graceMs` (a worker joining its consumer group after a
 *   start, or restarted at once by the supervisor, is not an outage): `unhealthySince` remembers,
 *   per worker, since when (ms) it has been seen unhealthy, and is updated here;
 * - a worker whose consumer lag passes `maxLagSeconds` or `maxLagEvents`.
 */
export function haltReasonOf(
  health: StackHealth,
  halt: HaltConditions,
  unhealthySince: Map<string, number> = new Map(),
  now = 0,
  graceMs = 0,
): string | null {
  if (halt.onUnhealthy) {
    const down = health.services.find((s) => s.state === 'down');
    if (down) return `${down.name} is down at ${down.address}: ${down.detail}`;
    for (const w of health.workers) {
      const bad =
        w.state === 'crashed' ||
        w.state === 'restarting' ||
        w.state === 'stopped' ||
        w.consumer?.state === 'not_consuming';
      if (!bad) {
        unhealthySince.delete(w.name);
        continue;
      }
      const since = unhealthySince.get(w.name) ?? now;
      unhealthySince.set(w.name, since);
      if (now - since >= graceMs)
        return `worker ${w.name} is unhealthy (${w.consumer?.state === 'not_consuming' ? `not consuming: ${w.consumer.detail}` : w.state})`;
    }
  }
  for (const w of health.workers) {
    if (w.lagSeconds != null && w.lagSeconds > halt.maxLagSeconds)
      return `worker ${w.name} lags ${Math.round(w.lagSeconds)} s behind (threshold ${halt.maxLagSeconds} s)`;
    if (w.lagEvents != null && w.lagEvents > halt.maxLagEvents)
      return `worker ${w.name} lags ${w.lagEvents} events behind (threshold ${halt.maxLagEvents})`;
  }
  return null;
}

/** Most events in one publish of the drill runner (one Kafka produce request per batch). */
export const MAX_DRILL_BATCH = 1_000;

/**
 * How many events the sending loop publishes next (pure). One tick is 100 ms: at least the
 * events of one tick (`rate / 10`), and when the loop is behind its schedule (each publish waits
 * for Kafka's acknowledgement and shares the producer with the API, so on a busy machine one
 * round trip can take longer than a tick) every event due by the end of the next tick, so the
 * rate holds as long as a round trip carries enough events; at most {@link MAX_DRILL_BATCH} and
 * what is left.
 * @param p.rate events per second; p.sent events sent so far; p.total events of the run;
 *   p.segmentFirst events sent when this stretch (start or resume) began; p.elapsedMs since then
 */
export function nextBatchSize(p: {
  rate: number;
  sent: number;
  total: number;
  segmentFirst: number;
  elapsedMs: number;
}): number {
  const perTick = Math.max(1, Math.ceil(p.rate / 10));
  const dueByNextTick = p.segmentFirst + Math.floor(((p.elapsedMs + 100) / 1000) * p.rate);
  const size = Math.min(MAX_DRILL_BATCH, Math.max(perTick, dueByNextTick - p.sent));
  return Math.max(0, Math.min(size, p.total - p.sent));
}

/** The drill id of a run: `<scenario id>-<first 8 hex digits of the run id>`. */
export function drillIdOf(scenarioId: string, runId: string): string {
  return `${scenarioId}-${runId.replace(/-/g, '').slice(0, 8)}`;
}

/**
 * A run's timeline with its drill's purge as an entry (kind `purged`, the operator, the reason as
 * detail, the run's events sent), placed by time among the stored entries; unchanged when the
 * drill was not purged.
 */
export function timelineWithPurge(
  timeline: readonly DrillRunEvent[],
  purge: DrillRunPurge | null,
  sent: number,
): DrillRunEvent[] {
  if (!purge) return [...timeline];
  const entry: DrillRunEvent = {
    at: purge.at,
    kind: 'purged',
    operator: purge.operator,
    sent,
    detail: purge.reason,
  };
  const at = Date.parse(purge.at);
  const before = timeline.findIndex((t) => Date.parse(t.at) > at);
  return before < 0 ? [...timeline, entry] : [...timeline.slice(0, before), entry, ...timeline.slice(before)];
}

/** Event time of a run's first order: its start plus `timeShiftHours`, on a whole second. */
export function anchorOf(startedAtMs: number, p: ResolvedDrillParameters): number {
  return Math.floor((startedAtMs + p.timeShiftHours * HOUR_MS) / 1000) * 1000;
}

/** Events per second over the recent samples. */
function rateOf(samples: { at: number; sent: number }[], now: number): number {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || last === first) return 0;
  const span = Math.max(last.at, now) - first.at;
  return span > 0 ? ((last.sent - first.sent) * 1000) / span : 0;
}

function entitiesOf(plan: DrillPlan, p: ResolvedDrillParameters): DrillPreview['entities'] {
  return {
    orders: plan.orderIds.length,
    shipments: plan.shipmentIds.length,
    orderIds: plan.orderIds.slice(0, 20),
    shipmentIds: plan.shipmentIds.slice(0, 20),
    warehouseId: p.warehouseId ?? null,
    carrier: p.carrier ?? null,
  };
}

/**
 * A drill's events must not lie further ahead than an injected event may
 * (contracts/events.ts MAX_EVENT_TIME_AHEAD_MS, 24 h): QA ran a 7-day wave with 30 promise and 30
 * delay days from now and got deliveries two months ahead, "last event applied" in February, and
 * late-by-30-days orders, none of which the API would have taken from an operator. Checked against
 * the start (events are sent after it, so a schedule within the bound then stays within it).
 * @param nowMs the run's start (or the preview's now), ms since the epoch
 * @throws DrillRequestError naming `parameters.timeShiftHours` and the parameters that stretch the schedule
 */
export function checkScheduleAhead(plan: DrillPlan, nowMs: number): void {
  let last = -Infinity;
  for (const e of plan.events) last = Math.max(last, Date.parse(e.time));
  if (last - nowMs <= MAX_EVENT_TIME_AHEAD_MS) return;
  const hours = Math.ceil((last - nowMs - MAX_EVENT_TIME_AHEAD_MS) / 3_600_000);
  throw new DrillRequestError([
    {
      field: 'parameters.timeShiftHours',
      rule: 'not_in_future',
      message: `the drill's events would run to ${new Date(last).toISOString()}, more than ${MAX_EVENT_TIME_AHEAD_MS / 3_600_000} h after now: shift it at least ${hours} h further into the past, or shorten its span, promise or delay`,
    },
  ]);
}

/**
 * Every event of a plan is valid, carries the drill id, and touches only the plan's entities.
 * @throws Error naming the first event that breaks a rule (a generator bug: nothing is sent)
 */
export function checkPlan(plan: DrillPlan, drillId: string): void {
  const own = new Set([...plan.orderIds, ...plan.shipmentIds]);
  plan.events.forEach((e, step) => {
    const v = validateEvent(e);
    if (!v.ok) throw new Error(`drill step ${step} is not a valid event: ${issueSummary(v.issues)}`);
    if (e.drillid !== drillId)
      throw new Error(`drill step ${step} carries drill id ${e.drillid}, not ${drillId}`);
    if (!own.has(e.subject))
      throw new Error(`drill step ${step} touches ${e.subject}, which the drill did not create`);
    const orderId = (e.data as { orderId?: string }).orderId;
    if (orderId !== undefined && !own.has(orderId))
      throw new Error(`drill step ${step} names order ${orderId}, which the drill did not create`);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
