/**
 * Drill scenarios and runs (issue 12, DESIGN.md "Drills"): the scenario library's data shape, the
 * preview, the run state with its progress, and the expected-outcome checks. Environment-neutral
 * (zod only): the server validates the library and every request with these schemas, the console
 * types its drill screens with them.
 *
 * Vocabulary:
 * - a **scenario** is data ({@link scenarioDefinitionSchema}): a name, a description, a plain-words
 *   hypothesis, typed parameters with defaults and limits, and the checks that test the hypothesis.
 *   It names a built-in **generator** ({@link DRILL_GENERATORS}) that turns parameters into events;
 *   a site adds its own scenarios (other defaults, limits, wording, checks) in a JSON file without
 *   code (README "Drills").
 * - a **run** plays one scenario once, under its own drill id (the CloudEvents `drillid` of every
 *   event), on entities only it creates. Each event's id is a UUID v5 of the run id and the step,
 *   so a resumed run re-sends a step with the same id and the workers apply it once.
 * - **halt conditions** stop a run by itself (a service down, a worker not consuming, consumer lag
 *   over a threshold) and say why.
 * - **checks** are evaluated when a run ends: figures read from the read models over the drill's
 *   own entities, against the expected figure with a tolerance; plus "real KPIs unchanged".
 *
 * Times: instants are RFC 3339 UTC strings; durations in the answers are milliseconds; rates are
 * events per second.
 */
import { z } from 'zod';
import {
  entityIdSchema,
  instantSchema,
  timeZoneSchema,
  toFieldIssues,
  type SupplyChainEvent,
} from './events';
import { plainText, shortText } from './text';

// ---------------------------------------------------------------------------------------------
// Scenario library (data)
// ---------------------------------------------------------------------------------------------

/**
 * The built-in generators a scenario may name (server/drills/generators.ts implements each one;
 * each is pure and deterministic for a seed):
 * - `carrier_delay_wave`: orders shipped with one carrier; a share of them get their ETA pushed
 *   past the promise and are delivered late, the rest on time.
 * - `warehouse_surge`: a burst of orders created and approved at one warehouse within the
 *   duration; none ships (the backlog rises).
 * - `lost_parcel`: orders shipped; their shipments go in transit, then an exception `LOST`; never
 *   delivered (open exceptions rise).
 * - `site_closure`: orders at one warehouse approved, then the site closes: a share is cancelled
 *   (`site closed`), the rest waits, then ships and is delivered late after the closure.
 * - `failed_delivery_spike`: orders shipped; every shipment goes out for delivery and fails
 *   (`RECIPIENT_ABSENT`); a share is delivered on a second attempt, the rest stays failed.
 */
export const DRILL_GENERATORS = [
  'carrier_delay_wave',
  'warehouse_surge',
  'lost_parcel',
  'site_closure',
  'failed_delivery_spike',
] as const;
export type DrillGenerator = (typeof DRILL_GENERATORS)[number];

/**
 * The parameters a scenario can have: one vocabulary for every generator, so the console draws
 * one kind of field per parameter and a site's file can only name known ones.
 * - `warehouseId`: the site the drill's orders belong to (an entity id);
 * - `siteTimeZone`: that site's IANA zone (decides the delivery day of the on-time rule);
 * - `carrier`: carrier name on the drill's shipments;
 * - `orders`: how many orders (each with its shipment where the generator ships) the drill creates;
 * - `affectedPercent`: share of the orders the incident hits (delayed, cancelled, redelivered...);
 * - `promiseDays`: days from order creation to the promised delivery day (site time);
 * - `delayDays`: days a delayed delivery arrives after the promised day;
 * - `durationMinutes`: event-time span over which the drill's orders are created (the wave's length);
 * - `timeShiftHours`: event time of the first event relative to the run's start (negative = in the past);
 * - `rate`: sending rate in events per second (wall clock).
 */
export const DRILL_PARAMETER_NAMES = [
  'warehouseId',
  'siteTimeZone',
  'carrier',
  'orders',
  'affectedPercent',
  'promiseDays',
  'delayDays',
  'durationMinutes',
  'timeShiftHours',
  'rate',
] as const;
export type DrillParameterName = (typeof DRILL_PARAMETER_NAMES)[number];

