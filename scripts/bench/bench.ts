/**
 * `npm run bench`: pipeline throughput and latency against this machine's limits, in one run
 * (issue 4). Everything runs on the local stack in isolated databases and topic prefixes that the
 * run creates and removes. Prints one table (metric, value, unit, ratio to limit or baseline) and
 * which targets hold, and writes the same as JSON under bench-results/. Exit code 0 when every
 * figure was measured (targets may be missed: it reports, it does not judge), 1 when something
 * could not be measured, 2 on bad options.
 *
 * Options (`--help` prints them): --events N (200000) --naive N (5000) --limit-messages N (100000) --concurrency N (4)
 *   --latency-seconds S (30) --latency-rate N (1000) --olist DIR (../shared/data/olist)
 *   --phases limits,naive,e2e,queries,latency,replay,scaleout,drain (all) --profile
 *   --node-options "<flags>" (extra NODE_OPTIONS for the main process and workers, for experiments)
 *   --pipeline-root DIR (run the main process and workers built in DIR/out, e.g. a scratch copy
 *   holding a candidate change; the replay phase always runs this repo's code)
 * `--profile` preloads scripts/bench/profile-preload.cjs into the main process and every worker:
 * CPU profiles and PostgreSQL round-trip counts land in the run's folder (figures get slower).
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { TOPIC_PARTITIONS } from '../../contracts';
import { loadConfig, type AppConfig } from '../../runtime/config';
import { createPool, findRepoRoot, migrate, migrationsDir } from '../../runtime/db';
import { createKafka } from '../../runtime/kafka';
import { createLogger } from '../../runtime/logger';
import { dropReplaySchema, replayIntoFreshSchema } from '../replay/replay';
import { Cleanup } from './cleanup';
import { buildDataset, type Dataset } from './dataset';
import { Deployment, WORKERS } from './deployment';
import { DrainSource, runDrain, type DrainResult } from './drain';
import { counterDelta, pgCounters, runEndToEnd, type EndToEndResult, type PgCounters } from './e2e';
import { runLatency, type LatencyResult } from './latency';
import {
  consumeRate,
  kafkaMessagesOf,
  orderRowsOf,
  pgUpsertRate,
  produceRate,
  type RateResult,
} from './limits';
import { naiveRate } from './naive';
import {
  childrenOf,
  cmdlineOf,
  cpuDelta,
  cpuSnapshot,
  kafkaBrokerPid,
  MemoryWatcher,
  workerNameOf,
  type CpuUse,
} from './procstat';
import { runQueries, type QueryResult } from './queries';
import { formatTable, formatTargets, type Metric, type Target } from './report';
import { distribution, round } from './stats';

const PHASES = ['limits', 'naive', 'e2e', 'queries', 'latency', 'replay', 'scaleout', 'drain'] as const;
type Phase = (typeof PHASES)[number];

interface Options {
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
  /**
   * Root whose built `out/` (main process, workers) and `db/migrations` the pipeline runs from:
   * this repo by default; a scratch copy with a candidate change to measure it (experiments).
   */
  pipelineRoot: string;
}

const repoRoot = findRepoRoot(__dirname);

const USAGE = `Usage: npm run bench [-- options]   (or: npx tsx scripts/bench/bench.ts [options])
  --events N            events end to end (200000)
  --naive N             events for the naive baseline (5000)
  --limit-messages N    messages for the Kafka limits (100000)
  --concurrency N       API requests in flight end to end (4)
  --latency-seconds S   length of the latency run (30)
  --latency-rate N      offered events/s in the latency run (1000)
  --olist DIR           Olist CSV folder (../shared/data/olist)
  --phases LIST         comma-separated: ${PHASES.join(',')} (all)
  --profile             CPU profiles and round trips per process (slower figures)
  --node-options FLAGS  extra NODE_OPTIONS for the main process and workers
  --pipeline-root DIR   run the main process and workers built in DIR/out
  --help, -h            this text`;

