/**
 * Fault-injection suite (`npm run test:faults`): a fixed stream of 20,000+ events flows through
 * the API into the real Kafka, workers, PostgreSQL and Redis while, at seeded random points, each
 * worker is SIGKILLed several times, the Kafka broker is restarted, PostgreSQL is restarted (when
 * this process may run pg_ctlcluster) and the deployment's Redis keys are flushed. At the end the
 * read models and KPI totals must equal a pure in-memory replay of the stream: zero lost, zero
 * duplicated. Prints one summary line with the figures.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_NAMES, type SupplyChainEvent, type WorkerName } from '../../contracts';
import {
  deleteRedisKeys,
  repoRoot,
  startDeployment,
  waitFor,
  type TestDeployment,
  sendBatchUntilAccepted,
  waitForWorkersCaughtUp,
} from '../support/harness';
import { mismatchesWithReplay } from './compare';
import { expectedState, generateStream, seededRandom } from './stream';

const ORDERS = Number(process.env.SCT_FAULT_ORDERS ?? 3_500);
const BATCH = 250;

let d: TestDeployment;
const figures = {
  sent: 0,
  unique: 0,
  kills: 0,
  brokerRestarts: 0,
  postgresRestarts: 0,
  redisFlushes: 0,
  retriedBatches: 0,
  mismatches: 0,
  brokerDownStatus: '',
  brokerDownAnswerMs: 0,
};

beforeAll(async () => {
  d = await startDeployment();
});

afterAll(async () => {
  await d?.close();
});

/**
 * Restarts the local broker the stack started (its pid file is in .stack/kafka). While it is
 * down, an injection must fail fast with `broker_unavailable` and publish nothing.
 */
async function restartBroker(probe: SupplyChainEvent[]): Promise<boolean> {
  if (!existsSync(path.join(repoRoot, '.stack', 'kafka', 'kafka.pid'))) return false;
  const run = (cmd: string) =>
    spawnSync('npx', ['tsx', 'scripts/stack.ts', cmd], { cwd: repoRoot, stdio: 'ignore', timeout: 120_000 });
  if (run('down').status !== 0) return false;
  const started = Date.now();
  const res = await d.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events: probe }) });
  figures.brokerDownAnswerMs = Date.now() - started;
  figures.brokerDownStatus = `${res.status} ${((await res.json()) as { error: string }).error}`;
  return run('up').status === 0;
}

/** Restarts the local PostgreSQL cluster when this process has the rights to. */
function restartPostgres(): boolean {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/pg_ctlcluster') || !existsSync('/etc/postgresql'))
    return false;
  const version = readdirSync('/etc/postgresql')[0];
  if (!version) return false;
  try {
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], {
      stdio: 'ignore',
      timeout: 60_000,
    });
    return true;
  } catch {
    return false;
  }
}

/** A broker or database restart makes the API answer 503: resend the same batch (same ids). */
function sendBatch(events: SupplyChainEvent[]): Promise<void> {
  return sendBatchUntilAccepted(d, events, () => (figures.retriedBatches += 1));
}

describe('fault injection', () => {
  it('loses and duplicates nothing while workers, the broker, PostgreSQL and Redis fail', async () => {
    const stream = generateStream(ORDERS, d.config.topicPrefix);
    figures.sent = stream.length;
    expect(stream.length).toBeGreaterThanOrEqual(20_000);
    const rnd = seededRandom(7);
    const batches = Math.ceil(stream.length / BATCH);
    // Fault schedule: batch index -> action (seeded random points).
    const schedule = new Map<number, string>();
    const at = () => {
      let i = 1 + Math.floor(rnd() * (batches - 2));
      while (schedule.has(i)) i = (i % (batches - 2)) + 1;
      return i;
    };
    for (const w of WORKER_NAMES) for (let k = 0; k < 3; k++) schedule.set(at(), `kill:${w}`);
    schedule.set(at(), 'broker');
    schedule.set(at(), 'postgres');
    schedule.set(at(), 'redis');
    schedule.set(at(), 'redis');

    const sup = d.core.supervisor!;
    for (let b = 0; b < batches; b++) {
      await sendBatch(stream.slice(b * BATCH, (b + 1) * BATCH));
      const action = schedule.get(b);
      if (!action) continue;
      if (action.startsWith('kill:')) {
        const name = action.slice(5) as WorkerName;
        await waitFor(`${name} running`, async () => sup.health().find((w) => w.name === name)?.pid, 60_000);
        sup.signal(name, 'SIGKILL');
        figures.kills += 1;
      } else if (action === 'broker') {
        // The probe is the next batch: rejected now, sent again (same ids) by the next iteration.
        if (await restartBroker(stream.slice((b + 1) * BATCH, (b + 2) * BATCH))) figures.brokerRestarts += 1;
      } else if (action === 'postgres') {
        if (restartPostgres()) figures.postgresRestarts += 1;
      } else if (action === 'redis') {
        await deleteRedisKeys(d.config);
        figures.redisFlushes += 1;
      }
    }

    // Wait until every group has applied everything that is in the topics.
    await waitForWorkersCaughtUp(d, 300_000, 1_000);

    // Compare with the pure replay.
    const expected = expectedState(stream);
    figures.unique = expected.unique;
    const mismatches = await mismatchesWithReplay(d.core.pool, expected);
    figures.mismatches = mismatches.length;
    console.log(
      `faults: events sent ${figures.sent} (unique ${figures.unique}), kills ${figures.kills}, broker restarts ${figures.brokerRestarts}, ` +
        `postgres restarts ${figures.postgresRestarts}, redis flushes ${figures.redisFlushes}, resent batches ${figures.retriedBatches}, mismatches ${figures.mismatches}`,
    );
    if (figures.brokerRestarts > 0) {
      console.log(
        `faults: injection while the broker was down answered ${figures.brokerDownStatus} in ${figures.brokerDownAnswerMs} ms`,
      );
      expect(figures.brokerDownStatus).toBe('503 broker_unavailable');
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(figures.kills).toBe(9);
  });
});
