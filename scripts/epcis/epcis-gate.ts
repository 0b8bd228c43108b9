/**
 * EPCIS 2.0 input gate: validates GS1 EPCIS 2.0 JSON / JSON-LD capture input (an `EPCISDocument`
 * or a single event) against the official GS1 EPCIS JSON Schema, and names every broken rule.
 *
 * **This is the gate any future EPCIS capture endpoint (or import) must use**, before anything
 * of the input is published to Kafka or stored: parse with {@link EpcisValidator.validateJson}
 * (or {@link EpcisValidator.validate} for an already parsed value), reject on `ok: false` with a
 * 4xx that carries `issues`, and only then map the events to the project's own contracts. The
 * endpoint must also apply a body size limit before parsing (the API's `BODY_LIMIT_BYTES`).
 * The invalid documents of the openepcis test set (`../shared/data/epcis/openepcis/JSON/Capture/
 * Invalid`) are the model of what a broken or hostile upstream sends; `tests/integration/
 * epcis.test.ts` proves each of them is rejected with a reason. `npm run epcis:validate`
 * (validate-cli.ts) runs the gate on files from the command line.
 *
 * The schema is a GS1 reference file and is not copied into this repository: its path is a
 * parameter ({@link loadEpcisValidator}), e.g. `../shared/data/epcis/EPCIS-JSON-Schema.json`
 * (https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json). The Ajv dialect follows the schema's own
 * `$schema` (draft-07 for the published EPCIS 2.0 schema; 2019-09 and 2020-12 are supported
 * too), with every format of ajv-formats checked in full mode (`date-time` needs a zone offset
 * and a real calendar date, `uri` needs a scheme).
 *
 * What JSON Schema cannot check is not checked here either: whether a CURIE prefix is declared
 * in `@context`, GS1 key check digits, or CBV rules that span events.
 */
import { readFileSync } from 'node:fs';
import Ajv, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FieldIssue } from '../../contracts';

/**
 * One broken rule: `field` is a JSON Pointer into the input (`/epcisBody/eventList/0/bizStep`;
 * `(root)` for the whole input). For a missing or unexpected property the pointer names that
 * property (`/epcisBody/eventList/0/action`). `rule` is the JSON Schema keyword (`required`,
 * `enum`, `format`, `type`, `additionalProperties`, `propertyNames`, `anyOf`...) or one of this
 * gate's own rules (`json`, `capture_type`, `too_many_issues`).
 */
export type EpcisIssue = FieldIssue;

export type EpcisValidationResult = { ok: true } | { ok: false; issues: EpcisIssue[] };

/** Top-level kinds of input the gate lets through. */
export type EpcisInputKind = 'EPCISDocument' | 'EPCISQueryDocument' | 'event';

export interface EpcisValidateOptions {
  /**
   * Which top-level `type`s are accepted. Default: a capture document or a single event
   * (`['EPCISDocument', 'event']`), as the EPCIS 2.0 capture interface takes them. An
   * `EPCISQueryDocument` is a query answer, not capture input: opt in explicitly.
   */
  accept?: readonly EpcisInputKind[];
}

export interface EpcisValidator {
  /** Validates a parsed JSON value. Never throws. */
  validate(input: unknown, options?: EpcisValidateOptions): EpcisValidationResult;
  /** Parses JSON text, then validates it. Never throws; malformed JSON gives rule `json`. */
  validateJson(text: string, options?: EpcisValidateOptions): EpcisValidationResult;
}

/** At most this many issues are returned (hostile input can break thousands of rules). */
export const MAX_EPCIS_ISSUES = 100;

const DOCUMENT_TYPES = new Set(['EPCISDocument', 'EPCISQueryDocument']);
const COMBINATORS = new Set(['anyOf', 'oneOf']);
const WRAPPERS = new Set(['if', 'allOf', 'then', 'else']);
const DEFAULT_ACCEPT: readonly EpcisInputKind[] = ['EPCISDocument', 'event'];