/** Units of the numeric parameters, for labels (`events/s`, `%`, ...). */
export const DRILL_PARAMETER_UNITS = ['orders', 'percent', 'days', 'minutes', 'hours', 'events/s'] as const;

/** Which kind of value each parameter holds: decides its field, its schema and its unit. */
export const DRILL_PARAMETER_KINDS = {
  warehouseId: { kind: 'entityId' },
  siteTimeZone: { kind: 'timeZone' },
  carrier: { kind: 'text' },
  orders: { kind: 'integer', unit: 'orders' },
  affectedPercent: { kind: 'integer', unit: 'percent' },
  promiseDays: { kind: 'integer', unit: 'days' },
  delayDays: { kind: 'integer', unit: 'days' },
  durationMinutes: { kind: 'integer', unit: 'minutes' },
  timeShiftHours: { kind: 'integer', unit: 'hours' },
  rate: { kind: 'integer', unit: 'events/s' },
} as const satisfies Record<
  DrillParameterName,
  { kind: 'entityId' | 'timeZone' | 'text' | 'integer'; unit?: (typeof DRILL_PARAMETER_UNITS)[number] }
>;

/**
 * Hard bounds of the numeric parameters: a scenario's own `min`/`max` must lie inside them (so
 * no site file can ask for a million orders or a rate the broker cannot take).
 */
export const DRILL_PARAMETER_BOUNDS: Readonly<
  Record<
    Extract<
      DrillParameterName,
      | 'orders'
      | 'affectedPercent'
      | 'promiseDays'
      | 'delayDays'
      | 'durationMinutes'
      | 'timeShiftHours'
      | 'rate'
    >,
    { min: number; max: number }
  >
> = {
  orders: { min: 1, max: 20_000 },
  affectedPercent: { min: 0, max: 100 },
  promiseDays: { min: 1, max: 60 },
  delayDays: { min: 1, max: 60 },
  durationMinutes: { min: 1, max: 7 * 24 * 60 },
  timeShiftHours: { min: -24 * 365, max: 24 * 30 },
  rate: { min: 1, max: 5_000 },
};

/** One numeric parameter of a scenario: its label, default and limits (inside {@link DRILL_PARAMETER_BOUNDS}). */
export const integerParameterSpecSchema = z.strictObject({
  label: shortText(80),
  help: shortText(300).optional(),
  default: z.number().int(),
  min: z.number().int(),
  max: z.number().int(),
});

/** One text parameter (warehouse, carrier, time zone): its label, default and, optionally, the values offered. */
export const textParameterSpecSchema = z.strictObject({
  label: shortText(80),
  help: shortText(300).optional(),
  default: z.string(),
  /** Suggestions for the console's field (any valid value is accepted). */
  suggestions: z.array(z.string()).max(50).optional(),
});

/**
 * How a check's expected figure follows from the parameters: `round(orders * affectedPercent / 100 * factor) + offset`
 * when `share` is set, else `round(orders * factor) + offset`, or the fixed `value`.
 */
export const expectedFigureSchema = z.union([
  z.strictObject({ value: z.number().int().min(0) }),
  z.strictObject({
    of: z.enum(['orders']),
    /** `affected`: the share `affectedPercent` hits; `unaffected`: the rest; absent: all of them. */
    share: z.enum(['affected', 'unaffected']).optional(),
    factor: z.number().min(0).max(100).default(1),
    offset: z.number().int().min(-1_000_000).max(1_000_000).default(0),
  }),
]);
export type ExpectedFigure = z.infer<typeof expectedFigureSchema>;

/**
 * Figures a check reads from the read models, over the drill's own entities only (its drill id):
 * - `orders_created`: orders of the drill; `open_orders`: not delivered nor cancelled (backlog);
 * - `orders_cancelled`, `orders_delivered`, `late_deliveries`, `on_time_deliveries` (KPI facts,
 *   the on-time rule of contracts/site-time.ts);
 * - `shipments_created`, `shipments_delivered`;
 * - `open_exceptions`: shipments whose latest status is exception or failed_attempt and not
 *   delivered (the KPI definition); `failed_attempts`: shipments whose latest status is failed_attempt;
 * - `eta_past_promise`: shipments whose ETA falls after their promised day.
 */
