import { describe, expect, it } from 'vitest';
import type { DrillReport, DrillRun, ScenarioSummary } from '../../../contracts/drills';
import {
  checkDrillForm,
  checkFiguresText,
  checkParameters,
  checksSummary,
  defaultParameterValues,
  drillReportHtml,
  escapeHtml,
  progressShare,
  hypothesisBeforePreview,
  parameterValueText,
  progressText,
  purgeBlockedReason,
  reportFileName,
  unitText,
} from './drills';

const scenario: ScenarioSummary = {
  id: 'carrier-delay-wave',
  name: 'Carrier delay wave',
  description: 'A carrier runs late.',
  hypothesis: 'late deliveries rise by about 5',
  generator: 'carrier_delay_wave',
  origin: 'built-in',
  parameters: [
    {
      name: 'warehouseId',
      kind: 'entityId',
      unit: null,
      label: 'Warehouse',
      help: null,
      default: 'WH-1',
      min: null,
      max: null,
      suggestions: [],
    },
    {
      name: 'siteTimeZone',
      kind: 'timeZone',
      unit: null,
      label: 'Site time zone',
      help: null,
      default: 'UTC',
      min: null,
      max: null,
      suggestions: [],
    },
    {
      name: 'orders',
      kind: 'integer',
      unit: 'orders',
      label: 'Orders',
      help: null,
      default: 20,
      min: 1,
      max: 500,
      suggestions: [],
    },
  ],
  checks: [{ id: 'late', label: 'Late deliveries', metric: 'late_deliveries' }],
};

const run: DrillRun = {
  id: '00000000-0000-4000-8000-000000000001',
  drillId: 'carrier-delay-wave-00000000',
  scenarioId: 'carrier-delay-wave',
  scenarioName: 'Carrier delay wave',
  hypothesis: 'late deliveries rise by about 5',
  parameters: { warehouseId: 'WH-1', orders: 20 },
  seed: 1,
  halt: { maxLagSeconds: 30, maxLagEvents: 100_000, onUnhealthy: true },
  state: 'completed',
  progress: { sent: 80, total: 80, rate: 0, elapsedMs: 4_000, remainingMs: 0 },
  startedBy: 'dora',
  startedAt: '2026-12-03T10:00:00.000Z',
  endedAt: '2026-12-03T10:00:04.000Z',
  haltReason: null,
  error: null,
  note: 'watched by <Ana>',
  checks: [
    {
      checkId: 'late',
      label: 'Late deliveries',
      metric: 'late_deliveries',
      expected: 5,
      actual: 5,
      tolerance: 0,
      passed: true,
    },
    {
      checkId: 'real_kpis_unchanged',
      label: 'Real KPIs unchanged',
      metric: 'kpi',
      expected: 0,
      actual: 1,
      tolerance: 0,
      passed: false,
      figures: { otd: { before: 0.9, after: 0.8 } },
    },
  ],
  passed: false,
};

describe('drill parameters form', () => {
  it('starts from the defaults and accepts them', () => {
    const values = defaultParameterValues(scenario);
    expect(values).toEqual({ warehouseId: 'WH-1', siteTimeZone: 'UTC', orders: '20' });
    expect(checkParameters(scenario, values)).toEqual({
      ok: true,
      parameters: { warehouseId: 'WH-1', siteTimeZone: 'UTC', orders: 20 },
    });
  });

  it('names the field and the rule of each refused value', () => {
    const r = checkParameters(scenario, {
      warehouseId: 'has space',
      siteTimeZone: 'Mars/Base',
      orders: '501',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => [i.field, i.rule])).toEqual([
      ['parameters.warehouseId', 'invalid'],
      ['parameters.siteTimeZone', 'invalid'],
      ['parameters.orders', 'max'],
    ]);
    const low = checkParameters(scenario, { warehouseId: 'WH', siteTimeZone: 'UTC', orders: '0' });
    expect(low.ok ? [] : low.issues.map((i) => i.rule)).toEqual(['min']);
    const text = checkParameters(scenario, { warehouseId: 'WH', siteTimeZone: 'UTC', orders: '2.5' });
    expect(text.ok ? [] : text.issues.map((i) => i.rule)).toEqual(['integer']);
    const blank = checkParameters(scenario, { warehouseId: ' ', siteTimeZone: 'UTC', orders: '3' });
    expect(blank.ok ? [] : blank.issues.map((i) => i.rule)).toEqual(['required']);
  });
});

