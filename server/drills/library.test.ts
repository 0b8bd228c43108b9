import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { affectedCount, expectedFigure, resolveParameters } from '../../contracts';
import { fillHypothesis, loadScenarioLibrary, ScenarioFileError } from './library';

const dir = mkdtempSync(path.join(tmpdir(), 'sct-drills-'));
const write = (name: string, content: unknown) => {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};
const builtIn = loadScenarioLibrary();
const lost = builtIn.get('lost-parcel')!.scenario;

describe('scenario library', () => {
  it('has the five built-in scenarios, each with a hypothesis and checks', () => {
    expect(builtIn.entries.map((e) => e.scenario.generator)).toEqual([
      'carrier_delay_wave',
      'warehouse_surge',
      'lost_parcel',
      'site_closure',
      'failed_delivery_spike',
    ]);
    for (const { scenario } of builtIn.entries) expect(scenario.checks.length).toBeGreaterThan(0);
  });

  it('adds a site scenario and replaces a built-in one of the same id, without code', () => {
    const file = write('site.json', {
      scenarios: [
        {
          ...lost,
          id: 'lost-parcel',
          name: 'Lost parcel (Recife)',
          parameters: { ...lost.parameters, orders: { label: 'Parcels', default: 2, min: 1, max: 10 } },
        },
        { ...lost, id: 'recife-lost-wave', name: 'Recife lost wave' },
      ],
    });
    const lib = loadScenarioLibrary(file);
    expect(lib.get('lost-parcel')).toMatchObject({
      origin: 'site',
      scenario: { name: 'Lost parcel (Recife)' },
    });
    expect(lib.get('recife-lost-wave')?.origin).toBe('site');
    expect(lib.entries).toHaveLength(6);
  });

  it('refuses a site file that breaks the schema, naming the file, the field and the rule', () => {
    const badDefault = write('bad-default.json', {
      scenarios: [
        {
          ...lost,
          id: 'x-bad',
          parameters: { ...lost.parameters, orders: { label: 'n', default: 50, min: 1, max: 10 } },
        },
      ],
    });
    expect(() => loadScenarioLibrary(badDefault)).toThrow(ScenarioFileError);
    expect(() => loadScenarioLibrary(badDefault)).toThrow(
      /bad-default\.json.*scenarios\.0\.parameters\.orders\.default parameter_default/,
    );
    const missing = { ...lost.parameters } as Record<string, unknown>;
    delete missing.carrier;
    const noCarrier = write('no-carrier.json', {
      scenarios: [{ ...lost, id: 'x-nocarrier', parameters: missing }],
    });
    expect(() => loadScenarioLibrary(noCarrier)).toThrow(/parameters\.carrier required_parameter/);
    const tooBig = write('too-big.json', {
      scenarios: [
        {
          ...lost,
          id: 'x-big',
          parameters: { ...lost.parameters, rate: { label: 'r', default: 10, min: 1, max: 1_000_000 } },
        },
      ],
    });
    expect(() => loadScenarioLibrary(tooBig)).toThrow(/parameters\.rate parameter_limits/);
    expect(() => loadScenarioLibrary(write('broken.json', '{ not json'))).toThrow(/cannot be read as JSON/);
  });

  it('resolves parameters with defaults and limits, and fills the hypothesis', () => {
    expect(resolveParameters(lost, { orders: 3 })).toMatchObject({
      ok: true,
      parameters: { orders: 3, carrier: 'UPS' },
    });
    expect(resolveParameters(lost, { orders: 0 })).toMatchObject({
      ok: false,
      issues: [{ field: 'parameters.orders', rule: 'min' }],
    });
    expect(resolveParameters(lost, { delayDays: 2 })).toMatchObject({
      ok: false,
      issues: [{ field: 'parameters.delayDays', rule: 'unknown_parameter' }],
    });
    const r = resolveParameters(lost, { orders: 4 });
    expect(r.ok && fillHypothesis(lost, r.parameters)).toContain('Open exceptions show 4 shipments');
  });

  it('computes expected figures from the parameters (hand-computed)', () => {
    // 7 orders, 50 %: 3.5 rounds half up to 4 affected, 3 unaffected.
    expect(affectedCount(7, 50)).toBe(4);
    expect(
      expectedFigure(
        { of: 'orders', share: 'affected', factor: 1, offset: 0 },
        { orders: 7, affectedPercent: 50 },
      ),
    ).toBe(4);
    expect(
      expectedFigure(
        { of: 'orders', share: 'unaffected', factor: 1, offset: 0 },
        { orders: 7, affectedPercent: 50 },
      ),
    ).toBe(3);
    expect(expectedFigure({ of: 'orders', factor: 2, offset: -1 }, { orders: 7 })).toBe(13);
    expect(expectedFigure({ value: 0 }, { orders: 7 })).toBe(0);
  });
});
