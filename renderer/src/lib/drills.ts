/**
 * Pure helpers of the drill screens: the scenario parameters form (values as typed -> the run's
 * parameters, checked with the contract's value schemas and the scenario's limits), progress and
 * check wording, and the drill report as a self-contained HTML document (the download; the same
 * content the report page prints). No DOM; unit-tested.
 */
import {
  DRILL_PARAMETER_KINDS,
  DRILL_PARAMETER_NAMES,
  drillStartRequestSchema,
  parameterValueSchema,
  type DrillParameters,
  type DrillReport,
  type DrillRun,
  type DrillRunPurge,
  type DrillParameterName,
  type ScenarioSummary,
} from '../../../contracts/drills';
import { EMPTY, formatCount, formatDuration, formatInstantInZone } from './format';

/** The parameters form as typed: one string per parameter of the scenario. */
export type ParameterValues = Partial<Record<(typeof DRILL_PARAMETER_NAMES)[number], string>>;

/** One refused parameter: the field (`parameters.orders`), the rule and the message. */
export interface ParameterIssue {
  field: string;
  rule: string;
  message: string;
}

/** The form's initial values: each parameter's default. */
export function defaultParameterValues(scenario: ScenarioSummary): ParameterValues {
  const values: ParameterValues = {};
  for (const p of scenario.parameters) values[p.name] = String(p.default);
  return values;
}

/**
 * The run's parameters from the form, or the issues: each value must be of its kind (the
 * contract's `parameterValueSchema`: entity id, IANA time zone, text, integer) and within the
 * scenario's min..max. A blank field is refused (its default is shown to start with).
 */