/** Thrown for --help: print the usage, exit 0. */
class HelpRequested extends Error {}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    events: 200_000,
    naive: 5_000,
    limitMessages: 100_000,
    concurrency: 4,
    latencySeconds: 30,
    latencyRate: 1_000,
    olist: path.resolve(repoRoot, '..', 'shared', 'data', 'olist'),
    phases: new Set(PHASES),
    profile: false,
    nodeOptions: '',
    pipelineRoot: repoRoot,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const int = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${arg} needs a positive whole number`);
      return n;
    };
    if (arg === '--help' || arg === '-h') throw new HelpRequested();
    else if (arg === '--events') o.events = int();
    else if (arg === '--naive') o.naive = int();
    else if (arg === '--limit-messages') o.limitMessages = int();
    else if (arg === '--concurrency') o.concurrency = int();
    else if (arg === '--latency-seconds') o.latencySeconds = int();
    else if (arg === '--latency-rate') o.latencyRate = int();
    else if (arg === '--olist') o.olist = path.resolve(value());
    else if (arg === '--profile') o.profile = true;
    else if (arg === '--node-options') o.nodeOptions = value();
    else if (arg === '--pipeline-root') o.pipelineRoot = path.resolve(value());
    else if (arg === '--phases') {
      const list = value()
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (list.length === 0) throw new Error('--phases needs at least one phase');
      const bad = list.filter((p) => !(PHASES as readonly string[]).includes(p));
      if (bad.length > 0) throw new Error(`unknown phase ${bad.join(', ')} (phases: ${PHASES.join(', ')})`);
      o.phases = new Set(list as Phase[]);
    } else throw new Error(`unknown option ${arg} (see --help)`);
  }
  if (!existsSync(o.olist)) throw new Error(`--olist: no such folder ${o.olist}`);
  if (!existsSync(o.pipelineRoot)) throw new Error(`--pipeline-root: no such folder ${o.pipelineRoot}`);
  return o;
}

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Versions of everything measured. */
async function versions(base: AppConfig): Promise<Record<string, string>> {
  const pkg = (name: string) => {
    try {
      return (
        JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    } catch {
      return 'unknown';
    }
  };
  const out: Record<string, string> = { node: process.version };
  const brokerPid = kafkaBrokerPid();
  const jar = brokerPid ? /kafka(?:-server|_2\.\d+)-(\d+\.\d+\.\d+)\.jar/.exec(cmdlineOf(brokerPid)) : null;
  out.kafkaBroker = jar ? `${jar[1]} (KRaft, local stack)` : 'unknown (not the local stack broker)';
  const pool = createPool({ databaseUrl: serverDatabaseUrl(base) }, 1);
  try {
    out.postgres = (await pool.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v.split(' on ')[0]!;
  } catch {
    out.postgres = 'unknown';
  } finally {
    await pool.end();
  }
  const redis = new Redis(base.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    out.redis = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  } catch {
    out.redis = 'unknown';
  } finally {
    redis.disconnect();
  }
  for (const name of ['kafkajs', 'pg', 'ioredis', 'fastify', 'zod']) out[name] = pkg(name);
  return out;
}

/**
 * The server's `postgres` maintenance database: server-wide questions go there, since the
 * configured database (default `sct`) need not exist; the benchmark only creates its own.
 */
function serverDatabaseUrl(base: AppConfig): string {
  const url = new URL(base.databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

/** What identifies one run of each shared service (a change means it restarted). */
async function stackIdentity(
  base: AppConfig,
): Promise<{ postgresStartedAt: string | null; kafkaBrokerPid: number | null; redisRunId: string | null }> {
  let postgresStartedAt: string | null = null;
  const pool = createPool({ databaseUrl: serverDatabaseUrl(base) }, 1);
  try {
    postgresStartedAt = (await pool.query<{ t: string }>('SELECT pg_postmaster_start_time()::text AS t'))
      .rows[0]!.t;
  } catch {
    // down
  } finally {
    await pool.end();
  }
  let redisRunId: string | null = null;
  const redis = new Redis(base.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    redisRunId = /run_id:(\S+)/.exec(await redis.info('server'))?.[1] ?? null;
  } catch {
    // down
  } finally {
    redis.disconnect();
  }
  return { postgresStartedAt, kafkaBrokerPid: kafkaBrokerPid(), redisRunId };
}

/** Warns when the built workers or main process are older than their sources. */
function checkBuild(root: string): string | null {
  const built = [
    'out/headless/serve.mjs',
    ...WORKERS.map((w) => `out/workers/${w}.mjs`),
    'out/renderer/index.html',
  ].map((f) => path.join(root, f));
  const missing = built.filter((f) => !existsSync(f));
  if (missing.length > 0) return `missing ${missing.join(', ')}: run \`npm run build\` first`;
  const oldest = Math.min(...built.slice(0, -1).map((f) => statSync(f).mtimeMs));
  const newest = (dir: string): number => {
    let t = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) t = Math.max(t, newest(p));
      else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
    }
    return t;
  };
  const src = Math.max(
    ...['workers', 'runtime', 'contracts', 'electron/main'].map((d) => newest(path.join(root, d))),
  );
  if (src > oldest)
    log('warning: sources changed after the last build; run `npm run build` to measure the current code');
  return null;
}

