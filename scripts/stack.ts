/**
 * Local stack control: `npm run stack:up | stack:down | stack:status`.
 *
 * - Kafka: a real single-node Apache Kafka 4.1 broker in KRaft mode, from the official jars that
 *   Maven resolves (scripts/stack/pom.xml), data under `.stack/kafka` (git-ignored), listening on
 *   the loopback address of KAFKA_BROKERS (default 127.0.0.1:9092; controller on port + 1).
 *   The client listener is SASL_PLAINTEXT and requires SCRAM-SHA-256 (the broker talks to itself
 *   on it too); the controller listener is PLAINTEXT on the same loopback address. The first `up`
 *   generates a random user and password into `.stack/kafka/credentials.json` (mode 0600), adds
 *   the SCRAM user when it formats the storage and puts the broker's own login in
 *   `server.properties` (mode 0600). Clients of this repo find the credentials file themselves
 *   (`loadConfig`), so nobody has to set KAFKA_SASL_* for the local stack.
 * - PostgreSQL and Redis: the servers at DATABASE_URL and REDIS_URL. `up` starts one that is on
 *   this machine, installed and stopped (`pg_ctlcluster ... start`, `redis-server --daemonize
 *   yes ...`; scripts/stack/local-services.ts), says how to install one that is missing, and
 *   never stops either; `status` only checks them.
 * Running `up` twice is harmless: a broker that already answers with the stack's credentials is
 * left alone; one that answers without authentication (started before SCRAM was required) is
 * reported with what to do.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import Redis from 'ioredis';
import {
  loadConfig,
  readStackCredentials,
  redactUrl,
  stackCredentialsPath,
  type AppConfig,
  type KafkaSasl,
  type StackCredentials,
} from '../runtime/config';
import { createKafka } from '../runtime/kafka';
import { portOpen } from '../runtime/port-open';
import { classifyServiceCause, howToFix, howToStart } from '../runtime/service-errors';
import { redisFailureCause, watchRedisErrors } from '../runtime/redis';
import {
  exitWithUsageError,
  parseCliOrExit,
  runCliMain,
  UsageError,
  type CliDefinition,
  type OptionSpec,
} from './cli';
import { kafkaClusterId } from './stack/cluster-id';
import { ensureLocalService, type LocalServiceDeps } from './stack/local-services';

const root = path.resolve(__dirname, '..');
const stackDir = path.join(root, '.stack', 'kafka');
const pidFile = path.join(stackDir, 'kafka.pid');
const logFile = path.join(stackDir, 'kafka.log');
const credentialsFile = stackCredentialsPath(root);
const dataDir = path.join(stackDir, 'data');
/** Name of the SASL_PLAINTEXT listener in server.properties (clients and inter-broker). */
const CLIENT_LISTENER = 'CLIENT';

/** host and port of the first broker in KAFKA_BROKERS. */
function brokerAddress(config: AppConfig): { host: string; port: number } {
  const [host, port] = config.kafkaBrokers[0]!.split(':');
  return { host: host!, port: Number(port) };
}

/** Resolves the broker classpath with Maven once per pom version (cached under .stack). */
function kafkaClasspath(): string {
  const pom = path.join(root, 'scripts', 'stack', 'pom.xml');
  const hash = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 12);
  const cpFile = path.join(stackDir, `classpath-${hash}.txt`);
  if (!existsSync(cpFile)) {
    console.log('Resolving the Apache Kafka jars with Maven (first run only)...');
    const r = spawnSync(
      'mvn',
      [
        '-q',
        '-B',
        '-Dstyle.color=never',
        '-f',
        pom,
        'dependency:build-classpath',
        `-Dmdep.outputFile=${cpFile}`,
      ],
      { stdio: 'inherit' },
    );
    if (r.status !== 0)
      throw new Error(
        'Maven could not resolve the Kafka jars (is `mvn` installed and Maven Central reachable?)',
      );
  }
  return readFileSync(cpFile, 'utf8').trim();
}

/**
 * The stack broker's credentials: read from `.stack/kafka/credentials.json`, or generated (random
 * `sct_<hex>` user, 32-byte base64url password) when missing. The file is (re)written with mode
 * 0600 and the broker address `host:port`, which `loadConfig` matches against KAFKA_BROKERS.
 */
