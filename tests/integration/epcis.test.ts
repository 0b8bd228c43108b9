/**
 * The EPCIS 2.0 input gate (`scripts/epcis/epcis-gate.ts`) against real documents in ../shared/data/epcis
 * (read at run time, never copied into the repo; the GS1 schema is passed by path):
 * - every deliberately invalid openepcis document (`openepcis/JSON/Capture/Invalid`, 15 files)
 *   is rejected, each with a reason that names the broken field and rule;
 * - the valid openepcis capture documents and events, and the GS1 reference examples, are
 *   accepted, except the few listed in KNOWN_SCHEMA_FAILURES that break the official schema for
 *   a documented reason (the validator is not weakened for them).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot } from '../../runtime/db';
import { loadEpcisValidator, type EpcisValidator } from '../../scripts/epcis/epcis-gate';

const epcisDir = path.resolve(findRepoRoot(__dirname), '..', 'shared', 'data', 'epcis');
const schemaPath = path.join(epcisDir, 'EPCIS-JSON-Schema.json');
const invalidDir = path.join(epcisDir, 'openepcis', 'JSON', 'Capture', 'Invalid');

/** Every .json / .jsonld file under `dir`, as paths relative to the epcis folder. */
function documentsUnder(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return documentsUnder(full).map((f) => path.join(name, f));
      return /\.(json|jsonld)$/.test(name) ? [name] : [];
    })
    .sort();
}

const rel = (dir: string) => path.relative(epcisDir, dir);
const invalidFiles = documentsUnder(invalidDir).map((f) => path.join(rel(invalidDir), f));
const validDirs = [
  path.join(epcisDir, 'openepcis', 'JSON', 'Capture', 'Documents'),
  path.join(epcisDir, 'openepcis', 'JSON', 'Capture', 'Events'),
  path.join(epcisDir, 'gs1-examples'),
];
const validFiles = validDirs.flatMap((d) => documentsUnder(d).map((f) => path.join(rel(d), f)));

/**
 * Published "valid" examples that the official GS1 EPCIS JSON Schema rejects, with the reason.
 * They stay rejected: the gate follows the official schema.
 */
const KNOWN_SCHEMA_FAILURES: Record<string, { reason: string; field: RegExp; rules: string[] }> = {
  'openepcis/JSON/Capture/Documents/AggregationEvent_with_persistentDisposition.json': {
    reason:
      'persistentDisposition is allowed on ObjectEvent and TransformationEvent only (EPCIS 2.0 UML/ontology, ' +
      'GS1 schema; see gs1/EPCIS issues #395 and #440); this example puts it on an AggregationEvent',
    field: /^\/epcisBody\/eventList\/1\/persistentDisposition$/,
    rules: ['propertyNames'],
  },
  'openepcis/JSON/Capture/Documents/SensorData_with_combined_events.json': {
    reason:
      'sensorReport types "Molar_concentration" and "EffectiveDoseRate" are not in the CBV MeasurementType ' +
      'list of the schema and are not URIs/CURIEs; two sensorReports carry only an exception and no `type`, ' +
      'which the schema requires',
    field: /^\/epcisBody\/eventList\/\d+\/sensorElementList\/0\/sensorReport\/\d+\/type$/,
    rules: ['anyOf', 'required'],
  },
  'openepcis/JSON/Capture/Documents/TransactionEvent_with_userExtensions.json': {
    reason:
      'sensorReport type "EffectiveDoseRate" is not in the CBV MeasurementType list of the schema and is not a URI/CURIE',
    field: /^\/epcisBody\/eventList\/0\/sensorElementList\/0\/sensorReport\/0\/type$/,
    rules: ['anyOf'],
  },
};

/** The query answer example is schema-valid but not capture input: checked with an explicit opt-in. */
const QUERY_DOCUMENTS = new Set(['gs1-examples/EPCISQueryDocument.jsonld']);

let gate: EpcisValidator;

beforeAll(() => {
  gate = loadEpcisValidator(schemaPath);
});