describe('the whole drill form', () => {
  it('names every bad field at once: parameters, seed and note (QA: two rounds)', () => {
    const r = checkDrillForm(
      scenario,
      { warehouseId: 'has space', siteTimeZone: 'UTC', orders: '501' },
      { seed: '-3', note: 'bell \u0007 here' },
    );
    expect(r.ok ? [] : r.issues.map((i) => [i.field, i.rule])).toEqual([
      ['parameters.warehouseId', 'invalid'],
      ['parameters.orders', 'max'],
      ['seed', 'integer'],
      ['note', 'invalid'],
    ]);
    const long = checkDrillForm(scenario, defaultParameterValues(scenario), {
      seed: '1',
      note: 'x'.repeat(2001),
    });
    expect(long.ok ? [] : long.issues.map((i) => i.field)).toEqual(['note']);
  });

  it('gives the values to send when every field is valid (a blank note is none)', () => {
    expect(checkDrillForm(scenario, defaultParameterValues(scenario), { seed: ' 7 ', note: '  ' })).toEqual({
      ok: true,
      form: { parameters: { warehouseId: 'WH-1', siteTimeZone: 'UTC', orders: 20 }, seed: 7, note: null },
    });
  });
});

describe('drill progress and checks wording', () => {
  it('shows sent of total, rate, elapsed and remaining', () => {
    const running: DrillRun = {
      ...run,
      state: 'running',
      progress: { sent: 1234, total: 5000, rate: 250.4, elapsedMs: 5_000, remainingMs: 15_000 },
    };
    expect(progressText(running)).toBe('1,234 of 5,000 events · 250 events/s · 5 s elapsed · 15 s left');
    expect(progressShare(running)).toBeCloseTo(0.2468);
    expect(progressShare({ progress: { ...running.progress, total: 0 } })).toBe(1);
  });

  it('summarizes the checks with their figures', () => {
    expect(checksSummary(run)).toBe('1 of 2 checks passed');
    expect(checksSummary({ checks: null })).toBe('—');
    expect(checkFiguresText({ expected: 12, actual: 11, tolerance: 1 })).toBe('expected 12 ± 1, actual 11');
  });
});

describe('drill report HTML', () => {
  const report: DrillReport = {
    run,
    scenario: {
      id: run.scenarioId,
      name: run.scenarioName,
      description: 'A carrier runs <late>.',
      generator: 'carrier_delay_wave',
    },
    countsByType: { 'sct.order.created.v1': 20 },
    entities: {
      orders: 20,
      shipments: 20,
      orderIds: [],
      shipmentIds: [],
      warehouseId: 'WH-1',
      carrier: 'UPS',
    },
    expectedOutcome: [],
    timeline: [{ at: run.startedAt, kind: 'started', operator: 'dora', sent: 0, detail: null }],
    purged: null,
    generatedAt: '2026-12-03T10:01:00.000Z',
  };

  it('holds the scenario, parameters, timeline, checks and notes, every value escaped', () => {
    const html = drillReportHtml(report, 'UTC', 'notes with "quotes" & <b>tags</b>');
    expect(html).toContain('<title>Drill report carrier-delay-wave-00000000</title>');
    expect(html).toContain('A carrier runs &lt;late&gt;.');
    expect(html).toContain('<th>orders</th><td>20 orders</td>');
    expect(html).toContain('2026-12-03 10:00:00');
    expect(html).toContain('<td>PASS</td><td>Late deliveries</td>');
    expect(html).toContain('<td>FAIL</td><td>Real KPIs unchanged</td>');
    expect(html).toContain('otd: 0.9 → 0.8');
    expect(html).toContain('notes with &quot;quotes&quot; &amp; &lt;b&gt;tags&lt;/b&gt;');
    expect(html).toContain('times in UTC');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('@media print');
  });

  it('shows each parameter with its unit and, once purged, when, by whom and why (QA)', () => {
    const purged: DrillReport = {
      ...report,
      run: { ...run, parameters: { durationMinutes: 60, timeShiftHours: -48, affectedPercent: 20 } },
      timeline: [
        ...report.timeline,
        { at: '2026-12-03T10:05:00.000Z', kind: 'purged', operator: 'ed', sent: 20, detail: 'done <now>' },
      ],
      purged: { at: '2026-12-03T10:05:00.000Z', operator: 'ed', reason: 'done <now>' },
    };
    const html = drillReportHtml(purged, 'UTC', null);
    expect(html).toContain('<th>durationMinutes</th><td>60 minutes</td>');
    expect(html).toContain('<th>timeShiftHours</th><td>-48 hours</td>');
    expect(html).toContain('<th>affectedPercent</th><td>20 %</td>');
    expect(html).toContain('<tr><th>Purged</th><td>2026-12-03 10:05:00 by ed — done &lt;now&gt;</td></tr>');
    expect(html).toContain('<td>purged</td><td>ed</td>');
    expect(drillReportHtml(report, 'UTC', null)).not.toContain('<th>Purged</th>');
  });

  it('falls back to the run note and names the file by drill id', () => {
    expect(drillReportHtml(report, 'UTC', null)).toContain('watched by &lt;Ana&gt;');
    expect(reportFileName({ drillId: 'a/b c' })).toBe('drill-report-a_b_c.html');
    expect(escapeHtml(`<'&">`)).toBe('&lt;&#39;&amp;&quot;&gt;');
  });
});