function ensureCredentials(address: string): StackCredentials {
  let creds: StackCredentials;
  const existing = existsSync(credentialsFile) ? readStackCredentials(credentialsFile, [address]) : null;
  if (existing) {
    creds = { ...existing, brokers: [address] };
  } else if (existsSync(credentialsFile)) {
    // Written for another port of the same data (the SCRAM user lives in the data): keep the user.
    const json = JSON.parse(readFileSync(credentialsFile, 'utf8')) as StackCredentials;
    creds = {
      mechanism: json.mechanism,
      username: json.username,
      password: json.password,
      brokers: [address],
    };
  } else {
    creds = {
      mechanism: 'scram-sha-256',
      username: `sct_${randomBytes(4).toString('hex')}`,
      password: randomBytes(32).toString('base64url'),
      brokers: [address],
    };
  }
  writeFileSync(credentialsFile, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  chmodSync(credentialsFile, 0o600); // an existing file keeps its mode on write
  return creds;
}

/**
 * Generated credentials are base64url: safe unquoted in `--add-scram [name=..,password=..]`,
 * inside JAAS quotes and in a .properties file. A hand-edited file with other characters is refused.
 */
function checkCredentialChars(creds: KafkaSasl): void {
  if (!/^[A-Za-z0-9_-]+$/.test(creds.username) || !/^[A-Za-z0-9_-]+$/.test(creds.password))
    throw new Error(
      `${path.relative(root, credentialsFile)}: username and password must be letters, digits, _ and - (as generated); remove it and .stack/kafka/data to start over`,
    );
}

function writeServerProperties(host: string, port: number, creds: KafkaSasl): string {
  const file = path.join(stackDir, 'server.properties');
  const controllerPort = port + 1;
  const listener = CLIENT_LISTENER.toLowerCase();
  checkCredentialChars(creds);
  writeFileSync(
    file,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@${host}:${controllerPort}`,
      // Clients and the broker itself: SASL/SCRAM. The controller listener stays PLAINTEXT on
      // the loopback address (KRaft cannot use SCRAM there: the credentials live in its log).
      `listeners=${CLIENT_LISTENER}://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
      `advertised.listeners=${CLIENT_LISTENER}://${host}:${port}`,
      'controller.listener.names=CONTROLLER',
      `listener.security.protocol.map=CONTROLLER:PLAINTEXT,${CLIENT_LISTENER}:SASL_PLAINTEXT`,
      `inter.broker.listener.name=${CLIENT_LISTENER}`,
      'sasl.enabled.mechanisms=SCRAM-SHA-256',
      'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256',
      `listener.name.${listener}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${creds.username}" password="${creds.password}";`,
      `log.dirs=${dataDir}`,
      'num.partitions=6',
      // A single node: every internal topic has one replica.
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      'delete.topic.enable=true',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  chmodSync(file, 0o600);
  return file;
}

/** What a broker at `host:port` answers to: no authentication, the stack's SCRAM login, or neither. */
type BrokerAuth = 'plaintext' | 'scram' | 'refused';

/**
 * Finds out whether the broker at `address` accepts clients without authentication, with the
 * stack's SCRAM credentials, or neither (a few seconds at most).
 */
async function probeBrokerAuth(address: string, creds: KafkaSasl | null): Promise<BrokerAuth> {
  const tryWith = async (kafkaSasl: KafkaSasl | null): Promise<boolean> => {
    const admin = createKafka(
      { kafkaBrokers: [address], kafkaSasl },
      'sct-stack-probe',
      'interactive',
    ).admin();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        (async () => {
          await admin.connect();
          await admin.describeCluster();
        })(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer')), 8_000);
        }),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
      await admin.disconnect().catch(() => undefined);
    }
  };
  if (creds && (await tryWith(creds))) return 'scram';
  return (await tryWith(null)) ? 'plaintext' : 'refused';
}

/** The one-line Kafka status for `up` and `status`, and whether it is what the stack expects. */
function describeAuth(auth: BrokerAuth, address: string): { ok: boolean; text: string } {
  if (auth === 'scram') return { ok: true, text: 'SASL/SCRAM-SHA-256 required' };
  if (auth === 'plaintext')
    return {
      ok: false,
      text:
        `no authentication required: any local process can read and write its topics.\n` +
        `           A broker started before the stack required SASL/SCRAM (or not by this stack) is running at ${address}.\n` +
        `           To fix: npm run stack:down, then npm run stack:up (the old local data is re-formatted).`,
    };
  return {
    ok: false,
    text:
      `requires authentication but refuses the stack's credentials (${path.relative(root, credentialsFile)}).\n` +
      `           To fix: if this stack started it, npm run stack:down && rm -rf .stack/kafka/data .stack/kafka/credentials.json, then npm run stack:up;\n` +
      `           otherwise set KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD for that broker.`,
  };
}