describe('EPCIS input gate', () => {
  it('finds the 15 deliberately invalid openepcis documents', () => {
    expect(invalidFiles).toHaveLength(15);
  });

  it.each(invalidFiles)('rejects %s with a reason naming the field and the rule', (file) => {
    const result = gate.validateJson(readFileSync(path.join(epcisDir, file), 'utf8'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.length).toBeGreaterThan(0);
    for (const issue of result.issues) {
      expect(issue.field).toMatch(/^(\/|\(root\))/);
      expect(issue.rule).toMatch(/^[a-zA-Z_]+$/);
      expect(issue.message.length).toBeGreaterThan(5);
    }
    const first = result.issues[0]!;
    console.log(
      `epcis invalid: ${path.basename(file)}: ${first.field} [${first.rule}] ${first.message.slice(0, 160)}`,
    );
  });

  it('names the actual defect of each invalid document', () => {
    const firstOf = (name: string) => {
      const r = gate.validateJson(readFileSync(path.join(invalidDir, name), 'utf8'));
      return r.ok ? [] : r.issues.map((i) => `${i.field} ${i.rule}`);
    };
    const E = '/epcisBody/eventList';
    expect(firstOf('EPCISDocument_without_context.json')).toEqual(['/@context required']);
    expect(firstOf('ObjectEvent_with_invalid_action.json')).toContain(`${E}/0/action enum`);
    expect(firstOf('ObjectEvent_with_invalid_eventTime_format.json')).toEqual([`${E}/0/eventTime format`]);
    expect(firstOf('ObjectEvent_with_quantity_as_text.json')).toEqual([
      `${E}/0/quantityList/0/quantity type`,
    ]);
    expect(firstOf('ObjectEvent_with_unknown_field_in_quantityList.json')).toEqual([
      `${E}/0/quantityList/0/weight additionalProperties`,
    ]);
    expect(firstOf('ObjectEvent_with_ilmd_field_without_namespace.json')).toEqual([
      `${E}/0/ilmd/materialType propertyNames`,
    ]);
    expect(firstOf('ObjectEvent_with_non_standard_bizStep.json')).toEqual([`${E}/0/bizStep anyOf`]);
    expect(firstOf('ObjectEvent_with_non_standard_bizStep_in_second_event.json')).toEqual([
      `${E}/1/bizStep anyOf`,
    ]);
    expect(firstOf('ObjectEvent_with_non_standard_disposition.json')).toEqual([`${E}/0/disposition anyOf`]);
    expect(firstOf('ObjectEvent_without_action_and_eventTime.json')).toEqual([
      `${E}/0/eventTime required`,
      `${E}/0/eventTimeZoneOffset required`,
      `${E}/0/action required`,
    ]);
    expect(firstOf('ObjectEvent_without_identifier_list.json')).toEqual([`${E}/0 anyOf`]);
    expect(firstOf('ObjectEvent_with_invalid_certificationInfo.json')).toEqual([
      `${E}/0/certificationInfo anyOf`,
    ]);
  });

  it('accepts the valid openepcis and GS1 example documents', () => {
    expect(validFiles.length).toBeGreaterThan(80);
    const rejected: string[] = [];
    for (const file of validFiles) {
      const text = readFileSync(path.join(epcisDir, file), 'utf8');
      const accept = QUERY_DOCUMENTS.has(file) ? (['EPCISQueryDocument'] as const) : undefined;
      const result = gate.validateJson(text, accept ? { accept } : undefined);
      const known = KNOWN_SCHEMA_FAILURES[file];
      if (known) {
        // Still rejected, and for the documented reason only.
        expect(result.ok, file).toBe(false);
        if (!result.ok) {
          for (const issue of result.issues) {
            expect(issue.field, file).toMatch(known.field);
            expect(known.rules, file).toContain(issue.rule);
          }
          console.log(`epcis known schema failure: ${file}: ${known.reason}`);
        }
        continue;
      }
      if (!result.ok) rejected.push(`${file}: ${JSON.stringify(result.issues.slice(0, 3))}`);
    }
    expect(rejected).toEqual([]);
    console.log(
      `epcis valid: ${validFiles.length - Object.keys(KNOWN_SCHEMA_FAILURES).length} accepted, ` +
        `${Object.keys(KNOWN_SCHEMA_FAILURES).length} known schema failures listed`,
    );
  });

  it('accepts a single event and rejects what a capture endpoint must not take', () => {
    const event = readFileSync(path.join(epcisDir, 'openepcis/JSON/Capture/Events/ObjectEvent.json'), 'utf8');
    expect(gate.validateJson(event)).toEqual({ ok: true });
    expect(gate.validateJson(event, { accept: ['EPCISDocument'] })).toMatchObject({
      ok: false,
      issues: [{ field: '/type', rule: 'capture_type' }],
    });
    const query = readFileSync(path.join(epcisDir, 'gs1-examples/EPCISQueryDocument.jsonld'), 'utf8');
    expect(gate.validateJson(query)).toMatchObject({
      ok: false,
      issues: [{ field: '/type', rule: 'capture_type' }],
    });
    expect(gate.validateJson('{"type": "EPCISDocument",')).toMatchObject({
      ok: false,
      issues: [{ field: '(root)', rule: 'json' }],
    });
    for (const value of [null, 42, 'EPCISDocument', [], [{}]]) {
      expect(gate.validate(value)).toMatchObject({ ok: false, issues: [{ field: '(root)', rule: 'type' }] });
    }
    expect(gate.validate({ type: 'EPCISDocument' })).toMatchObject({ ok: false });
  });

  it('caps the issue list of a hostile document', () => {
    const doc = JSON.parse(
      readFileSync(path.join(epcisDir, 'openepcis/JSON/Capture/Documents/ObjectEvent.json'), 'utf8'),
    ) as { epcisBody: { eventList: Record<string, unknown>[] } };
    const bad = { ...doc.epcisBody.eventList[0]!, eventTime: 'not a time', action: 'NOPE' };
    doc.epcisBody.eventList = Array.from({ length: 500 }, () => bad);
    const result = gate.validate(doc);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.length).toBeLessThanOrEqual(101);
      expect(result.issues.at(-1)).toMatchObject({ rule: 'too_many_issues' });
    }
  });

  it('refuses a schema file it cannot read, naming the path', () => {
    expect(() => loadEpcisValidator(path.join(epcisDir, 'missing.json'))).toThrow(/missing\.json/);
  });
});
