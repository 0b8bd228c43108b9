/**
 * The `npm run import:tracking` command without its process wiring: argument rules, help text,
 * the order of steps (every file read and every tracking mapped before Kafka is touched) and the
 * one-line error messages with their exit codes. scripts/import-tracking.ts connects it to Kafka.
 *
 * Exit codes: 0 ok, 2 bad arguments, input files or refused timestamps, 3 Kafka unreachable,
 * 1 anything else. Alerts (unmapped carrier codes) do not change the exit code: their events are
 * published as exceptions for a person to look at, and the summary lists them.
 */
import { timeZoneSchema, type SupplyChainEvent } from '../../contracts';
import { ConfigError, loadConfig, type AppConfig } from '../../runtime/config';
import {
  parseCli,
  UsageError,
  usageErrorText,
  wholeNumberOption,
  type CliDefinition,
  type OptionSpec,
} from '../cli';
import { describeKafkaFailure } from '../olist/cli';
import {
  DEFAULT_TRACKING_BATCH_SIZE,
  formatTrackingSummary,
  importTrackings,
  MAX_TRACKING_BATCH_SIZE,
  TrackingRefusedError,
  type TrackingImportProgress,
} from './import';
import { loadAfterShipInputs, TrackingInputError, type SourcedTracking } from './read';

export const TRACKING_USAGE =
  'usage: npm run import:tracking -- <file or folder> [...] [--zone <IANA zone>] [--batch-size <N>] [--help]';

export const TRACKING_HELP = `${TRACKING_USAGE}

Imports carrier tracking responses in AfterShip's v3/v4 format ({meta, data: {tracking}} or
{meta, data: {trackings: [...]}}; a folder means its *.json files) as shipment events: created,
one checkpoint / exception / delivered event per carrier checkpoint, and the ETA. Each AfterShip
tag and subtag maps to a normalized status (scripts/tracking/status-map.ts); the carrier's own
code and message stay on the event. A code the table cannot map is an ALERT: listed in the
summary and published as a shipment exception (reason UNMAPPED_CARRIER_CODE), never a silent
in_transit.

Times: a timestamp with a UTC offset keeps its instant. One without an offset is read in the
checkpoint's zone (its country, or its US state), else in the shipment's zone (--zone, else the
destination's). When neither is known the timestamp is refused, naming the file and field, and
nothing is published.

options:
  --zone <zone>       IANA zone of zone-less carrier times whose location names none
  --batch-size <N>    events per Kafka request, 1 to ${MAX_TRACKING_BATCH_SIZE} (default ${DEFAULT_TRACKING_BATCH_SIZE})
  -h, --help          show this help

Re-running: event ids derive from the source, so a re-import changes nothing.
environment: KAFKA_BROKERS (default 127.0.0.1:9092), SCT_TOPIC_PREFIX (default sct).
exit codes: 0 ok, 2 bad arguments, input or refused timestamps, 3 Kafka unreachable, 1 anything else.
`;

const TRACKING_CLI = {
  name: 'import:tracking',
  usage: TRACKING_USAGE,
  help: TRACKING_HELP,
  options: { zone: { type: 'string' }, 'batch-size': { type: 'string' } },
  positionals: true,
} satisfies CliDefinition<OptionSpec>;

export interface TrackingArgs {
  paths: string[];
  zone: string | undefined;
  batchSize: number;
}

/**
 * Validates the command line.
 * @returns the arguments, or 'help'
 * @throws UsageError naming the option and its rule
 */
export function parseTrackingArgs(argv: readonly string[]): TrackingArgs | 'help' {
  const parsed = parseCli(argv, TRACKING_CLI);
  if (parsed.help) return 'help';
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError('give at least one AfterShip response file or folder');
  let zone: string | undefined;
  if (values.zone !== undefined) {
    const tz = timeZoneSchema.safeParse(values.zone);
    if (!tz.success)
      throw new UsageError(`--zone must be an IANA time zone name; got ${JSON.stringify(values.zone)}`);
    zone = tz.data;
  }
  return {
    paths: positionals,
    zone,
    batchSize:
      values['batch-size'] === undefined
        ? DEFAULT_TRACKING_BATCH_SIZE
        : wholeNumberOption('batch-size', values['batch-size'], 1, MAX_TRACKING_BATCH_SIZE),
  };
}

/** A connected publisher. */
export interface TrackingKafkaConnection {
  target: string;
  publish(events: SupplyChainEvent[]): Promise<unknown>;
  close(): Promise<void>;
}

export interface TrackingCliDeps {
  env?: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Called only after every tracking was read and mapped. */
  connect(config: AppConfig): Promise<TrackingKafkaConnection>;
  progress?: (p: TrackingImportProgress) => void;
}

/**
 * Runs the command: summary to stdout, progress and errors to stderr.
 * @returns the exit code
 */
export async function runTrackingCli(argv: readonly string[], deps: TrackingCliDeps): Promise<number> {
  const fail = (code: number, message: string) => {
    deps.stderr(`import:tracking: ${message}\n`);
    return code;
  };
  let args: TrackingArgs | 'help';
  let config: AppConfig;
  let trackings: SourcedTracking[];
  try {
    args = parseTrackingArgs(argv);
    if (args === 'help') {
      deps.stdout(TRACKING_HELP);
      return 0;
    }
    config = loadConfig(deps.env ?? process.env);
    trackings = await loadAfterShipInputs(args.paths);
  } catch (err) {
    if (err instanceof UsageError) {
      deps.stderr(usageErrorText(TRACKING_CLI, err));
      return 2;
    }
    if (err instanceof ConfigError || err instanceof TrackingInputError) return fail(2, err.message);
    throw err;
  }
  // Connect lazily: the import maps every tracking first, and refuses before the first publish.
  let connection: TrackingKafkaConnection | null = null;
  const cfg = config;
  try {
    const summary = await importTrackings({
      trackings,
      zone: args.zone,
      batchSize: args.batchSize,
      onProgress: deps.progress,
      publish: async (events) => {
        if (!connection) {
          connection = await deps.connect(cfg);
          deps.stderr(`read ${trackings.length} trackings; publishing to ${connection.target}\n`);
        }
        return connection.publish(events);
      },
    });
    deps.stdout(`${formatTrackingSummary(summary)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof TrackingRefusedError) return fail(2, err.message);
    const kafka = describeKafkaFailure(err, config.kafkaBrokers, args.batchSize);
    if (kafka) return fail(kafka.exitCode, kafka.message);
    throw err;
  } finally {
    // Assigned inside the publish callback, which TypeScript's narrowing does not see.
    await (connection as TrackingKafkaConnection | null)?.close().catch(() => undefined);
  }
}
