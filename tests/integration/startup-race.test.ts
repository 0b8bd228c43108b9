/**
 * Startup race: N worker processes started at the same moment, standalone (no supervisor, as the
 * README's `node out/workers/<name>.mjs` on a new server), against a database and a topic prefix
 * that do not exist yet. Every process must come up without an error or a dependency retry
 * (concurrent CREATE DATABASE, migrations and topic creation), and the pipeline must then work.
 * Repeated for several rounds, each on a fresh database and prefix, removed afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orderCreated, deleteRedisKeys, deleteTopics, repoRoot, waitFor } from '../support/harness';
import { loadConfig, type AppConfig } from '../../runtime/config';
import { createPool, dropDatabase } from '../../runtime/db';
import { createKafka, EventPublisher } from '../../runtime/kafka';
import { topicNames, type SupplyChainEvent, WORKER_NAMES } from '../../contracts';

const ROUNDS = 5;
const WORKERS = WORKER_NAMES;
const PER_WORKER = 2; // N = 6 processes a round
const base = loadConfig();
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const c of cleanups.splice(0)) await c().catch(() => undefined);
});

interface Started {
  name: string;
  child: ChildProcess;
  out: string;
  err: string;
  exit: { code: number | null; signal: string | null } | null;
}

/** Spawns a built worker standalone (no IPC channel: it waits for dependencies itself). */
function startWorker(name: string, config: AppConfig): Started {
  const child = spawn(process.execPath, [path.join(repoRoot, 'out', 'workers', `${name}.mjs`)], {
    env: {
      ...process.env,
      DATABASE_URL: config.databaseUrl,
      SCT_TOPIC_PREFIX: config.topicPrefix,
      SCT_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const s: Started = { name, child, out: '', err: '', exit: null };
  child.stdout.on('data', (b: Buffer) => (s.out += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (s.err += b.toString('utf8')));
  child.once('exit', (code, signal) => (s.exit = { code, signal }));
  return s;
}

async function stopAll(procs: Started[]): Promise<void> {
  for (const p of procs) if (!p.exit) p.child.kill('SIGTERM');
  await waitFor('workers stopped', async () => procs.every((p) => p.exit), 20_000).catch(() => {
    for (const p of procs) if (!p.exit) p.child.kill('SIGKILL');
  });
}

describe('workers started together on an empty database and broker', () => {
  it(`all come up, ${ROUNDS} rounds x ${WORKERS.length * PER_WORKER} processes`, async () => {
    const failures: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const id = randomBytes(4).toString('hex');
      const dbUrl = new URL(base.databaseUrl);
      dbUrl.pathname = `/sct_test_race_${id}`;
      const config: AppConfig = { ...base, databaseUrl: dbUrl.toString(), topicPrefix: `t${id}` };
      const procs = WORKERS.flatMap((w) => Array.from({ length: PER_WORKER }, () => startWorker(w, config)));
      const cleanup = async () => {
        await stopAll(procs);
        await dropDatabase(config.databaseUrl).catch(() => undefined);
        await deleteTopics(config).catch(() => undefined);
        await deleteRedisKeys(config).catch(() => undefined);
      };
      cleanups.push(cleanup);
      try {
        // Up = logged "worker running"; an exit or a dependency retry (all services are up) is a failure.
        await waitFor(
          'every worker running or one failed',
          async () =>
            procs.every((p) => p.out.includes('"worker running"')) ||
            procs.some((p) => p.exit || /Retrying in/.test(p.err)),
          90_000,
          100,
        );
        const failed = procs.filter((p) => p.exit || /Retrying in/.test(p.err));
        for (const p of failed.length > 0 ? failed : procs) {
          if (p.exit || /Retrying in/.test(p.err) || !p.out.includes('"worker running"'))
            failures.push(
              `round ${round} ${p.name}: exit ${JSON.stringify(p.exit)} stderr ${p.err.trim().slice(0, 400)} last log ${p.out.trim().split('\n').slice(-1)[0]?.slice(0, 300)}`,
            );
        }
        if (failures.length === 0) await pipelineWorks(config);
        console.log(
          `startup race round ${round}/${ROUNDS}: ${procs.filter((p) => p.out.includes('"worker running"')).length}/${procs.length} processes up`,
        );
      } finally {
        await cleanup();
        cleanups.splice(cleanups.indexOf(cleanup), 1);
      }
      if (failures.length > 0) break;
    }
    expect(failures).toEqual([]);
    console.log(`startup race: ${ROUNDS} rounds x ${WORKERS.length * PER_WORKER} processes, all came up`);
  });
});

/** One order event through the broker must reach the orders read model and the KPI facts. */
async function pipelineWorks(config: AppConfig): Promise<void> {
  const kafka = createKafka(config, 'sct-test-race');
  const publisher = new EventPublisher(kafka, topicNames(config.topicPrefix), config.kafkaBrokers);
  const pool = createPool(config, 1);
  try {
    const orderId = `o-race-${randomBytes(3).toString('hex')}`;
    await publisher.publish([orderCreated(orderId) as SupplyChainEvent]);
    await waitFor(
      'order applied by the order-processor and the analytics-aggregator',
      async () => {
        const { rows } = await pool.query<{ n: number }>(
          'SELECT (SELECT count(*) FROM orders WHERE order_id = $1) + (SELECT count(*) FROM order_facts WHERE order_id = $1) AS n',
          [orderId],
        );
        return rows[0]!.n === 2;
      },
      60_000,
    );
  } finally {
    await publisher.close();
    await pool.end();
  }
}