export const DRILL_METRICS = [
  'orders_created',
  'open_orders',
  'orders_cancelled',
  'orders_delivered',
  'late_deliveries',
  'on_time_deliveries',
  'shipments_created',
  'shipments_delivered',
  'open_exceptions',
  'failed_attempts',
  'eta_past_promise',
] as const;
export type DrillMetric = (typeof DRILL_METRICS)[number];

/** One expected-outcome check of a scenario, evaluated when a run ends. */
export const scenarioCheckSchema = z.strictObject({
  /** Stable id within the scenario (`late`, `exceptions`). */
  id: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be 1..40 lowercase letters, digits or _'),
  /** What it checks, in plain words ("late deliveries rise by about the delayed orders"). */
  label: shortText(200),
  metric: z.enum(DRILL_METRICS),
  expected: expectedFigureSchema,
  /** Pass when |actual - expected| <= absolute + expected * relative. */
  tolerance: z
    .strictObject({
      absolute: z.number().int().min(0).default(0),
      relative: z.number().min(0).max(1).default(0),
    })
    .default({ absolute: 0, relative: 0 }),
});
export type ScenarioCheck = z.infer<typeof scenarioCheckSchema>;

/** Scenario ids: 2..40 lowercase letters, digits, `-` (they start the drill ids). */
export const scenarioIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be 2..40 lowercase letters, digits or -, starting with a letter');

const parameterSpecsShape = {
  warehouseId: textParameterSpecSchema.optional(),
  siteTimeZone: textParameterSpecSchema.optional(),
  carrier: textParameterSpecSchema.optional(),
  orders: integerParameterSpecSchema.optional(),
  affectedPercent: integerParameterSpecSchema.optional(),
  promiseDays: integerParameterSpecSchema.optional(),
  delayDays: integerParameterSpecSchema.optional(),
  durationMinutes: integerParameterSpecSchema.optional(),
  timeShiftHours: integerParameterSpecSchema.optional(),
  rate: integerParameterSpecSchema.optional(),
} satisfies Record<DrillParameterName, z.ZodType>;

/**
 * Which parameters each generator needs: a scenario must declare exactly these (with its own
 * defaults and limits). `rate` and `timeShiftHours` are needed by all.
 */
export const GENERATOR_PARAMETERS: Readonly<Record<DrillGenerator, readonly DrillParameterName[]>> = {
  carrier_delay_wave: [
    'warehouseId',
    'siteTimeZone',
    'carrier',
    'orders',
    'affectedPercent',
    'promiseDays',
    'delayDays',
    'durationMinutes',
    'timeShiftHours',
    'rate',
  ],
  warehouse_surge: [
    'warehouseId',
    'siteTimeZone',
    'orders',
    'promiseDays',
    'durationMinutes',
    'timeShiftHours',
    'rate',
  ],
  lost_parcel: [
    'warehouseId',
    'siteTimeZone',
    'carrier',
    'orders',
    'promiseDays',
    'durationMinutes',
    'timeShiftHours',
    'rate',
  ],
  site_closure: [
    'warehouseId',
    'siteTimeZone',
    'carrier',
    'orders',
    'affectedPercent',
    'promiseDays',
    'delayDays',
    'durationMinutes',
    'timeShiftHours',
    'rate',
  ],
  failed_delivery_spike: [
    'warehouseId',
    'siteTimeZone',
    'carrier',
    'orders',
    'affectedPercent',
    'promiseDays',
    'durationMinutes',
    'timeShiftHours',
    'rate',
  ],
};

/**
 * One scenario of the library: data, validated at start (server/drills/library.ts). Besides the
 * field rules, a scenario must declare exactly its generator's parameters, each default inside
 * its own min..max and those inside {@link DRILL_PARAMETER_BOUNDS}, and valid text defaults.
 */