describe('drill screen wording (QA)', () => {
  it('a run that is not sending shows its state and no remaining time', () => {
    const progress = { sent: 120, total: 800, rate: 0, elapsedMs: 4_000, remainingMs: 120_000 };
    expect(progressText({ state: 'paused', progress })).toBe('120 of 800 events · paused · 4 s elapsed');
    expect(progressText({ state: 'interrupted', progress })).not.toMatch(/left/);
    expect(progressText({ state: 'halted', progress })).toBe('120 of 800 events · halted · 4 s elapsed');
  });
  it('shows … for the figures a preview computes, never the raw placeholders', () => {
    const h =
      'Late rises by {expected.late}; {expected.eta} ETAs; backlog of {warehouseId} in {durationMinutes} min.';
    const before = hypothesisBeforePreview(h, { warehouseId: 'WH-1', durationMinutes: ' ' });
    expect(before).toEqual({ text: 'Late rises by …; … ETAs; backlog of WH-1 in … min.', uncomputed: true });
    expect(before.text).not.toMatch(/[{}]/);
    expect(hypothesisBeforePreview('Real KPIs do not move.', {})).toEqual({
      text: 'Real KPIs do not move.',
      uncomputed: false,
    });
  });
  it('says why a purge waits for a run that may still send, naming the run', () => {
    for (const state of ['running', 'paused', 'interrupted'] as const)
      expect(purgeBlockedReason({ id: 'r-1', drillId: 'd-1', state })).toBe(
        `Run r-1 of drill d-1 is ${state}: stop it first, then purge`,
      );
    for (const state of ['completed', 'stopped', 'halted', 'failed'] as const)
      expect(purgeBlockedReason({ id: 'r-1', drillId: 'd-1', state })).toBeNull();
  });
  it('says a purged drill has nothing left to purge (QA: its report still offered the purge)', () => {
    for (const state of ['completed', 'stopped', 'failed'] as const)
      expect(purgeBlockedReason({ id: 'r-1', drillId: 'd-1', state }, { operator: 'ed' })).toBe(
        'Drill d-1 was purged by ed: nothing of it is left to remove',
      );
  });
  it('shows parameter values with the units the contract gives them (QA: "Span 60", "Time shift -48")', () => {
    expect(parameterValueText('durationMinutes', 60, 'Span')).toBe('60 minutes');
    expect(parameterValueText('timeShiftHours', -48, 'Time shift')).toBe('-48 hours');
    expect(parameterValueText('affectedPercent', 20, 'Delayed share')).toBe('20 %');
    expect(parameterValueText('rate', 1, 'Rate')).toBe('1 events/s');
    expect(parameterValueText('rate', 5000)).toBe('5,000 events/s');
    expect(parameterValueText('delayDays', 1, 'Delay')).toBe('1 day');
    expect(parameterValueText('orders', 5, 'Parcels')).toBe('5 orders');
    // The label already names the unit: not twice.
    expect(parameterValueText('promiseDays', 3, 'Promise (days)')).toBe('3');
    expect(parameterValueText('warehouseId', 'WH-1', 'Warehouse')).toBe('WH-1');
    expect(parameterValueText('siteTimeZone', 'UTC')).toBe('UTC');
    expect(unitText('percent')).toBe('%');
    expect(unitText(null)).toBeNull();
  });
});