/**
 * Local data formatted before the stack required SCRAM (a `meta.properties` but no credentials
 * file) has no SCRAM user: it is local development data, so it is removed and formatted again.
 */
function dropDataWithoutScram(): void {
  if (existsSync(path.join(dataDir, 'meta.properties')) && !existsSync(credentialsFile)) {
    console.log(
      `Kafka      ${path.relative(root, dataDir)} was formatted without SASL/SCRAM credentials (a stack from before they were required):\n` +
        '           removing this local development data (its topics and offsets) and formatting it again with a generated SCRAM user.',
    );
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function kafkaUp(config: AppConfig): Promise<void> {
  const { host, port } = brokerAddress(config);
  const address = `${host}:${port}`;
  if (await portOpen(host, port)) {
    const creds = existsSync(credentialsFile) ? readStackCredentials(credentialsFile, [address]) : null;
    const { ok, text } = describeAuth(await probeBrokerAuth(address, creds), address);
    console.log(`Kafka      ${ok ? 'up  ' : 'WRONG'}  ${address} (already running; ${text})`);
    if (!ok)
      throw new Error(`the broker at ${address} is not the SASL/SCRAM broker this stack runs (see above)`);
    return;
  }
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new Error(
      `KAFKA_BROKERS points at ${host}:${port}, which is not local and not answering; the stack only starts a local broker`,
    );
  }
  mkdirSync(stackDir, { recursive: true, mode: 0o700 });
  const cp = kafkaClasspath();
  dropDataWithoutScram();
  const creds = ensureCredentials(address);
  const props = writeServerProperties(host, port, creds);
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  if (!existsSync(path.join(dataDir, 'meta.properties'))) {
    // The SCRAM user goes into the bootstrap metadata (KIP-900), so the broker can authenticate
    // to itself on first start. The password is on this short-lived command line only.
    const scram = `SCRAM-SHA-256=[name=${creds.username},password=${creds.password}]`;
    const format = spawnSync(
      java,
      [
        '-cp',
        cp,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        kafkaClusterId(),
        '-c',
        props,
        '--add-scram',
        scram,
      ],
      { encoding: 'utf8' },
    );
    if (format.status !== 0)
      throw new Error(`formatting Kafka storage failed: ${format.stderr.split(creds.password).join('***')}`);
    console.log(
      `Kafka      storage formatted with SCRAM user ${creds.username} (${path.relative(root, credentialsFile)})`,
    );
  }
  const out = openSync(logFile, 'a');
  const child = spawn(
    java,
    [
      '-Xms256m',
      '-Xmx768m',
      `-Dlog4j2.configurationFile=${path.join(root, 'scripts', 'stack', 'log4j2.yaml')}`,
      '-cp',
      cp,
      'kafka.Kafka',
      props,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  writeFileSync(pidFile, String(child.pid));
  child.unref();
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (await portOpen(host, port)) {
      console.log(
        `Kafka      up    ${address} (started, pid ${child.pid}, SASL/SCRAM-SHA-256 required, log ${path.relative(root, logFile)})`,
      );
      return;
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Kafka did not start; see ${logFile}`);
}

async function checkPostgres(config: AppConfig): Promise<boolean> {
  const url = new URL(config.databaseUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    console.log(`PostgreSQL up    ${redactUrl(config.databaseUrl)}`);
    return true;
  } catch (err) {
    console.log(serviceProblemLine('postgres', redactUrl(config.databaseUrl), (err as Error).message));
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A status line of a service that failed: `DOWN` when it did not answer, `REFUSED` when it
 * refused the login or a command; then the cause and the fix for that kind (service-errors.ts).
 */
function serviceProblemLine(service: 'postgres' | 'redis', address: string, cause: string): string {
  const label = service === 'postgres' ? 'PostgreSQL' : 'Redis     ';
  const state = classifyServiceCause(cause) === 'unreachable' ? 'DOWN ' : 'REFUSED';
  return `${label} ${state} ${address}: ${cause}\n           To fix: ${howToFix(service, cause)}`;
}

async function checkRedis(config: AppConfig): Promise<boolean> {
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  watchRedisErrors(redis);
  try {
    await redis.connect();
    await redis.ping();
    console.log(`Redis      up    ${redactUrl(config.redisUrl)}`);
    return true;
  } catch (err) {
    // ioredis rejects with "Connection is closed." when the server refused the login (WRONGPASS).
    const cause = redisFailureCause(redis, err) ?? String(err);
    console.log(serviceProblemLine('redis', redactUrl(config.redisUrl), cause));
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Where a service URL points (`host`, `port` with the service's default). */
function urlAddress(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(u.port) || defaultPort };
}

/** The real machine for scripts/stack/local-services.ts. */
function machineDeps(config: AppConfig): LocalServiceDeps {
  const quiet = <T>(f: () => Promise<T>) => {
    const log = console.log;
    console.log = () => undefined;
    return f().finally(() => (console.log = log));
  };
  return {
    reachable: (service) =>
      quiet(() => (service === 'postgres' ? checkPostgres(config) : checkRedis(config))),
    onPath: (program) => spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).status === 0,
    postgresVersions: () => {
      try {
        return readdirSync('/etc/postgresql').filter((v) => /^\d+(\.\d+)?$/.test(v));
      } catch {
        return [];
      }
    },
    run: (command) => {
      const r = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', timeout: 60_000 });
      return {
        status: r.status,
        output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`,
      };
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

/** `up` for PostgreSQL and Redis: start them where installed but stopped, else say what to do. */
async function localServicesUp(config: AppConfig): Promise<boolean> {
  const deps = machineDeps(config);
  const results = [
    await ensureLocalService(
      'postgres',
      urlAddress(config.databaseUrl, 5432),
      redactUrl(config.databaseUrl),
      deps,
    ),
    await ensureLocalService('redis', urlAddress(config.redisUrl, 6379), redactUrl(config.redisUrl), deps),
  ];
  for (const r of results) console.log(r.message);
  return results.every((r) => r.ok);
}

async function kafkaDown(config: AppConfig): Promise<void> {
  const { host, port } = brokerAddress(config);
  if (!existsSync(pidFile)) {
    console.log(
      (await portOpen(host, port))
        ? `Kafka at ${host}:${port} was not started by this stack; left alone`
        : 'Kafka      not running',
    );
    return;
  }
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && (await portOpen(host, port))) await new Promise((r) => setTimeout(r, 300));
  if (await portOpen(host, port)) process.kill(pid, 'SIGKILL');
  writeFileSync(pidFile, '');
  spawnSync('rm', ['-f', pidFile]);
  console.log('Kafka      stopped');
}

const STACK_COMMANDS = ['up', 'down', 'status'];
const STACK_USAGE =
  'usage: npm run stack:up | stack:down | stack:status  (or: tsx scripts/stack.ts up|down|status)';

const STACK_CLI = {
  name: 'stack',
  usage: STACK_USAGE,
  help: `${STACK_USAGE}

  up        start the local Kafka broker (KRaft, SCRAM login); start PostgreSQL and Redis where
            they are installed on this machine but stopped, say how to install them where missing
  down      stop the broker (its data under .stack/kafka stays)
  status    say whether each service answers (Kafka also: whether the stack's login works)

environment: KAFKA_BROKERS (default 127.0.0.1:9092; the controller listens on port + 1),
DATABASE_URL, REDIS_URL. exit codes: 0 ok, 1 a service is not usable, 2 bad arguments.`,
  options: {},
  positionals: true,
} satisfies CliDefinition<OptionSpec>;

async function main(): Promise<void> {
  const { positionals } = parseCliOrExit(process.argv.slice(2), STACK_CLI);
  const command = positionals[0];
  if (positionals.length !== 1 || !STACK_COMMANDS.includes(command!))
    exitWithUsageError(
      STACK_CLI,
      new UsageError(
        `give one command: up, down or status${positionals.length > 0 ? `; got ${positionals.map((p) => JSON.stringify(p)).join(' ')}` : ''}`,
      ),
    );
  const config = loadConfig();
  if (command === 'up') {
    await kafkaUp(config);
    const ok = await localServicesUp(config);
    if (!ok) process.exitCode = 1;
  } else if (command === 'down') {
    await kafkaDown(config);
  } else {
    const { host, port } = brokerAddress(config);
    const address = `${host}:${port}`;
    const up = await portOpen(host, port);
    let authOk = true;
    if (up) {
      // The credentials the clients of this repo would use (env, settings or the stack's file).
      const auth = await probeBrokerAuth(address, config.kafkaSasl);
      const described = describeAuth(auth, address);
      authOk = described.ok;
      console.log(`Kafka      up    ${address} (${described.text})`);
    } else {
      console.log(`Kafka      DOWN  ${address}\n           To fix: ${howToStart('kafka')}`);
    }
    const ok = [up && authOk, await checkPostgres(config), await checkRedis(config)].every(Boolean);
    if (!ok) process.exitCode = 1;
  }
}

runCliMain('stack', () => main(), { known: (err) => ({ code: 1, message: (err as Error).message }) });