export const scenarioDefinitionSchema = z
  .strictObject({
    id: scenarioIdSchema,
    name: shortText(80),
    description: shortText(1000),
    /**
     * The hypothesis in plain words; `{name}` placeholders are filled with parameter values and
     * `{expected.<checkId>}` with a check's expected figure ("late deliveries rise by about
     * {expected.late}; real KPIs do not move").
     */
    hypothesis: shortText(1000),
    generator: z.enum(DRILL_GENERATORS),
    parameters: z.strictObject(parameterSpecsShape),
    checks: z.array(scenarioCheckSchema).min(1).max(20),
  })
  .superRefine((s, ctx) => {
    const needed = GENERATOR_PARAMETERS[s.generator];
    for (const name of DRILL_PARAMETER_NAMES) {
      const spec = s.parameters[name];
      if (needed.includes(name) && !spec)
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', name],
          message: `generator ${s.generator} needs parameter ${name}`,
          params: { rule: 'required_parameter' },
        });
      if (!needed.includes(name) && spec)
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', name],
          message: `generator ${s.generator} has no parameter ${name}`,
          params: { rule: 'unknown_parameter' },
        });
      if (!spec) continue;
      const value = parameterValueSchema(name).safeParse(spec.default);
      if (!value.success)
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', name, 'default'],
          message: value.error.issues[0]?.message ?? 'invalid',
          params: { rule: 'parameter_default' },
        });
      if ('min' in spec) {
        const bounds = DRILL_PARAMETER_BOUNDS[name as keyof typeof DRILL_PARAMETER_BOUNDS];
        if (spec.min > spec.max || spec.min < bounds.min || spec.max > bounds.max)
          ctx.addIssue({
            code: 'custom',
            path: ['parameters', name],
            message: `min..max must be a range inside ${bounds.min}..${bounds.max}`,
            params: { rule: 'parameter_limits' },
          });
        if (spec.default < spec.min || spec.default > spec.max)
          ctx.addIssue({
            code: 'custom',
            path: ['parameters', name, 'default'],
            message: `must be within ${spec.min}..${spec.max}`,
            params: { rule: 'parameter_default' },
          });
      }
    }
    const ids = new Set<string>();
    s.checks.forEach((c, i) => {
      if (ids.has(c.id))
        ctx.addIssue({
          code: 'custom',
          path: ['checks', i, 'id'],
          message: `check id ${c.id} is used twice`,
          params: { rule: 'unique' },
        });
      ids.add(c.id);
      if ('share' in c.expected && c.expected.share && !needed.includes('affectedPercent'))
        ctx.addIssue({
          code: 'custom',
          path: ['checks', i, 'expected', 'share'],
          message: `generator ${s.generator} has no affectedPercent`,
          params: { rule: 'unknown_parameter' },
        });
    });
  });
export type ScenarioDefinition = z.infer<typeof scenarioDefinitionSchema>;

/** A scenario library file: `{ "scenarios": [...] }` (the built-in one, or a site's own). */
export const scenarioLibraryFileSchema = z.strictObject({
  scenarios: z.array(scenarioDefinitionSchema).max(200),
});
export type ScenarioLibraryFile = z.infer<typeof scenarioLibraryFileSchema>;

/** The schema of one parameter's value (its kind), before the scenario's own limits. */
export function parameterValueSchema(name: DrillParameterName): z.ZodType<string | number> {
  const kind = DRILL_PARAMETER_KINDS[name].kind;
  if (kind === 'entityId') return entityIdSchema;
  if (kind === 'timeZone') return timeZoneSchema;
  if (kind === 'text') return shortText(64);
  return z.number().int();
}

/** Parameter values of a run: every parameter of its scenario, defaults filled in. */
export const drillParametersSchema = z.strictObject({
  warehouseId: entityIdSchema.optional(),
  siteTimeZone: timeZoneSchema.optional(),
  carrier: shortText(64).optional(),
  orders: z.number().int().optional(),
  affectedPercent: z.number().int().optional(),
  promiseDays: z.number().int().optional(),
  delayDays: z.number().int().optional(),
  durationMinutes: z.number().int().optional(),
  timeShiftHours: z.number().int().optional(),
  rate: z.number().int().optional(),
});
export type DrillParameters = z.infer<typeof drillParametersSchema>;