interface Results {
  dataset?: Omit<Dataset, 'batches' | 'bodies' | 'orderIds' | 'createdTemplate'>;
  kafkaProduce?: RateResult & { config: string };
  kafkaProducePublisherConfig?: RateResult & { config: string };
  kafkaConsume?: RateResult;
  pgUpsert?: Awaited<ReturnType<typeof pgUpsertRate>>;
  naive?: RateResult & { invalid: number };
  e2e1?: EndToEndResult & { pg: PgCounters; cpu: CpuUse };
  e2e2?: EndToEndResult & { pg: PgCounters; cpu: CpuUse };
  drain1?: DrainResult;
  drain2?: DrainResult;
  queries?: QueryResult;
  latency?: LatencyResult;
  replay?: {
    events: number;
    messages: number;
    seconds: number;
    perSecond: number;
    messagesPerSecond: number;
    schema: string;
  };
  memory?: Record<string, { peakMb: number; processes: number }>;
}

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log(USAGE);
      return 0;
    }
    console.error(`bench: ${(err as Error).message}`);
    return 2;
  }
  const buildProblem = checkBuild(opts.pipelineRoot);
  if (buildProblem) {
    console.error(`bench: ${buildProblem}`);
    return 1;
  }
  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const runDir = path.join(repoRoot, 'bench-results', `run-${stamp}`);
  mkdirSync(runDir, { recursive: true });
  const id = randomBytes(3).toString('hex');
  const base = { ...loadConfig(process.env, process.env.SCT_SETTINGS_FILE), logLevel: 'warn' as const };
  const errors: { phase: string; error: string }[] = [];
  const results: Results = {};
  const cleanups: Cleanup[] = [];
  const newCleanup = () => {
    const c = new Cleanup();
    cleanups.push(c);
    return c;
  };
  /** Reports what a cleanup could not remove as errors of the run. */
  const recordCleanup = async (removal: Promise<string[]>) => {
    for (const p of await removal) errors.push({ phase: 'cleanup', error: p });
  };
  // Set by a signal: the run stops, everything is removed, no report is written.
  // Assigned in the signal handler: the `as` keeps TypeScript from narrowing it to `null` below.
  let interrupted = null as Promise<void> | null;
  const cleanAll = async () => {
    const problems: string[] = [];
    for (const c of cleanups) problems.push(...(await c.run()));
    return problems;
  };
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      log(`\n${signal}: removing what the benchmark created...`);
      interrupted ??= cleanAll().then(
        (problems) => {
          log(
            problems.length === 0
              ? 'removed; no results written'
              : `could not remove: ${problems.join('; ')}`,
          );
          process.exit(code);
        },
        () => process.exit(code),
      );
    });
  }
  // A stray rejection (a client error in a load generator) must not leave processes, databases or
  // topics behind.
  const fatal = (err: unknown) => {
    log(`\nunexpected error: ${(err as Error).stack ?? String(err)}\nremoving what the benchmark created...`);
    void cleanAll().finally(() => process.exit(1));
  };
  process.on('unhandledRejection', fatal);
  process.on('uncaughtException', fatal);
  const memory = new MemoryWatcher();
  const deployments: Deployment[] = [];
  memory.start(500, () => {
    for (const d of deployments) {
      if (d.main.pid && d.main.exitCode === null) {
        memory.track(d.main.pid, 'main');
        memory.trackChildrenOf(d.main.pid);
      }
      for (const w of d.extraWorkerPids()) memory.track(w.pid, w.name);
    }
  });
  const phaseCpu: Record<string, CpuUse> = {};
  /** Ends a profile segment in every profiled process (see profile-preload.cjs). */
  const markProfiles = async (label: string) => {
    const dir = path.join(runDir, 'profiles');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'segment.txt'), label);
    let signalled = 0;
    for (const pid of memory.roles.keys()) {
      // Only our live, profiled processes (a pid of an exited one may belong to someone else now).
      if (!isProfiledPipelineProcess(pid)) continue;
      try {
        process.kill(pid, 'SIGUSR2');
        signalled += 1;
      } catch {
        // gone
      }
    }
    if (signalled > 0) await new Promise((r) => setTimeout(r, 1_000));
  };
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
    const t0 = Date.now();
    log(`\n== ${name}`);
    const roles = () => new Map([...memory.roles, [process.pid, 'bench process']]);
    const cpu0 = cpuSnapshot(roles());
    if (opts.profile) await markProfiles('between-phases');
    try {
      const r = await work();
      if (opts.profile) await markProfiles(name.split(':')[0]!.replace(/\s+/g, '-'));
      const cpu = cpuDelta(cpu0, cpuSnapshot(roles()));
      phaseCpu[name] = cpu;
      log(
        `   (${((Date.now() - t0) / 1000).toFixed(1)} s; whole machine ${cpu.machineBusyCores.toFixed(2)} of ${cpu.machineCores.toFixed(1)} cores busy)`,
      );
      return r;
    } catch (err) {
      if (interrupted) return undefined; // the failure is the interruption's doing
      const message = (err as Error).stack ?? String(err);
      errors.push({ phase: name, error: (err as Error).message });
      log(`   FAILED: ${message}`);
      return undefined;
    }
  };

  const machine = {
    cores: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryMb: Math.round(os.totalmem() / 1048576),
    kernel: os.release(),
    loadAverageAtStart: os.loadavg().map(round),
    loadAverageAtEnd: [] as number[],
  };
  const versionInfo = await versions(base);
  const stackAtStart = await stackIdentity(base);
  log(
    `Benchmark run ${id} on ${machine.cores} cores (${machine.cpuModel}), load average ${machine.loadAverageAtStart.join(' ')}`,
  );
  log(
    `versions: ${Object.entries(versionInfo)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  log(`run folder: ${path.relative(repoRoot, runDir)}`);
  if (opts.pipelineRoot !== repoRoot)
    log(`pipeline (main process, workers, migrations) from ${opts.pipelineRoot}`);

  const data = await phase(
    `data set: Olist sample from ${opts.olist}, at least ${opts.events} events`,
    async () => {
      const d = await buildDataset(opts.olist, opts.events);
      log(
        `   ${d.events} events (${d.eventsFromSample} from ${d.olistOrders} Olist orders, ${d.eventsFromRepeats} from suffixed repeats), ` +
          `${d.expected.orders} orders, ${d.expected.shipments} shipments, ${d.bodies.length} batches, mean message ${Math.round(d.meanMessageBytes)} B`,
      );
      return d;
    },
  );
  if (data) {
    const { batches: _b, bodies: _bo, orderIds: _o, createdTemplate: _t, ...summary } = data;
    results.dataset = summary;
  }

  const migrations = migrationsDir(repoRoot);
  try {
    // ---- 1. limits + 2. naive baseline (own database and topics) ----
    if (data && (opts.phases.has('limits') || opts.phases.has('naive'))) {
      const cleanup = newCleanup();
      const limitsName = `sctbench_${id}_lim`;
      const dbUrl = new URL(base.databaseUrl);
      dbUrl.pathname = `/${limitsName}`;
      const limitsConfig: AppConfig = { ...base, databaseUrl: dbUrl.toString(), topicPrefix: limitsName };
      cleanup.databases.add(limitsConfig.databaseUrl);
      const rawTopic = `${limitsName}.raw`;
      const idemTopic = `${limitsName}.raw-publisher`;
      cleanup.topics.add(rawTopic);
      cleanup.topics.add(idemTopic);
      cleanup.groups.add(`${limitsName}.consume`);
      cleanup.groups.add(`${limitsName}.naive`);
      const kafka = createKafka(base, 'sct-bench');
      const pool = createPool(limitsConfig, 1);
      const allEvents = data.batches.flat();
      const messages = kafkaMessagesOf(allEvents.slice(0, opts.limitMessages));
      const ready = await phase('setup of the limit measurements', async () => {
        await migrate(limitsConfig, migrations);
        const admin = kafka.admin();
        await admin.connect();
        try {
          await admin.createTopics({
            waitForLeaders: true,
            topics: [rawTopic, idemTopic].map((topic) => ({
              topic,
              numPartitions: TOPIC_PARTITIONS,
              replicationFactor: 1,
            })),
          });
        } finally {
          await admin.disconnect();
        }
        return true;
      });
      if (ready && opts.phases.has('limits')) {
        results.kafkaProduce = await phase(
          `limit: Kafka produce, ${messages.length} pipeline messages, acks=all`,
          async () => {
            const r = await produceRate(kafka, rawTopic, messages, {
              batchSize: 1000,
              inFlight: 4,
              idempotent: false,
            });
            log(`   ${Math.round(r.perSecond)} messages/s`);
            return {
              ...r,
              config: 'kafkajs producer, acks=all, 1,000 messages per request, 4 requests in flight',
            };
          },
        );
        results.kafkaProducePublisherConfig = await phase(
          'reference: Kafka produce with the API publisher settings',
          async () => {
            const r = await produceRate(
              kafka,
              idemTopic,
              messages.slice(0, Math.min(messages.length, 50_000)),
              {
                batchSize: 1000,
                inFlight: 1,
                idempotent: true,
              },
            );
            log(`   ${Math.round(r.perSecond)} messages/s`);
            return {
              ...r,
              config:
                'idempotent, 1 request in flight, acks=all, 1,000 messages per request (EventPublisher)',
            };
          },
        );
        if (results.kafkaProduce) {
          results.kafkaConsume = await phase(
            `limit: Kafka consume, ${messages.length} messages`,
            async () => {
              const r = await consumeRate(kafka, rawTopic, `${limitsName}.consume`, messages.length);
              log(`   ${Math.round(r.perSecond)} messages/s`);
              return r;
            },
          );
        }
        results.pgUpsert = await phase(
          'limit: PostgreSQL batched upserts of orders rows (1,000 rows per transaction)',
          async () => {
            const rows = orderRowsOf(allEvents);
            const r = await pgUpsertRate(pool, rows, { batchSize: 1000, updatePasses: 2 });
            log(
              `   ${Math.round(r.all.perSecond)} rows/s (${rows.length} inserts at ${Math.round(r.inserts.perSecond)}/s, ` +
                `${r.updates.count} updates at ${Math.round(r.updates.perSecond)}/s)`,
            );
            return r;
          },
        );
      }
      if (ready && opts.phases.has('naive')) {
        results.naive = await phase(
          `baseline: naive consumer, ${opts.naive} events, one autocommitted upsert each`,
          async () => {
            if (!results.kafkaProduce) {
              await produceRate(kafka, rawTopic, messages.slice(0, opts.naive + 1000), {
                batchSize: 1000,
                inFlight: 4,
                idempotent: false,
              });
            }
            const r = await naiveRate(kafka, pool, rawTopic, `${limitsName}.naive`, opts.naive);
            log(`   ${Math.round(r.perSecond)} events/s`);
            return r;
          },
        );
      }
      await pool.end();
      await recordCleanup(cleanup.run());
    }

    // ---- 3.-5., 7., 8. one deployment, one worker instance each ----
    const wants = (p: Phase) => opts.phases.has(p);
    const nodeOptions =
      [
        opts.profile ? `--require ${path.join(repoRoot, 'scripts', 'bench', 'profile-preload.cjs')}` : '',
        opts.nodeOptions,
      ]
        .filter(Boolean)
        .join(' ') || undefined;
    if (opts.profile) process.env.SCT_BENCH_PROFILE_DIR = path.join(runDir, 'profiles');
    if (data && (wants('e2e') || wants('queries') || wants('latency') || wants('replay'))) {
      const cleanup = newCleanup();
      const dep = await phase('deployment 1: main process + one instance of each worker', async () => {
        const d = await Deployment.start({
          repoRoot: opts.pipelineRoot,
          base,
          name: `sctbench_${id}`,
          logFile: path.join(runDir, 'deployment-1.log'),
          cleanup,
          nodeOptions,
        });
        deployments.push(d);
        await d.waitForGroups(1);
        log(`   API at ${d.url}, main pid ${d.main.pid}`);
        return d;
      });
      if (dep) {
        results.e2e1 = await phase(
          `end to end: ${data.events} events through the API batch path, 1 instance per worker`,
          () => measureEndToEnd(dep, data, opts),
        );
        if (wants('queries') && results.e2e1) {
          results.queries = await phase('query speed with the full data loaded', async () => {
            const r = await runQueries(dep, data.orderIds, 300);
            log(
              `   order list p95 ${r.list.p95.toFixed(1)} ms, order detail p95 ${r.detail.p95.toFixed(1)} ms`,
            );
            return r;
          });
        }
        if (wants('latency')) {
          results.latency = await phase(
            `latency at ${opts.latencyRate} events/s for ${opts.latencySeconds} s`,
            async () => {
              const r = await runLatency(dep, data.createdTemplate, {
                perSecond: opts.latencyRate,
                seconds: opts.latencySeconds,
                tickMs: 20,
                probeEveryBatches: 4,
                pollMs: 10,
                tag: id,
                log,
              });
              log(
                `   SSE p50/p95/p99 ${r.sse.p50.toFixed(0)}/${r.sse.p95.toFixed(0)}/${r.sse.p99.toFixed(0)} ms (${r.sse.count} events), ` +
                  `query ${r.query.p50.toFixed(0)}/${r.query.p95.toFixed(0)}/${r.query.p99.toFixed(0)} ms (${r.query.count} probes)`,
              );
              return r;
            },
          );
        }
        if (wants('replay')) {
          results.replay = await phase(
            'replay: rebuild every read model from offset 0 (replayIntoFreshSchema)',
            async () => {
              let events = 0;
              for (const topic of [dep.topics.orders, dep.topics.shipments]) {
                for (const o of await dep.admin.fetchTopicOffsets(topic))
                  events += Number(o.high) - Number(o.low);
              }
              const stopProfile = opts.profile ? startInProcessProfile() : null;
              const r = await replayIntoFreshSchema(
                dep.config,
                migrations,
                createLogger('bench-replay', 'warn'),
                10 * 60_000,
              );
              if (stopProfile)
                await stopProfile(path.join(runDir, 'profiles', `replay-${process.pid}.cpuprofile`));
              await dropReplaySchema(dep.pool, r.schema);
              const seconds = r.durationMs / 1000;
              log(
                `   ${events} events (${r.messages} messages over the three workers) in ${seconds.toFixed(1)} s`,
              );
              return {
                events,
                messages: r.messages,
                seconds,
                perSecond: events / seconds,
                messagesPerSecond: r.eventsPerSecond,
                schema: r.schema,
              };
            },
          );
        }
        memory.sample();
        await dep.stop();
      }
      await recordCleanup(cleanup.run());
    }

    // ---- 6. scale-out: two instances of each worker ----
    if (data && wants('scaleout')) {
      const cleanup = newCleanup();
      const dep = await phase('deployment 2: main process + two instances of each worker', async () => {
        const d = await Deployment.start({
          repoRoot: opts.pipelineRoot,
          base,
          name: `sctbench_${id}_x2`,
          logFile: path.join(runDir, 'deployment-2.log'),
          cleanup,
          nodeOptions,
        });
        deployments.push(d);
        await d.waitForGroups(1);
        d.startExtraWorkers(1);
        await d.waitForGroups(2);
        return d;
      });
      if (dep) {
        results.e2e2 = await phase(`end to end: ${data.events} events, 2 instances per worker`, () =>
          measureEndToEnd(dep, data, opts),
        );
        memory.sample();
        await dep.stop();
      }
      await recordCleanup(cleanup.run());
    }

    // ---- 6b. the consumer side alone: the same events already in Kafka, 1 then 2 instances ----
    if (data && wants('drain')) {
      const drainCleanup = newCleanup();
      const filled = await phase(
        `workers alone: fill topics with the ${data.events} events (EventPublisher)`,
        () => DrainSource.fill(base, `sctbench_${id}_d`, data, drainCleanup),
      );
      if (filled) {
        log(`   ${(data.events / filled.seconds).toFixed(0)} events/s published`);
        const logFd = openSync(path.join(runDir, 'drain.log'), 'a');
        for (const instances of [1, 2]) {
          const r = await phase(`workers alone: drain with ${instances} instance(s) per worker`, async () => {
            const d = await runDrain(filled.source, data, {
              repoRoot: opts.pipelineRoot,
              instances,
              cleanup: drainCleanup,
              logFile: logFd,
              nodeOptions,
              timeoutMs: 8 * 60_000,
              log,
              track: (pid, name) => memory.track(pid, name),
            });
            log(
              `   ${Math.round(d.perSecond)} events/s (${d.seconds.toFixed(1)} s after the first commit; start-up ${d.startSeconds.toFixed(1)} s); ` +
                `groups done at ${Object.entries(d.groupDoneSeconds)
                  .map(([g, x]) => `${g} ${x.toFixed(1)} s`)
                  .join(', ')}`,
            );
            log(`   CPU (cores): ${formatCpu(d.cpu)}`);
            return d;
          });
          if (instances === 1) results.drain1 = r;
          else results.drain2 = r;
        }
        closeSync(logFd);
        await filled.source.close();
      }
      await recordCleanup(drainCleanup.run());
    }
  } finally {
    memory.stop();
    await recordCleanup(cleanAll());
  }
  if (interrupted) await interrupted; // exits the process once everything is removed
  results.memory = memory.peaksMb();
  const stackAtEnd = await stackIdentity(base);
  const restarts = (['postgresStartedAt', 'kafkaBrokerPid', 'redisRunId'] as const).filter(
    (k) => stackAtStart[k] !== stackAtEnd[k],
  );
  if (restarts.length > 0)
    log(
      `\nwarning: the shared stack restarted during the run (${restarts.join(', ')} changed): figures taken across a restart are not comparable`,
    );
  machine.loadAverageAtEnd = os.loadavg().map(round);

  // ---- report ----
  const { metrics, targets } = evaluate(results, opts);
  const finished = new Date();
  log('\n' + formatTable(metrics));
  log('\nTargets (ratios measured in this run):\n' + formatTargets(targets));
  const missingFigures = metrics
    .filter((m) => m.value === null || !Number.isFinite(m.value))
    .map((m) => m.metric);
  const doc = {
    schema: 'sct-bench/1',
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: round((finished.getTime() - started.getTime()) / 1000),
    machine,
    versions: versionInfo,
    options: { ...opts, phases: [...opts.phases] },
    metrics: metrics.map((m) => ({
      ...m,
      value: m.value === null ? null : round(m.value),
      ratio: m.ratio ? { ...m.ratio, value: round(m.ratio.value) } : undefined,
    })),
    targets,
    errors,
    notMeasured: missingFigures,
    stack: { atStart: stackAtStart, atEnd: stackAtEnd, restartedDuringRun: restarts },
    details: trimDetails(results),
    cpuByPhase: phaseCpu,
  };
  const file = path.join(repoRoot, 'bench-results', `bench-${stamp}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  log(
    `\nwrote ${path.relative(repoRoot, file)} (run folder ${path.relative(repoRoot, runDir)}), ${doc.durationSeconds} s in all`,
  );
  if (errors.length > 0 || missingFigures.length > 0) {
    log(
      `could not measure everything: ${[...errors.map((e) => `${e.phase}: ${e.error}`), ...missingFigures.map((m) => `${m}: no value`)].join('; ')}`,
    );
    return 1;
  }
  return 0;
}