/**
 * Reads the EPCIS JSON Schema from `schemaPath` and compiles a validator (once; reuse it).
 * @throws when the file is missing, is not JSON, or its `$schema` dialect is unsupported
 */
export function loadEpcisValidator(schemaPath: string): EpcisValidator {
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the EPCIS JSON Schema at ${schemaPath}: ${(err as Error).message}`);
  }
  return createEpcisValidator(schema as Record<string, unknown>);
}

/** Compiles a validator from an already loaded EPCIS JSON Schema object. */
export function createEpcisValidator(schema: Record<string, unknown>): EpcisValidator {
  const ajv = ajvFor(String(schema.$schema ?? ''));
  const check = ajv.compile(schema as AnySchema);
  const reach = reachability(schema);

  const validate = (input: unknown, options: EpcisValidateOptions = {}): EpcisValidationResult => {
    const kind = captureTypeIssue(input, options.accept ?? DEFAULT_ACCEPT);
    if (kind) return { ok: false, issues: [kind] };
    if (check(input)) return { ok: true };
    return { ok: false, issues: toIssues(check, reach) };
  };

  return {
    validate,
    validateJson(text, options) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        return {
          ok: false,
          issues: [{ field: '(root)', rule: 'json', message: `not valid JSON: ${(err as Error).message}` }],
        };
      }
      return validate(value, options);
    },
  };
}

function ajvFor(dialect: string): Ajv {
  // strictRequired is off: the GS1 schema lists `required` names that only some branches define.
  const options = {
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    logger: false,
  } as const;
  let ajv: Ajv;
  if (dialect.includes('/draft-07/schema')) ajv = new Ajv(options);
  else if (dialect.includes('/2019-09/')) ajv = new Ajv2019(options);
  else if (dialect.includes('/2020-12/')) ajv = new Ajv2020(options);
  else throw new Error(`unsupported JSON Schema dialect "${dialect}" in the EPCIS schema`);
  addFormats(ajv);
  return ajv;
}

function captureTypeIssue(input: unknown, accept: readonly EpcisInputKind[]): EpcisIssue | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return null; // schema says why
  const type = (input as { type?: unknown }).type;
  if (typeof type !== 'string') return null;
  const kind: EpcisInputKind = DOCUMENT_TYPES.has(type) ? (type as EpcisInputKind) : 'event';
  if (accept.includes(kind)) return null;
  return {
    field: '/type',
    rule: 'capture_type',
    message: `"${clip(type)}" is not accepted here; expected ${accept.map((k) => (k === 'event' ? 'a single EPCIS event' : k)).join(' or ')}`,
  };
}

type SchemaNode = Record<string, unknown>;

/** Schema objects reachable from a node, each with the instance depths (relative) it applies at. */
type Reach = Map<unknown, Set<number>>;

/** Keywords whose subschemas apply one level deeper in the instance (a property or an item). */
const DEEPER = new Set([
  'properties',
  'patternProperties',
  'additionalProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'contains',
  'unevaluatedProperties',
  'unevaluatedItems',
]);
/** Keywords whose subschemas apply to the same instance. */
const SAME = new Set([
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  'propertyNames',
  'dependentSchemas',
  'dependencies',
]);
/** Keywords that hold a map of name -> subschema (rather than one subschema or a list). */
const MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas', 'dependencies']);
const MAX_DEPTH = 32;

/**
 * For a schema node: every schema object reachable from it through subschemas and local
 * `$ref`s, with the instance depth (relative to where the node applies) at which it applies.
 * Used to tell which of Ajv's leaf errors belong to which branch of an `anyOf`/`oneOf`.
 */
function reachability(root: SchemaNode): (node: unknown) => Reach {
  const memo = new Map<unknown, Reach>();
  const resolve = (ref: string): unknown => {
    if (!ref.startsWith('#')) return undefined;
    let at: unknown = root;
    for (const raw of ref.slice(1).split('/').filter(Boolean)) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      at = typeof at === 'object' && at !== null ? (at as SchemaNode)[key] : undefined;
    }
    return at;
  };
  return (start) => {
    const cached = memo.get(start);
    if (cached) return cached;
    const reach: Reach = new Map();
    const stack: [unknown, number][] = [[start, 0]];
    while (stack.length > 0) {
      const [node, depth] = stack.pop()!;
      if (typeof node !== 'object' || node === null || depth > MAX_DEPTH) continue;
      if (Array.isArray(node)) {
        for (const item of node) stack.push([item, depth]);
        continue;
      }
      const depths = reach.get(node) ?? new Set<number>();
      if (depths.has(depth)) continue;
      depths.add(depth);
      reach.set(node, depths);
      for (const [key, value] of Object.entries(node as SchemaNode)) {
        if (key === '$ref' && typeof value === 'string') {
          stack.push([resolve(value), depth]);
          continue;
        }
        if (typeof value !== 'object' || value === null) continue;
        const next = DEEPER.has(key) ? depth + 1 : SAME.has(key) ? depth : -1;
        if (next < 0) continue;
        const subs = MAPS.has(key) && !Array.isArray(value) ? Object.values(value) : [value];
        for (const sub of subs) stack.push([sub, next]);
      }
    }
    memo.set(start, reach);
    return reach;
  };
}

/** Number of segments of a JSON Pointer. */
function depthOf(instancePath: string): number {
  return instancePath === '' ? 0 : instancePath.split('/').length - 1;
}

/** Is `error` raised by a subschema reachable from `schema` applied at `instancePath`? */
function within(
  error: ErrorObject,
  schema: unknown,
  instancePath: string,
  reach: (n: unknown) => Reach,
): boolean {
  if (error.instancePath !== instancePath && !error.instancePath.startsWith(`${instancePath}/`)) return false;
  return (
    reach(schema)
      .get(error.parentSchema)
      ?.has(depthOf(error.instancePath) - depthOf(instancePath)) ?? false
  );
}

/**
 * Turns Ajv's raw errors into issues a person can act on: wrapper errors (`if`, `allOf`) are
 * dropped, the failed branches of an `anyOf` become one issue that lists the alternatives,
 * `propertyNames` failures name the offending property, and duplicates are removed.
 */
function toIssues(check: ValidateFunction, reach: (node: unknown) => Reach): EpcisIssue[] {
  const errors = (check.errors ?? []).filter((e) => !WRAPPERS.has(e.keyword));
  const consumed = new Set<ErrorObject>();
  const out: { issue: EpcisIssue; at: number }[] = [];
  const before = (at: number) => errors.slice(0, at).filter((e) => !consumed.has(e));

  // 1. A property name that is not allowed: one issue naming the property, whatever its
  //    name schema said (errors raised while checking the *name* are folded into it).
  errors.forEach((error, at) => {
    if (error.keyword !== 'propertyNames') return;
    const name = (error.params as { propertyName?: string }).propertyName;
    for (const e of before(at)) {
      const sameName = (e as { propertyName?: string }).propertyName === name;
      if (
        sameName ||
        (e.instancePath === error.instancePath && within(e, error.schema, error.instancePath, reach))
      )
        consumed.add(e);
    }
    consumed.add(error);
    out.push({ issue: leafIssue(error), at });
  });

  // 2. anyOf / oneOf (innermost first, as Ajv reports them): the failed alternatives as one issue.
  errors.forEach((error, at) => {
    if (consumed.has(error) || !COMBINATORS.has(error.keyword)) return;
    const candidates = before(at).filter((e) => !COMBINATORS.has(e.keyword));
    const branches = (Array.isArray(error.schema) ? error.schema : []).map((branch) =>
      candidates.filter((e) => within(e, branch, error.instancePath, reach)),
    );
    branches.flat().forEach((e) => consumed.add(e));
    consumed.add(error);
    const failed = branches.filter((b) => b.length > 0);
    const samePath = failed.flat().every((e) => e.instancePath === error.instancePath);
    const phrase = (e: ErrorObject) =>
      samePath
        ? describe(e)
        : `${e.instancePath.slice(error.instancePath.length) || 'it'} must ${describe(e)}`;
    const alternatives = failed.map((b) => {
      const text = b.map(phrase).join(' and ');
      return b.length > 1 ? `(${text})` : text;
    });
    const message =
      alternatives.length === 0
        ? `${valueOf(error)}must match one of the allowed forms`
        : samePath
          ? `${valueOf(error)}must ${alternatives.join(' or ')}`
          : `${valueOf(error)}must satisfy one of: ${alternatives.join(' | ')}`;
    out.push({ issue: { field: pointer(error.instancePath), rule: error.keyword, message }, at });
  });

  // 3. Everything else is a plain broken rule.
  errors.forEach((error, at) => {
    if (consumed.has(error)) return;
    out.push({ issue: leafIssue(error), at });
  });

  const unique = new Map<string, EpcisIssue>();
  for (const { issue } of out.sort((a, b) => a.at - b.at)) {
    const key = `${issue.field}\u0000${issue.rule}\u0000${issue.message}`;
    if (!unique.has(key)) unique.set(key, issue);
  }
  const issues = [...unique.values()];
  if (issues.length === 0) {
    // Cannot happen with a schema that explains its failures; never report "invalid" without a reason.
    return [{ field: '(root)', rule: 'schema', message: 'does not match the EPCIS JSON Schema' }];
  }
  if (issues.length <= MAX_EPCIS_ISSUES) return issues;
  return [
    ...issues.slice(0, MAX_EPCIS_ISSUES),
    {
      field: '(root)',
      rule: 'too_many_issues',
      message: `${issues.length - MAX_EPCIS_ISSUES} more issues not listed`,
    },
  ];
}

function leafIssue(error: ErrorObject): EpcisIssue {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return {
        field: pointer(error.instancePath, String(p.missingProperty)),
        rule: 'required',
        message: `is required but missing`,
      };
    case 'additionalProperties':
      return {
        field: pointer(error.instancePath, String(p.additionalProperty)),
        rule: 'additionalProperties',
        message: `is not an allowed property here`,
      };
    case 'propertyNames':
      return {
        field: pointer(error.instancePath, String(p.propertyName)),
        rule: 'propertyNames',
        message:
          'is not a property of this EPCIS element; extension properties must be namespaced (a URI or a CURIE such as example:field)',
      };
    default:
      return {
        field: pointer(error.instancePath),
        rule: error.keyword,
        message: `${valueOf(error)}must ${describe(error)}`,
      };
  }
}

/** The rule of one leaf error as a verb phrase ("be one of: ...", "be a valid date-time"). */
function describe(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum': {
      const values = (p.allowedValues as unknown[]).map(String);
      const shown = values.slice(0, 12).join(', ');
      return `be one of: ${shown}${values.length > 12 ? `, ... (${values.length} values)` : ''}`;
    }
    case 'format':
      return `be a valid ${String(p.format)}${p.format === 'uri' ? ' (a URI or CURIE with a scheme/prefix)' : ''}`;
    case 'type':
      return `be of type ${String(p.type)}`;
    case 'pattern':
      return `match the pattern ${String(p.pattern)}`;
    case 'required':
      return `have the property ${String(p.missingProperty)}`;
    case 'additionalProperties':
      return `not have the property ${String(p.additionalProperty)}`;
    case 'const':
      return `be ${JSON.stringify(p.allowedValue)}`;
    default:
      return `${(error.message ?? 'be valid').replace(/^must /, '')}`;
  }
}

function valueOf(error: ErrorObject): string {
  const data: unknown = error.data;
  if (data === undefined || (typeof data === 'object' && data !== null)) return '';
  return `is ${clip(JSON.stringify(data))}, `;
}

function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** `instancePath` (already a JSON Pointer) plus an optional child property, `(root)` when empty. */
function pointer(instancePath: string, child?: string): string {
  const tail = child === undefined ? '' : `/${child.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return `${instancePath}${tail}` || '(root)';
}