/** A scenario's parameters, all set (what a generator receives). */
export type ResolvedDrillParameters = Required<DrillParameters>;

/**
 * Fills a scenario's defaults into `given` and checks each value against the scenario's limits.
 * @returns the parameters, or the issues (field `parameters.<name>`, rule `min`/`max`/`unknown_parameter`)
 */
export function resolveParameters(
  scenario: ScenarioDefinition,
  given: DrillParameters,
):
  | { ok: true; parameters: DrillParameters }
  | { ok: false; issues: { field: string; rule: string; message: string }[] } {
  const issues: { field: string; rule: string; message: string }[] = [];
  const out: Record<string, string | number> = {};
  for (const name of DRILL_PARAMETER_NAMES) {
    const spec = scenario.parameters[name];
    const value = given[name];
    if (!spec) {
      if (value !== undefined)
        issues.push({
          field: `parameters.${name}`,
          rule: 'unknown_parameter',
          message: `scenario ${scenario.id} has no parameter ${name}`,
        });
      continue;
    }
    const v = value ?? spec.default;
    if ('min' in spec && typeof v === 'number') {
      if (v < spec.min)
        issues.push({
          field: `parameters.${name}`,
          rule: 'min',
          message: `${spec.label} must be at least ${spec.min}`,
        });
      if (v > spec.max)
        issues.push({
          field: `parameters.${name}`,
          rule: 'max',
          message: `${spec.label} must be at most ${spec.max}`,
        });
    }
    out[name] = v;
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, parameters: out };
}

/**
 * Every issue of a request's raw `parameters` against a scenario, in one list: each value of a
 * known parameter checked for its kind ({@link parameterValueSchema}), and the values of the right
 * kind against the scenario (`unknown_parameter`, `min`, `max`: {@link resolveParameters}). The
 * API adds these to a request refused by its schema for other fields, so a caller sees every
 * problem at once instead of one round per kind of check (QA). Names the schema does not know
 * (`parameters.foo`) are left to the schema's own `unrecognized_keys` issue.
 * @param scenario the scenario the request names
 * @param given the request's `parameters` as sent (any JSON value; not an object: no issues here)
 * @returns issues with field `parameters.<name>`, in parameter order
 */
export function drillParameterIssues(
  scenario: ScenarioDefinition,
  given: unknown,
): { field: string; rule: string; message: string }[] {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return [];
  const raw = given as Record<string, unknown>;
  const issues: { field: string; rule: string; message: string }[] = [];
  const ofRightKind: Record<string, string | number> = {};
  for (const name of DRILL_PARAMETER_NAMES) {
    if (!(name in raw)) continue;
    const parsed = parameterValueSchema(name).safeParse(raw[name]);
    if (parsed.success) ofRightKind[name] = parsed.data;
    else
      issues.push(
        ...toFieldIssues(parsed.error).map((i) => ({
          ...i,
          field: i.field === '(root)' ? `parameters.${name}` : `parameters.${name}.${i.field}`,
        })),
      );
  }
  const resolved = resolveParameters(scenario, ofRightKind);
  if (!resolved.ok) issues.push(...resolved.issues);
  const order = (field: string) => DRILL_PARAMETER_NAMES.indexOf(field.split('.')[1] as DrillParameterName);
  return issues.sort((a, b) => order(a.field) - order(b.field));
}

/** The expected figure of a check for given parameters (see {@link expectedFigureSchema}). */
export function expectedFigure(expected: ExpectedFigure, p: DrillParameters): number {
  if ('value' in expected) return expected.value;
  const orders = p.orders ?? 0;
  const affected = affectedCount(orders, p.affectedPercent ?? 100);
  const base =
    expected.share === 'affected' ? affected : expected.share === 'unaffected' ? orders - affected : orders;
  return Math.max(0, Math.round(base * expected.factor) + expected.offset);
}

/**
 * How many of `orders` a share of `percent` hits: the generators and the checks use this one
 * rounding (half up), so the expected figure and the generated events agree exactly.
 */