/** One end-to-end run with PostgreSQL counters and CPU use per process group around it. */
async function measureEndToEnd(dep: Deployment, data: Dataset, opts: Options) {
  const roles = new Map<number, string>([[process.pid, 'bench client (load generator)']]);
  if (dep.main.pid) roles.set(dep.main.pid, 'main (API)');
  for (const child of childrenOf(dep.main.pid!)) {
    const name = workerNameOf(child);
    if (name) roles.set(child, name);
  }
  for (const w of dep.extraWorkerPids()) roles.set(w.pid, w.name);
  const pg0 = await pgCounters(dep);
  const cpu0 = cpuSnapshot(roles);
  const r = await runEndToEnd(dep, data, { concurrency: opts.concurrency, timeoutMs: 8 * 60_000, log });
  const cpu = cpuDelta(cpu0, cpuSnapshot(roles));
  const pg = counterDelta(pg0, await pgCounters(dep));
  log(
    `   ${Math.round(r.perSecond)} events/s end to end (${r.seconds.toFixed(1)} s); API accepted ${Math.round(r.ingestPerSecond)} events/s; ` +
      `groups done at ${Object.entries(r.groupDoneSeconds)
        .map(([g, s]) => `${g} ${s.toFixed(1)} s`)
        .join(', ')}; KPIs at ${r.kpiDoneSeconds.toFixed(1)} s`,
  );
  log(`   CPU (cores): ${formatCpu(cpu)}`);
  log(
    `   PostgreSQL (this database): ${((pg.tuplesInserted + pg.tuplesUpdated) / r.events).toFixed(2)} rows written per event, ` +
      `${pg.commits} commits (${(pg.commits / r.events).toFixed(3)} per event); whole cluster: ${(pg.walBytes / r.events).toFixed(0)} WAL bytes per event, ${pg.walSyncs} WAL syncs`,
  );
  return { ...r, pg, cpu };
}

