/**
 * The benchmark's command line: its phases, options with their defaults, and the help text,
 * parsed with the scripts' shared parser (scripts/cli.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseCli, UsageError, wholeNumberOption, type CliDefinition, type OptionSpec } from '../cli';

/** The phases in the order they run (`--phases` picks some). */
export const PHASES = [
  'limits',
  'naive',
  'e2e',
  'queries',
  'latency',
  'replay',
  'scaleout',
  'drain',
  'scale',
  'drill',
  'ui',
] as const;
export type Phase = (typeof PHASES)[number];

/**
 * The phases a run without `--phases` measures: all but `scale` (about 100,000 and 1,000,000
 * orders, 15 to 25 minutes; opt-in with `--phases scale`) and `drill` (the Olist sample loaded,
 * then two latency windows: about 4 to 6 minutes; opt-in with `--phases drill`).
 */
export const OPT_IN_PHASES: readonly Phase[] = ['scale', 'drill'];
export const DEFAULT_PHASES: readonly Phase[] = PHASES.filter((p) => !OPT_IN_PHASES.includes(p));

/** What one run measures and how; written as given into the result JSON (`options`). */
export interface Options {
  events: number;
  naive: number;
  limitMessages: number;
  concurrency: number;
  latencySeconds: number;
  latencyRate: number;
  olist: string;
  phases: Set<Phase>;
  profile: boolean;
  /** Extra NODE_OPTIONS for the main process and the workers (experiments). */
  nodeOptions: string;
  /** Orders loaded for the `ui` phase (Chromium against the console). */
  uiOrders: number;
  /**
   * SQL copies (`npm run data:scale`) that make up `uiOrders`: uiOrders / (uiCopies + 1) orders go
   * through the pipeline, the rest are re-keyed copies of them; 0 = all through the pipeline.
   */
  uiCopies: number;
  /** Length of the dashboard's event burst in the `ui` phase (s, at `latencyRate` events/s). */
  uiBurstSeconds: number;
  /** Folder for the `ui` phase's screenshots of the orders page (none when absent). */
  uiShots: string | null;
  /**
   * Root whose built `out/` (main process, workers) and `db/migrations` the pipeline runs from:
   * this repo by default; a scratch copy with a candidate change to measure it (experiments).
   */
  pipelineRoot: string;
  /** Phase `drill`: length of each real-traffic window (s), without and during the drill. */
  drillSeconds: number;
  /** Phase `drill`: the drill's sending rate (events/s). */
  drillRate: number;
  /** Phase `drill`: real traffic's offered rate in both windows (events/s). */
  drillRealRate: number;
  /** Phase `drill`: Olist events loaded first (repeating the sample as needed); null = the sample once. */
  drillLoadEvents: number | null;
}

const USAGE_LINE = 'Usage: npm run bench [-- options]   (or: npx tsx scripts/bench/bench.ts [options])';

/** The command line of `npm run bench` for the shared parser; `--help` prints `help`. */
export const BENCH_CLI = {
  name: 'bench',
  usage: `${USAGE_LINE}; --help lists the options`,
  help: `${USAGE_LINE}
  --events N            events end to end (200000)
  --naive N             events for the naive baseline (5000)
  --limit-messages N    messages for the Kafka limits (100000)
  --concurrency N       API requests in flight end to end (4)
  --latency-seconds S   length of the latency run (30)
  --latency-rate N      offered events/s in the latency run (1000)
  --olist DIR           Olist CSV folder (../shared/data/olist)
  --phases LIST         comma-separated: ${PHASES.join(',')}
                        (default: all but scale and drill; scale = query p95 at 100,000 and
                        1,000,000 orders; drill = a drill at 1,000 events/s over the Olist data)
  --ui-orders N         orders loaded for the ui phase (100000)
  --ui-copies N         of those, SQL copies of the ones loaded through the pipeline (9)
  --ui-burst-seconds S  length of the dashboard's burst at --latency-rate events/s (20)
  --ui-shots DIR        save the ui phase's screenshots of the orders page there
  --drill-seconds S     drill phase: each real-traffic window (30)
  --drill-rate N        drill phase: the drill's rate in events/s (1000)
  --drill-real-rate N   drill phase: real traffic in events/s (200)
  --drill-load-events N drill phase: Olist events loaded first (the sample once)
  --profile             CPU profiles and round trips per process (slower figures)
  --node-options FLAGS  extra NODE_OPTIONS for the main process and workers
  --pipeline-root DIR   run the main process and workers built in DIR/out
  --help, -h            this text`,
  options: {
    events: { type: 'string' },
    naive: { type: 'string' },
    'limit-messages': { type: 'string' },
    concurrency: { type: 'string' },
    'latency-seconds': { type: 'string' },
    'latency-rate': { type: 'string' },
    olist: { type: 'string' },
    phases: { type: 'string' },
    'ui-orders': { type: 'string' },
    'ui-copies': { type: 'string' },
    'ui-burst-seconds': { type: 'string' },
    'ui-shots': { type: 'string' },
    'drill-seconds': { type: 'string' },
    'drill-rate': { type: 'string' },
    'drill-real-rate': { type: 'string' },
    'drill-load-events': { type: 'string' },
    profile: { type: 'boolean' },
    'node-options': { type: 'string' },
    'pipeline-root': { type: 'string' },
  },
} satisfies CliDefinition<OptionSpec>;