export function affectedCount(orders: number, percent: number): number {
  return Math.floor((orders * percent) / 100 + 0.5);
}

// ---------------------------------------------------------------------------------------------
// API shapes: scenarios, preview, runs, checks
// ---------------------------------------------------------------------------------------------

/** `GET /api/drills/scenarios` answer: the library (built-in and the site's own), in order. */
export const scenarioListSchema = z.object({
  scenarios: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      hypothesis: z.string(),
      generator: z.enum(DRILL_GENERATORS),
      /** Where the scenario comes from: the built-in library or the site's file (SCT_DRILL_SCENARIOS). */
      origin: z.enum(['built-in', 'site']),
      parameters: z.array(
        z.object({
          name: z.enum(DRILL_PARAMETER_NAMES),
          kind: z.enum(['entityId', 'timeZone', 'text', 'integer']),
          unit: z.enum(DRILL_PARAMETER_UNITS).nullable(),
          label: z.string(),
          help: z.string().nullable(),
          default: z.union([z.string(), z.number()]),
          min: z.number().nullable(),
          max: z.number().nullable(),
          suggestions: z.array(z.string()),
        }),
      ),
      checks: z.array(z.object({ id: z.string(), label: z.string(), metric: z.enum(DRILL_METRICS) })),
    }),
  ),
});
export type ScenarioList = z.infer<typeof scenarioListSchema>;
export type ScenarioSummary = ScenarioList['scenarios'][number];

/** Halt conditions of a run (defaults: any service down or a worker not consuming, lag over 30 s or 100,000 events). */
export const haltConditionsSchema = z.strictObject({
  /** Halt when a worker's consumer lag (seconds behind, DESIGN "lag") passes this; 1..3600. */
  maxLagSeconds: z.number().int().min(1).max(3_600).default(30),
  /** Halt when a worker's consumer lag in events passes this; 1..10,000,000. */
  maxLagEvents: z.number().int().min(1).max(10_000_000).default(100_000),
  /** Halt when Kafka, PostgreSQL or Redis is down or a worker is not running/consuming. */
  onUnhealthy: z.boolean().default(true),
});
export type HaltConditions = z.infer<typeof haltConditionsSchema>;

/** `POST /api/drills/preview` body, and the base of the start body. */
export const drillPreviewRequestSchema = z.strictObject({
  scenarioId: scenarioIdSchema,
  parameters: drillParametersSchema.default({}),
  /** Seed of the generator (same seed and parameters = same events); absent = 1. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  /** How many events to show in full (0..50). */
  sample: z.number().int().min(0).max(50).default(10),
});
export type DrillPreviewRequest = z.infer<typeof drillPreviewRequestSchema>;

/** One expected-outcome figure (preview) or one evaluated check (run). */
export const expectedOutcomeSchema = z.object({
  checkId: z.string(),
  label: z.string(),
  metric: z.string(),
  expected: z.number(),
  /** Allowed distance: |actual - expected| <= tolerance. */
  tolerance: z.number(),
});
export type ExpectedOutcome = z.infer<typeof expectedOutcomeSchema>;

/** The entities a drill creates (ids), with how many of each. */
export const drillEntitiesSchema = z.object({
  orders: z.number().int(),
  shipments: z.number().int(),
  /** The first few ids of each, for the console. */
  orderIds: z.array(z.string()),
  shipmentIds: z.array(z.string()),
  warehouseId: z.string().nullable(),
  carrier: z.string().nullable(),
});

/**
 * `POST /api/drills/preview` answer: what the scenario will inject (nothing is sent). The events
 * shown are the ones the run will send if started with the same scenario, parameters and seed
 * (their ids and times differ: those derive from the run's id and start time).
 */