function evaluate(r: Results, opts: Options): { metrics: Metric[]; targets: Target[] } {
  const m: Metric[] = [];
  const v = (x: number | undefined | null) =>
    x === undefined || x === null || !Number.isFinite(x) ? null : x;
  const ratio = (a: number | null, b: number | null, to: string) =>
    a !== null && b !== null && b > 0 ? { value: a / b, to } : undefined;
  // The produce limit is the best of the measured producer configurations.
  const produceRates = [v(r.kafkaProduce?.perSecond), v(r.kafkaProducePublisherConfig?.perSecond)].filter(
    (x): x is number => x !== null,
  );
  const produce = produceRates.length > 0 ? Math.max(...produceRates) : null;
  const consume = v(r.kafkaConsume?.perSecond);
  const pgLimit = v(r.pgUpsert?.all.perSecond);
  const naive = v(r.naive?.perSecond);
  const e2e = v(r.e2e1?.perSecond);
  const e2e2 = v(r.e2e2?.perSecond);
  const want = (p: Phase) => opts.phases.has(p);
  if (want('limits')) {
    m.push({
      key: 'kafka_produce_limit',
      metric: 'limit: Kafka produce (kafkajs, acks=all, pipeline messages; best of 2)',
      value: produce,
      unit: 'msg/s',
    });
    m.push({
      key: 'kafka_produce_4_in_flight',
      metric: '  4 requests in flight, not idempotent',
      value: v(r.kafkaProduce?.perSecond),
      unit: 'msg/s',
      ratio: ratio(v(r.kafkaProduce?.perSecond), produce, 'produce limit'),
    });
    m.push({
      key: 'kafka_produce_publisher_config',
      metric: '  same, API publisher settings (idempotent, 1 in flight)',
      value: v(r.kafkaProducePublisherConfig?.perSecond),
      unit: 'msg/s',
      ratio: ratio(v(r.kafkaProducePublisherConfig?.perSecond), produce, 'produce limit'),
    });
    m.push({
      key: 'kafka_consume_limit',
      metric: 'limit: Kafka consume (kafkajs consumer group)',
      value: consume,
      unit: 'msg/s',
    });
    m.push({
      key: 'pg_upsert_limit',
      metric: 'limit: PostgreSQL batched upsert, orders, 1,000 rows/txn',
      value: pgLimit,
      unit: 'rows/s',
    });
  }
  if (want('naive'))
    m.push({
      key: 'naive_baseline',
      metric: `baseline: naive consumer (1 msg, 1 autocommit upsert; ${opts.naive} events)`,
      value: naive,
      unit: 'events/s',
    });
  if (want('e2e')) {
    const ingest = v(r.e2e1?.ingestPerSecond);
    m.push({
      key: 'api_ingest',
      metric: 'API batch path accept rate (during the run below)',
      value: ingest,
      unit: 'events/s',
      ratio: ratio(ingest, produce, 'Kafka produce limit'),
    });
    m.push({
      key: 'e2e_throughput',
      metric: `end to end, ${r.dataset?.events ?? opts.events} events, until read models + KPIs caught up`,
      value: e2e,
      unit: 'events/s',
      ratio: ratio(e2e, pgLimit, 'PG upsert limit'),
    });
    m.push({
      key: 'e2e_vs_naive',
      metric: '  same, relative to the naive baseline',
      value: e2e,
      unit: 'events/s',
      ratio: ratio(e2e, naive, 'naive baseline'),
    });
    const pg = r.e2e1?.pg;
    const rowsPerEvent = pg && r.e2e1 ? (pg.tuplesInserted + pg.tuplesUpdated) / r.e2e1.events : null;
    m.push({
      key: 'rows_per_event',
      metric: '  PostgreSQL rows written per event (API audit + workers)',
      value: rowsPerEvent,
      unit: 'rows',
    });
    const rowRate = rowsPerEvent !== null && e2e !== null ? rowsPerEvent * e2e : null;
    m.push({
      key: 'e2e_rows_per_second',
      metric: '  same run in rows written per second',
      value: rowRate,
      unit: 'rows/s',
      ratio: ratio(rowRate, pgLimit, 'PG upsert limit'),
    });
  }
  if (want('latency')) {
    const l = r.latency;
    for (const [k, label, d] of [
      ['sse', 'live push (SSE)', l?.sse],
      ['query', 'query API (GET /api/orders/:id)', l?.query],
    ] as const) {
      for (const p of ['p50', 'p95', 'p99'] as const)
        m.push({
          key: `latency_${k}_${p}`,
          metric: `latency to visible, ${label}, ${p} @ ${opts.latencyRate}/s`,
          value: v(d?.[p]),
          unit: 'ms',
        });
    }
    m.push({
      key: 'latency_sse_unnamed',
      metric: '  events no notification named (id lists cut at 200: SSE figures exclude them)',
      value: l ? l.sseMissing : null,
      unit: 'events',
    });
    m.push({
      key: 'latency_accept_p99',
      metric: '  API accept (request to 202), p99',
      value: v(l?.accept.p99),
      unit: 'ms',
    });
  }
  if (want('replay')) {
    const rp = v(r.replay?.perSecond);
    m.push({
      key: 'replay',
      metric: `replay from offset 0 (${r.replay?.events ?? '?'} events, all read models)`,
      value: rp,
      unit: 'events/s',
      ratio: ratio(rp, e2e, 'live end to end'),
    });
  }
  if (want('scaleout')) {
    m.push({
      key: 'e2e_1_instance',
      metric: 'scale-out: end to end, 1 instance per worker',
      value: e2e,
      unit: 'events/s',
    });
    m.push({
      key: 'e2e_2_instances',
      metric: 'scale-out: end to end, 2 instances per worker',
      value: e2e2,
      unit: 'events/s',
      ratio: ratio(e2e2, e2e, '1 instance'),
    });
  }
  if (want('drain')) {
    const d1 = v(r.drain1?.perSecond);
    const d2 = v(r.drain2?.perSecond);
    m.push({
      key: 'drain_1_instance',
      metric: 'scale-out: workers alone (topics pre-filled), 1 instance',
      value: d1,
      unit: 'events/s',
      ratio: ratio(d1, e2e, 'end to end'),
    });
    m.push({
      key: 'drain_2_instances',
      metric: 'scale-out: workers alone (topics pre-filled), 2 instances',
      value: d2,
      unit: 'events/s',
      ratio: ratio(d2, d1, '1 instance'),
    });
  }
  const mem = r.memory ?? {};
  const withMain = (['e2e', 'queries', 'latency', 'replay', 'scaleout'] as const).some(want);
  const withWorkers = withMain || want('drain');
  if (withMain)
    m.push({
      key: 'rss_main',
      metric: 'peak RSS, main process (API + supervisor)',
      value: v(mem.main?.peakMb),
      unit: 'MB',
    });
  for (const w of withWorkers ? WORKERS : [])
    m.push({
      key: `rss_${w}`,
      metric: `peak RSS, ${w} (max over instances)`,
      value: v(mem[w]?.peakMb),
      unit: 'MB',
    });
  if (want('queries')) {
    m.push({
      key: 'order_list_p95',
      metric: 'order list (filtered, first page), p95',
      value: v(r.queries?.list.p95),
      unit: 'ms',
    });
    m.push({
      key: 'order_detail_p95',
      metric: 'order detail, p95',
      value: v(r.queries?.detail.p95),
      unit: 'ms',
    });
  }

  const targets: Target[] = [];
  const t = (
    needs: Phase[],
    name: string,
    rule: string,
    value: number | null,
    holds: (x: number) => boolean,
    shown: (x: number) => string,
  ) =>
    needs.every(want) &&
    targets.push({
      name,
      rule,
      measured: value === null ? 'n/a' : shown(value),
      holds: value === null ? null : holds(value),
    });
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  t(
    ['e2e', 'limits'],
    'throughput vs PostgreSQL',
    'end to end >= 25% of the batched-upsert limit',
    e2e !== null && pgLimit ? e2e / pgLimit : null,
    (x) => x >= 0.25,
    pct,
  );
  t(
    ['e2e', 'naive'],
    'throughput vs naive',
    'end to end >= 20x the naive baseline',
    e2e !== null && naive ? e2e / naive : null,
    (x) => x >= 20,
    (x) => `${x.toFixed(1)}x`,
  );
  const p99 = r.latency ? Math.max(r.latency.sse.p99, r.latency.query.p99) : null;
  t(
    ['latency'],
    'latency',
    `p99 to visible (query API and SSE) <= 250 ms at ${opts.latencyRate} events/s`,
    v(p99),
    (x) => x <= 250,
    (x) =>
      `${x.toFixed(0)} ms (SSE ${r.latency!.sse.p99.toFixed(0)}, query ${r.latency!.query.p99.toFixed(0)})`,
  );
  t(
    ['e2e', 'replay'],
    'replay',
    'replay >= live end-to-end throughput',
    v(r.replay?.perSecond) !== null && e2e ? r.replay!.perSecond / e2e : null,
    (x) => x >= 1,
    (x) => `${x.toFixed(2)}x`,
  );
  t(
    withMain ? [] : ['e2e'],
    'memory, main',
    'peak RSS < 300 MB',
    v(mem.main?.peakMb),
    (x) => x < 300,
    (x) => `${x.toFixed(0)} MB`,
  );
  const workerPeak = WORKERS.map((w) => mem[w]?.peakMb).filter((x): x is number => x !== undefined);
  t(
    withWorkers ? [] : ['drain'],
    'memory, workers',
    'peak RSS < 200 MB per worker',
    workerPeak.length === WORKERS.length ? Math.max(...workerPeak) : null,
    (x) => x < 200,
    (x) => `max ${x.toFixed(0)} MB`,
  );
  t(
    ['queries'],
    'order list',
    'p95 < 50 ms',
    v(r.queries?.list.p95),
    (x) => x < 50,
    (x) => `${x.toFixed(1)} ms`,
  );
  t(
    ['queries'],
    'order detail',
    'p95 < 50 ms',
    v(r.queries?.detail.p95),
    (x) => x < 50,
    (x) => `${x.toFixed(1)} ms`,
  );
  return { metrics: m, targets };
}