export function checkParameters(
  scenario: ScenarioSummary,
  values: ParameterValues,
): { ok: true; parameters: DrillParameters } | { ok: false; issues: ParameterIssue[] } {
  const issues: ParameterIssue[] = [];
  const out: Record<string, string | number> = {};
  for (const p of scenario.parameters) {
    const field = `parameters.${p.name}`;
    const raw = (values[p.name] ?? '').trim();
    if (raw === '') {
      issues.push({ field, rule: 'required', message: `${p.label} is required` });
      continue;
    }
    let value: string | number = raw;
    if (p.kind === 'integer') {
      if (!/^-?\d+$/.test(raw)) {
        issues.push({ field, rule: 'integer', message: `${p.label} must be a whole number` });
        continue;
      }
      value = Number(raw);
    }
    const parsed = parameterValueSchema(p.name).safeParse(value);
    if (!parsed.success) {
      issues.push({
        field,
        rule: 'invalid',
        message: `${p.label}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      });
      continue;
    }
    if (typeof value === 'number' && p.min !== null && value < p.min)
      issues.push({ field, rule: 'min', message: `${p.label} must be at least ${formatCount(p.min)}` });
    else if (typeof value === 'number' && p.max !== null && value > p.max)
      issues.push({ field, rule: 'max', message: `${p.label} must be at most ${formatCount(p.max)}` });
    else out[p.name] = value;
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, parameters: out };
}

/** The drill form's fields as typed, besides the parameters. */
export interface DrillFormExtras {
  /** The seed field as typed. */
  seed: string;
  /** The note field as typed (blank = no note). */
  note: string;
}

/** What the drill form sends once every field is valid. */
export interface CheckedDrillForm {
  parameters: DrillParameters;
  seed: number;
  /** The trimmed note, or null when blank. */
  note: string | null;
}

/**
 * Checks the whole drill form in one go: every parameter ({@link checkParameters}), the seed
 * (a whole number 0..2147483647, the contract's range) and the note (the start request's `note`
 * schema: at most 2,000 characters, no control characters), so the operator sees every problem
 * at once (QA: a problem with the note only showed once the parameters were fixed and the run
 * was started).
 * @returns the values to send, or every issue (fields `parameters.<name>`, `seed`, `note`)
 */
export function checkDrillForm(
  scenario: ScenarioSummary,
  values: ParameterValues,
  extras: DrillFormExtras,
): { ok: true; form: CheckedDrillForm } | { ok: false; issues: ParameterIssue[] } {
  const params = checkParameters(scenario, values);
  const issues: ParameterIssue[] = params.ok ? [] : [...params.issues];
  const seedText = extras.seed.trim();
  const seed = Number(seedText);
  const seedOk = /^\d+$/.test(seedText) && seed <= 2 ** 31 - 1;
  if (!seedOk)
    issues.push({ field: 'seed', rule: 'integer', message: 'Seed must be a whole number 0..2147483647' });
  const noteText = extras.note.trim();
  const note = drillStartRequestSchema.shape.note.safeParse(noteText === '' ? undefined : noteText);
  if (!note.success)
    issues.push({
      field: 'note',
      rule: 'invalid',
      message: `Note: ${note.error.issues[0]?.message ?? 'invalid'}`,
    });
  if (!params.ok || issues.length > 0) return { ok: false, issues };
  return { ok: true, form: { parameters: params.parameters, seed, note: noteText === '' ? null : noteText } };
}

/** Share of the run's events sent, 0..1 (1 when there is nothing to send). */
export function progressShare(run: Pick<DrillRun, 'progress'>): number {
  const { sent, total } = run.progress;
  return total <= 0 ? 1 : Math.min(1, sent / total);
}

/**
 * `1,234 of 5,000 events · 250 events/s · 5 s elapsed · 15 s left` while running. A run that is
 * not sending has no remaining time (QA: a paused run said "2 min left"): its state instead
 * (`1,234 of 5,000 events · paused · 5 s elapsed`).
 */
export function progressText(run: Pick<DrillRun, 'progress' | 'state'>): string {
  const p = run.progress;
  const parts = [`${formatCount(p.sent)} of ${formatCount(p.total)} events`];
  if (run.state === 'running') parts.push(`${formatCount(Math.round(p.rate))} events/s`);
  else parts.push(RUN_STATE_WORDS[run.state]);
  parts.push(`${formatDuration(p.elapsedMs)} elapsed`);
  if (run.state === 'running') parts.push(`${formatDuration(p.remainingMs)} left`);
  return parts.join(' · ');
}

/** A run's state in one word, for the progress line. */
const RUN_STATE_WORDS: Readonly<Record<DrillRun['state'], string>> = {
  running: 'running',
  paused: 'paused',
  interrupted: 'interrupted',
  completed: 'completed',
  stopped: 'stopped',
  halted: 'halted',
  failed: 'failed',
};

/** What a hypothesis shows for an expected figure before a preview computed it. */
export const UNCOMPUTED_FIGURE = '…';

/**
 * A scenario's hypothesis before a preview: each `{expected.*}` figure shows as
 * {@link UNCOMPUTED_FIGURE} (QA: the raw `{expected.late}` placeholders were shown), each
 * parameter placeholder (`{warehouseId}`) as the form's value, or {@link UNCOMPUTED_FIGURE} when
 * blank.
 * @returns the text, and whether a figure is left for the preview to compute
 */
export function hypothesisBeforePreview(
  hypothesis: string,
  values: ParameterValues,
): { text: string; uncomputed: boolean } {
  let uncomputed = false;
  const text = hypothesis.replace(/\{([A-Za-z_.]+)\}/g, (_whole, key: string) => {
    const typed = key.startsWith('expected.') ? '' : (values[key as keyof ParameterValues] ?? '').trim();
    if (typed !== '') return typed;
    uncomputed = true;
    return UNCOMPUTED_FIGURE;
  });
  return { text, uncomputed };
}

/**
 * Why a drill cannot be purged now, or null: a run that may still send (running, paused,
 * interrupted) must be stopped first (the API refuses the purge then, 409 `drill_run_active`);
 * a drill already purged (the report's `purged`) has nothing left to remove (QA: the report of a
 * purged drill still offered the purge).
 */
export function purgeBlockedReason(
  run: Pick<DrillRun, 'id' | 'drillId' | 'state'>,
  purged: Pick<DrillRunPurge, 'operator'> | null = null,
): string | null {
  if (purged) return `Drill ${run.drillId} was purged by ${purged.operator}: nothing of it is left to remove`;
  return run.state === 'running' || run.state === 'paused' || run.state === 'interrupted'
    ? `Run ${run.id} of drill ${run.drillId} is ${run.state}: stop it first, then purge`
    : null;
}

/**
 * How a parameter's unit (contracts/drills.ts `DRILL_PARAMETER_KINDS`, the one table the
 * scenario form's hints use too) reads after a value: `%` for percent, the word otherwise.
 */
export function unitText(unit: string | null | undefined): string | null {
  if (!unit) return null;
  return unit === 'percent' ? '%' : unit;
}

/**
 * A parameter's value with its unit (QA: the report said "Span 60", "Time shift -48"):
 * `60 minutes`, `-48 hours`, `20 %`, `200 events/s`, `1 day`; the value alone for a parameter
 * without a unit, or when its label already names the unit ("Promise (days)": `3`).
 */
export function parameterValueText(name: string, value: string | number, label = ''): string {
  const kind = DRILL_PARAMETER_KINDS[name as DrillParameterName] as
    (typeof DRILL_PARAMETER_KINDS)[DrillParameterName] | undefined;
  const unit = unitText(kind && 'unit' in kind ? kind.unit : null);
  if (!unit || typeof value !== 'number' || label.includes(`(${unit})`)) return String(value);
  if (unit === '%') return `${formatCount(value)} %`;
  const word = Math.abs(value) === 1 && unit !== 'events/s' ? unit.replace(/s$/, '') : unit;
  return `${formatCount(value)} ${word}`;
}

/** What a run's state is called on screen. */
export const RUN_STATE_LABELS: Readonly<Record<DrillRun['state'], string>> = {
  running: 'running',
  paused: 'paused',
  interrupted: 'interrupted (resume or stop)',
  completed: 'completed',
  stopped: 'stopped',
  halted: 'halted',
  failed: 'failed',
};

/** The figures of a check: `expected 12 ± 1, actual 12`. */
export function checkFiguresText(c: { expected: number; actual: number; tolerance: number }): string {
  const tol = c.tolerance > 0 ? ` ± ${formatCount(c.tolerance)}` : '';
  return `expected ${formatCount(c.expected)}${tol}, actual ${formatCount(c.actual)}`;
}

/** Checks passed of all: `3 of 4 checks passed`, or a dash before the checks. */
export function checksSummary(run: Pick<DrillRun, 'checks'>): string {
  if (!run.checks) return EMPTY;
  const passed = run.checks.filter((c) => c.passed).length;
  return `${passed} of ${run.checks.length} check${run.checks.length === 1 ? '' : 's'} passed`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The file name of a run's report download: `drill-report-<drill id>.html`. */
export function reportFileName(run: Pick<DrillRun, 'drillId'>): string {
  return `drill-report-${run.drillId.replace(/[^A-Za-z0-9._-]/g, '_')}.html`;
}

/**
 * The drill report as one self-contained HTML document (inline print-friendly CSS, no scripts, no
 * external resources): scenario, hypothesis, parameters, progress, the run's timeline, the check
 * results with their figures, and the operator's notes. Times in `timeZone`, named in the header.
 * Every value from the server is escaped.
 */
export function drillReportHtml(report: DrillReport, timeZone: string, notes: string | null): string {
  const run = report.run;
  const e = escapeHtml;
  const at = (iso: string | null): string => (iso ? formatInstantInZone(iso, timeZone, true) : EMPTY);
  const params = Object.entries(run.parameters)
    .map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(parameterValueText(k, v))}</td></tr>`)
    .join('');
  const purged = report.purged
    ? `<tr><th>Purged</th><td>${e(at(report.purged.at))} by ${e(report.purged.operator)}` +
      `${report.purged.reason ? ` — ${e(report.purged.reason)}` : ''}</td></tr>`
    : '';
  const counts = Object.entries(report.countsByType)
    .map(([k, v]) => `<tr><th>${e(k)}</th><td class="num">${e(formatCount(v))}</td></tr>`)
    .join('');
  const timeline = report.timeline
    .map(
      (t) =>
        `<tr><td>${e(at(t.at))}</td><td>${e(t.kind)}</td><td>${e(t.operator ?? EMPTY)}</td>` +
        `<td class="num">${e(formatCount(t.sent))}</td><td>${e(t.detail ?? '')}</td></tr>`,
    )
    .join('');
  const checks = (run.checks ?? [])
    .map((c) => {
      const figures = c.figures
        ? Object.entries(c.figures)
            .map(([k, f]) => `${e(k)}: ${e(String(f.before ?? EMPTY))} → ${e(String(f.after ?? EMPTY))}`)
            .join('<br>')
        : '';
      return (
        `<tr class="${c.passed ? 'pass' : 'fail'}"><td>${c.passed ? 'PASS' : 'FAIL'}</td><td>${e(c.label)}</td>` +
        `<td>${e(checkFiguresText(c))}</td><td>${figures}${c.detail ? `<div>${e(c.detail)}</div>` : ''}</td></tr>`
      );
    })
    .join('');
  const verdict =
    run.passed === null ? 'not evaluated yet' : run.passed ? 'all checks passed' : 'some checks failed';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Drill report ${e(run.drillId)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;color:#111;margin:24px;max-width:960px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:20px 0 6px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #e5e5e5;vertical-align:top}
.num{text-align:right}.pass td:first-child{color:#0a7a2f;font-weight:700}.fail td:first-child{color:#b3261e;font-weight:700}
.muted{color:#555}.notes{white-space:pre-wrap;border:1px solid #ccc;padding:8px;min-height:2em}
@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}}
</style></head><body>
<h1>Drill report: ${e(run.scenarioName)}</h1>
<div class="muted">Drill id ${e(run.drillId)} · run ${e(run.id)} · started by ${e(run.startedBy)} · times in ${e(timeZone)}</div>
<h2>Scenario</h2><p>${e(report.scenario.description)}</p>
<p><strong>Hypothesis:</strong> ${e(run.hypothesis)}</p>
<h2>Parameters</h2><table>${params}<tr><th>seed</th><td>${e(String(run.seed))}</td></tr></table>
<h2>Run</h2><table>
<tr><th>State</th><td>${e(RUN_STATE_LABELS[run.state])}${run.haltReason ? ` — ${e(run.haltReason)}` : ''}</td></tr>
<tr><th>Started</th><td>${e(at(run.startedAt))}</td></tr><tr><th>Ended</th><td>${e(at(run.endedAt))}</td></tr>
<tr><th>Progress</th><td>${e(progressText(run))}</td></tr>
<tr><th>Entities</th><td>${e(formatCount(report.entities.orders))} orders, ${e(formatCount(report.entities.shipments))} shipments</td></tr>
${purged}</table>
<h2>Events by type</h2><table>${counts}</table>
<h2>Timeline</h2><table><tr><th>Time</th><th>What</th><th>Operator</th><th class="num">Sent</th><th>Detail</th></tr>${timeline}</table>
<h2>Check results (${e(verdict)})</h2><table><tr><th></th><th>Check</th><th>Figures</th><th>Detail</th></tr>${checks}</table>
<h2>Operator notes</h2><div class="notes">${e(notes ?? run.note ?? '')}</div>
<p class="muted">Generated ${e(at(report.generatedAt))}</p>
</body></html>
`;
}