export const drillPreviewSchema = z.object({
  scenarioId: z.string(),
  parameters: drillParametersSchema,
  seed: z.number().int(),
  /** Hypothesis with the parameters and expected figures filled in. */
  hypothesis: z.string(),
  totalEvents: z.number().int(),
  /** Events per CloudEvents type. */
  countsByType: z.record(z.string(), z.number().int()),
  entities: drillEntitiesSchema,
  /** First events in full (CloudEvents, as they will be sent). */
  firstEvents: z.array(
    z.custom<SupplyChainEvent>().meta({ description: 'a CloudEvent (contracts/events.ts)' }),
  ),
  /** Event-time span of the drill's events (RFC 3339 UTC). */
  eventTimeFrom: z.string().nullable(),
  eventTimeTo: z.string().nullable(),
  /** How long the run takes at the chosen rate (ms). */
  estimatedDurationMs: z.number(),
  expectedOutcome: z.array(expectedOutcomeSchema),
});
export type DrillPreview = z.infer<typeof drillPreviewSchema>;

/** `POST /api/drills/runs` body: the preview's request plus halt conditions and a note. */
export const drillStartRequestSchema = z.strictObject({
  scenarioId: scenarioIdSchema,
  parameters: drillParametersSchema.default({}),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  halt: haltConditionsSchema.default({ maxLagSeconds: 30, maxLagEvents: 100_000, onUnhealthy: true }),
  /** The operator's note for the report (why this drill, who watches). */
  note: plainText(z.string().trim().max(2000)).optional(),
});
export type DrillStartRequest = z.infer<typeof drillStartRequestSchema>;

/**
 * Run states:
 * - `running`: sending; `paused`: stopped by the operator, can resume;
 * - `interrupted`: the main process ended mid-run (crash, restart); can resume or stop;
 * - `completed`: every event sent, checks evaluated; `stopped`: stopped by the operator;
 * - `halted`: stopped by a halt condition (`haltReason` says which); it can be resumed once the
 *   outage or lag is over (its checks are evaluated again at its new end); `failed`: an error it
 *   could not recover from (`error` says which). The last four are final (ended, checks evaluated);
 *   only `halted` can be resumed.
 */
export const DRILL_RUN_STATES = [
  'running',
  'paused',
  'interrupted',
  'completed',
  'stopped',
  'halted',
  'failed',
] as const;
export type DrillRunState = (typeof DRILL_RUN_STATES)[number];
/** States in which a run has ended and has its checks (`halted` alone can be resumed). */
export const FINAL_DRILL_RUN_STATES: readonly DrillRunState[] = ['completed', 'stopped', 'halted', 'failed'];

/** Progress of a run. */
export const drillProgressSchema = z.object({
  /** Events acknowledged by Kafka (acks=all) of `total`. */
  sent: z.number().int(),
  total: z.number().int(),
  /** Sending rate over the last seconds (events/s); 0 when not running. */
  rate: z.number(),
  /** Time spent running, pauses excluded (ms). */
  elapsedMs: z.number(),
  /** Time left at the chosen rate (ms); 0 when done. */
  remainingMs: z.number(),
});
export type DrillProgress = z.infer<typeof drillProgressSchema>;

/** The outcome of one check: the figures and whether it passed. */
export const drillCheckResultSchema = z.object({
  checkId: z.string(),
  label: z.string(),
  metric: z.string(),
  expected: z.number(),
  actual: z.number(),
  tolerance: z.number(),
  passed: z.boolean(),
  /** For `real_kpis_unchanged`: each real KPI figure before and after. */
  figures: z
    .record(z.string(), z.object({ before: z.number().nullable(), after: z.number().nullable() }))
    .optional(),
  detail: z.string().optional(),
});
export type DrillCheckResult = z.infer<typeof drillCheckResultSchema>;

/** The id of the check every run gets: real KPIs (drills excluded) equal before and after. */
export const REAL_KPIS_CHECK_ID = 'real_kpis_unchanged';

/** One entry of a run's timeline (for the report). */
export const drillRunEventSchema = z.object({
  at: z.string(),
  kind: z.enum([
    'started',
    'paused',
    'resumed',
    'interrupted',
    'halted',
    'stopped',
    'completed',
    'failed',
    'checked',
    /** An operator's note (`detail` is its text): every note saved is kept here. */
    'note',
    /**
     * The drill was purged (`operator` asked for it, `detail` is the reason). Not stored with the
     * run: the report adds it from the purge's record ({@link drillReportSchema} `purged`).
     */
    'purged',
  ]),
  operator: z.string().nullable(),
  /** Events sent when it happened. */
  sent: z.number().int(),
  detail: z.string().nullable(),
});
export type DrillRunEvent = z.infer<typeof drillRunEventSchema>;