/** True for a live main-process or worker process started with the profiling preload. */
function isProfiledPipelineProcess(pid: number): boolean {
  try {
    return (
      /out\/(workers\/[a-z-]+|headless\/serve)\.mjs/.test(cmdlineOf(pid)) &&
      readFileSync(`/proc/${pid}/environ`, 'utf8').includes('SCT_BENCH_PROFILE_DIR=')
    );
  } catch {
    return false;
  }
}

/** CPU profile of this process (the replay runs its three projections in here). */
function startInProcessProfile(): (file: string) => Promise<void> {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  return (file) =>
    new Promise((resolve) => {
      session.post('Profiler.stop', (err, result) => {
        if (!err) {
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, JSON.stringify(result.profile));
        }
        session.disconnect();
        resolve();
      });
    });
}

function formatCpu(cpu: CpuUse): string {
  return `${Object.entries(cpu.groups)
    .sort((a, b) => b[1].cores - a[1].cores)
    .map(([g, x]) => `${g} ${x.cores.toFixed(2)}`)
    .join(', ')}; whole machine ${cpu.machineBusyCores.toFixed(2)} of ${cpu.machineCores.toFixed(1)} busy`;
}

/** Details for the JSON file: request timings summarized, timelines kept. */
function trimDetails(r: Results) {
  const e2e = (x: Results['e2e1']) => (x ? { ...x, requestMs: distribution(x.requestMs) } : undefined);
  return { ...r, e2e1: e2e(r.e2e1), e2e2: e2e(r.e2e2) };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
