/**
 * Local stack control: `npm run stack:up | stack:down | stack:status`.
 *
 * - Kafka: a real single-node Apache Kafka 4.1 broker in KRaft mode, from the official jars that
 *   Maven resolves (scripts/stack/pom.xml), data under `.stack/kafka` (git-ignored), listening on
 *   the loopback address of KAFKA_BROKERS (default 127.0.0.1:9092; controller on port + 1).
 * - PostgreSQL and Redis: the local servers at DATABASE_URL and REDIS_URL; checked, not started
 *   (the message says how to start them).
 * Running `up` twice is harmless: a broker that already answers is left alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import Redis from 'ioredis';
import { loadConfig, redactUrl, type AppConfig } from '../runtime/config';
import { howToStart } from '../runtime/service-errors';

const root = path.resolve(__dirname, '..');
const stackDir = path.join(root, '.stack', 'kafka');
const pidFile = path.join(stackDir, 'kafka.pid');
const logFile = path.join(stackDir, 'kafka.log');

/** host and port of the first broker in KAFKA_BROKERS. */
function brokerAddress(config: AppConfig): { host: string; port: number } {
  const [host, port] = config.kafkaBrokers[0]!.split(':');
  return { host: host!, port: Number(port) };
}

function portOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
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
      ['-q', '-B', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`],
      { stdio: 'inherit' },
    );
    if (r.status !== 0)
      throw new Error(
        'Maven could not resolve the Kafka jars (is `mvn` installed and Maven Central reachable?)',
      );
  }
  return readFileSync(cpFile, 'utf8').trim();
}

function writeServerProperties(host: string, port: number): string {
  const file = path.join(stackDir, 'server.properties');
  const controllerPort = port + 1;
  writeFileSync(
    file,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@${host}:${controllerPort}`,
      `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://${host}:${port}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${path.join(stackDir, 'data')}`,
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
  );
  return file;
}

async function kafkaUp(config: AppConfig): Promise<void> {
  const { host, port } = brokerAddress(config);
  if (await portOpen(host, port)) {
    console.log(`Kafka      up    ${host}:${port} (already running)`);
    return;
  }
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new Error(
      `KAFKA_BROKERS points at ${host}:${port}, which is not local and not answering; the stack only starts a local broker`,
    );
  }
  mkdirSync(stackDir, { recursive: true });
  const cp = kafkaClasspath();
  const props = writeServerProperties(host, port);
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  if (!existsSync(path.join(stackDir, 'data', 'meta.properties'))) {
    const format = spawnSync(
      java,
      ['-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', props],
      { encoding: 'utf8' },
    );
    if (format.status !== 0) throw new Error(`formatting Kafka storage failed: ${format.stderr}`);
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
        `Kafka      up    ${host}:${port} (started, pid ${child.pid}, log ${path.relative(root, logFile)})`,
      );
      return;
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Kafka did not start; see ${logFile}`);
}

/** A random 16-byte cluster id in Kafka's base64url form. */
function clusterId(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
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
    console.log(
      `PostgreSQL DOWN  ${redactUrl(config.databaseUrl)}: ${(err as Error).message}\n           To fix: ${howToStart('postgres')}`,
    );
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(config: AppConfig): Promise<boolean> {
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    console.log(`Redis      up    ${redactUrl(config.redisUrl)}`);
    return true;
  } catch (err) {
    console.log(
      `Redis      DOWN  ${redactUrl(config.redisUrl)}: ${(err as Error).message}\n           To fix: ${howToStart('redis')}`,
    );
    return false;
  } finally {
    redis.disconnect();
  }
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

async function main(): Promise<void> {
  const command = process.argv[2];
  const config = loadConfig();
  if (command === 'up') {
    await kafkaUp(config);
    const ok = [await checkPostgres(config), await checkRedis(config)].every(Boolean);
    if (!ok) process.exitCode = 1;
  } else if (command === 'down') {
    await kafkaDown(config);
  } else if (command === 'status') {
    const { host, port } = brokerAddress(config);
    const up = await portOpen(host, port);
    console.log(
      `Kafka      ${up ? 'up  ' : 'DOWN'}  ${host}:${port}${up ? '' : `\n           To fix: ${howToStart('kafka')}`}`,
    );
    const ok = [up, await checkPostgres(config), await checkRedis(config)].every(Boolean);
    if (!ok) process.exitCode = 1;
  } else {
    console.error('usage: stack.ts up|down|status');
    process.exitCode = 2;
  }
}

main().catch((err: unknown) => {
  console.error(`stack: ${(err as Error).message}`);
  process.exit(1);
});