/** A run, as `GET /api/drills/runs/:id` and the list answer it. */
export const drillRunSchema = z.object({
  id: z.uuid(),
  /** The CloudEvents `drillid` of every event of the run. */
  drillId: z.string(),
  scenarioId: z.string(),
  scenarioName: z.string(),
  hypothesis: z.string(),
  parameters: drillParametersSchema,
  seed: z.number().int(),
  halt: haltConditionsSchema,
  state: z.enum(DRILL_RUN_STATES),
  progress: drillProgressSchema,
  startedBy: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** Why a halt condition stopped it (`halted`). */
  haltReason: z.string().nullable(),
  /** What failed (`failed`), or the last recoverable error while running. */
  error: z.string().nullable(),
  note: z.string().nullable(),
  /** Check results once the run ended (`completed`, `stopped`, `halted`); null before. */
  checks: z.array(drillCheckResultSchema).nullable(),
  /** True when every check passed; null before the checks. */
  passed: z.boolean().nullable(),
});
export type DrillRun = z.infer<typeof drillRunSchema>;

/** `GET /api/drills/runs` query. */
export const drillRunListQuerySchema = z.strictObject({
  state: z.enum([...DRILL_RUN_STATES, 'active']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type DrillRunListQuery = z.infer<typeof drillRunListQuerySchema>;

/** `GET /api/drills/runs` answer, newest first. */
export const drillRunPageSchema = z.object({
  items: z.array(drillRunSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type DrillRunPage = z.infer<typeof drillRunPageSchema>;

/** Path of a run route. */
export const drillRunParamsSchema = z.strictObject({ id: z.uuid() });

/**
 * `POST /api/drills/runs/:id/pause|resume|stop` body: an optional reason (audited). The body is
 * optional too: none (or JSON `null`) is the same as `{}`.
 */
export const drillActionSchema = z
  .strictObject({ reason: plainText(z.string().trim().max(500)).optional() })
  .nullish();

/**
 * The purge of a run's drill (contracts/drill-purge.ts): when it was first requested, by whom and
 * why. From the successful `drills.purge` audit row, or, without one, from the workers' record of
 * applying it (`drill_purges_applied`: the operator named on the control record, no reason).
 */
export const drillRunPurgeSchema = z.object({
  at: z.string(),
  operator: z.string(),
  reason: z.string().nullable(),
});
export type DrillRunPurge = z.infer<typeof drillRunPurgeSchema>;

/**
 * `GET /api/drills/runs/:id/report` answer: everything the drill report shows: the run, the
 * scenario as it was when the run started, the entities, the timeline, the checks and the notes.
 * Once the drill was purged, `purged` says when, by whom and why, and the timeline holds a
 * `purged` entry at that time (a purged drill cannot be resumed; purging again changes nothing).
 */
export const drillReportSchema = z.object({
  run: drillRunSchema,
  scenario: z.object({ id: z.string(), name: z.string(), description: z.string(), generator: z.string() }),
  countsByType: z.record(z.string(), z.number().int()),
  entities: drillEntitiesSchema,
  expectedOutcome: z.array(expectedOutcomeSchema),
  timeline: z.array(drillRunEventSchema),
  /** The purge of the run's drill, or null while it was not purged. */
  purged: drillRunPurgeSchema.nullable(),
  generatedAt: z.string(),
});
export type DrillReport = z.infer<typeof drillReportSchema>;

/** A run's event time anchor is its start plus `timeShiftHours`; validated as an instant. */
export const drillAnchorSchema = instantSchema;

/**
 * `POST /api/drills/runs/:id/note` body: a note of 1..2000 characters (not blank). The run keeps
 * the latest as its `note` and every note saved in its timeline (kind `note`, with operator and
 * time), so an edit never loses an earlier one.
 */
export const drillNoteSchema = z.strictObject({
  note: plainText(z.string().trim().min(1, 'must not be blank').max(2000)),
});
