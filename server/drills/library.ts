/**
 * The drill scenario library: the built-in scenarios (server/drills/scenarios.json, data) plus a
 * site's own file (`SCT_DRILL_SCENARIOS`, the same JSON shape), both validated with
 * contracts/drills.ts `scenarioLibraryFileSchema` when the core starts. A site scenario with the
 * id of a built-in one replaces it (other defaults, limits, wording or checks, no code).
 */
import { readFileSync } from 'node:fs';
import {
  DRILL_PARAMETER_KINDS,
  DRILL_PARAMETER_NAMES,
  expectedFigure,
  scenarioLibraryFileSchema,
  toFieldIssues,
  type DrillParameters,
  type ExpectedOutcome,
  type ScenarioDefinition,
  type ScenarioSummary,
} from '../../contracts';
import builtIn from './scenarios.json';

/** A scenario and where it comes from. */
export interface LibraryEntry {
  scenario: ScenarioDefinition;
  origin: 'built-in' | 'site';
}

/** The loaded library, in display order (built-in first, then the site's new ones). */
export interface ScenarioLibrary {
  entries: LibraryEntry[];
  get(id: string): LibraryEntry | undefined;
}

/** A scenario file breaks the schema: names the file, then each field and rule. */
export class ScenarioFileError extends Error {
  override name = 'ScenarioFileError';
}

/**
 * Validates a library file's content.
 * @param where the file, for the error message
 * @throws ScenarioFileError naming every broken field (`scenarios.2.parameters.orders.max ...`)
 */
export function parseScenarioFile(content: unknown, where: string): ScenarioDefinition[] {
  const parsed = scenarioLibraryFileSchema.safeParse(content);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error)
      .slice(0, 20)
      .map((i) => `${i.field} ${i.rule}: ${i.message}`);
    throw new ScenarioFileError(`drill scenario file ${where} is invalid: ${issues.join('; ')}`);
  }
  const ids = new Set<string>();
  for (const s of parsed.data.scenarios) {
    if (ids.has(s.id))
      throw new ScenarioFileError(`drill scenario file ${where}: scenario id ${s.id} is used twice`);
    ids.add(s.id);
  }
  return parsed.data.scenarios;
}

/**
 * Loads the built-in library and, when given, the site's file.
 * @param siteFile path of a JSON file `{ "scenarios": [...] }` (README "Drills")
 * @throws ScenarioFileError when a file cannot be read or breaks the schema (the core does not start)
 */
export function loadScenarioLibrary(siteFile?: string | null): ScenarioLibrary {
  const entries: LibraryEntry[] = parseScenarioFile(builtIn, 'server/drills/scenarios.json (built in)').map(
    (scenario) => ({ scenario, origin: 'built-in' as const }),
  );
  if (siteFile) {
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(siteFile, 'utf8'));
    } catch (err) {
      throw new ScenarioFileError(
        `drill scenario file ${siteFile} (SCT_DRILL_SCENARIOS) cannot be read as JSON: ${(err as Error).message.split('\n')[0]}`,
      );
    }
    for (const scenario of parseScenarioFile(content, `${siteFile} (SCT_DRILL_SCENARIOS)`)) {
      const at = entries.findIndex((e) => e.scenario.id === scenario.id);
      if (at >= 0) entries[at] = { scenario, origin: 'site' };
      else entries.push({ scenario, origin: 'site' });
    }
  }
  return { entries, get: (id) => entries.find((e) => e.scenario.id === id) };
}

/** The API's description of a scenario (`GET /api/drills/scenarios`). */
export function summarizeScenario(entry: LibraryEntry): ScenarioSummary {
  const s = entry.scenario;
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    hypothesis: s.hypothesis,
    generator: s.generator,
    origin: entry.origin,
    parameters: DRILL_PARAMETER_NAMES.flatMap((name) => {
      const spec = s.parameters[name];
      if (!spec) return [];
      const kind = DRILL_PARAMETER_KINDS[name];
      return [
        {
          name,
          kind: kind.kind,
          unit: 'unit' in kind ? kind.unit : null,
          label: spec.label,
          help: spec.help ?? null,
          default: spec.default,
          min: 'min' in spec ? spec.min : null,
          max: 'max' in spec ? spec.max : null,
          suggestions: 'suggestions' in spec ? (spec.suggestions ?? []) : [],
        },
      ];
    }),
    checks: s.checks.map((c) => ({ id: c.id, label: c.label, metric: c.metric })),
  };
}

/** Each check's expected figure and tolerance for these parameters. */
export function expectedOutcome(s: ScenarioDefinition, p: DrillParameters): ExpectedOutcome[] {
  return s.checks.map((c) => {
    const expected = expectedFigure(c.expected, p);
    return {
      checkId: c.id,
      label: c.label,
      metric: c.metric,
      expected,
      tolerance: toleranceOf(c.tolerance, expected),
    };
  });
}

/** Allowed distance for an expected figure: absolute + expected * relative (rounded down). */
export function toleranceOf(t: { absolute: number; relative: number }, expected: number): number {
  return t.absolute + Math.floor(expected * t.relative);
}

/**
 * The hypothesis in plain words: `{name}` becomes the parameter's value and `{expected.<id>}`
 * the check's expected figure; an unknown placeholder stays as written.
 */
export function fillHypothesis(s: ScenarioDefinition, p: DrillParameters): string {
  const expected = new Map(expectedOutcome(s, p).map((o) => [o.checkId, o.expected]));
  return s.hypothesis.replace(/\{([A-Za-z_.]+)\}/g, (whole, key: string) => {
    if (key.startsWith('expected.')) {
      const v = expected.get(key.slice('expected.'.length));
      return v === undefined ? whole : String(v);
    }
    const v = (p as Record<string, unknown>)[key];
    return v === undefined ? whole : String(v);
  });
}