/**
 * Parses the benchmark's options; `repoRoot` gives the defaults of `--olist` and
 * `--pipeline-root`. Folders are resolved against the working directory.
 * @returns the options, or 'help' for `--help` / `-h`
 * @throws UsageError naming the option and its rule (also for a folder that does not exist)
 */
export function parseOptions(argv: readonly string[], repoRoot: string): Options | 'help' {
  const parsed = parseCli(argv, BENCH_CLI);
  if (parsed.help) return 'help';
  const { values } = parsed;
  const count = (name: keyof typeof values & string, fallback: number): number => {
    const text = values[name];
    return typeof text === 'string' ? wholeNumberOption(name, text, 1) : fallback;
  };
  const o: Options = {
    events: count('events', 200_000),
    naive: count('naive', 5_000),
    limitMessages: count('limit-messages', 100_000),
    concurrency: count('concurrency', 4),
    latencySeconds: count('latency-seconds', 30),
    latencyRate: count('latency-rate', 1_000),
    olist:
      values.olist === undefined
        ? path.resolve(repoRoot, '..', 'shared', 'data', 'olist')
        : path.resolve(values.olist),
    phases: values.phases === undefined ? new Set(DEFAULT_PHASES) : parsePhases(values.phases),
    uiOrders: count('ui-orders', 100_000),
    uiCopies: values['ui-copies'] === undefined ? 9 : wholeNumberOption('ui-copies', values['ui-copies'], 0),
    uiBurstSeconds: count('ui-burst-seconds', 20),
    uiShots: values['ui-shots'] === undefined ? null : path.resolve(values['ui-shots']),
    profile: values.profile === true,
    nodeOptions: values['node-options'] ?? '',
    pipelineRoot: values['pipeline-root'] === undefined ? repoRoot : path.resolve(values['pipeline-root']),
    drillSeconds: count('drill-seconds', 30),
    drillRate: count('drill-rate', 1_000),
    drillRealRate: count('drill-real-rate', 200),
    drillLoadEvents: values['drill-load-events'] === undefined ? null : count('drill-load-events', 1),
  };
  if (o.drillRate > 5_000) throw new UsageError("--drill-rate: at most 5000 (a drill's rate limit)");
  if (!existsSync(o.olist)) throw new UsageError(`--olist: no such folder ${o.olist}`);
  if (!existsSync(o.pipelineRoot)) throw new UsageError(`--pipeline-root: no such folder ${o.pipelineRoot}`);
  return o;
}

/** `limits, e2e` -> the set of phases; unknown names are a UsageError listing the known ones. */
function parsePhases(text: string): Set<Phase> {
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (list.length === 0) throw new UsageError('--phases needs at least one phase');
  const bad = list.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (bad.length > 0) throw new UsageError(`unknown phase ${bad.join(', ')} (phases: ${PHASES.join(', ')})`);
  return new Set(list as Phase[]);
}
