/**
 * The broker restarted while two instances of every worker consume: a fixed stream flows through
 * the API while a second instance of each worker joins its group (a rebalance) and then the local
 * Kafka broker is stopped and started again with the project's stack script, the way the fault
 * suite does it. At the end the read models and KPI totals must equal a pure replay of the stream,
 * exactly: zero lost, zero counted twice. Prints the figures.
 *
 * It restarts the broker only when this checkout's stack started it (`.stack/kafka/kafka.pid`
 * exists, as in CI); against a broker someone else runs it skips itself and says why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SupplyChainEvent, WORKER_NAMES, consumerGroup } from '../../contracts';
import { workerEnv } from '../../server/core';
import { createKafka } from '../../runtime/kafka';
import { mismatchesWithReplay } from '../faults/compare';
import { expectedState, generateStream } from '../faults/stream';
import {
  repoRoot,
  startDeployment,
  waitFor,
  type TestDeployment,
  sendBatchUntilAccepted,
  waitForWorkersCaughtUp,
} from '../support/harness';

const WORKERS = WORKER_NAMES;
const ORDERS = Number(process.env.SCT_BROKER_RESTART_ORDERS ?? 600);
const BATCH = 250;
const pidFile = path.join(repoRoot, '.stack', 'kafka', 'kafka.pid');
const ownBroker = existsSync(pidFile);
if (!ownBroker)
  console.log(
    `broker-restart: skipped: ${pidFile} does not exist, so the broker on KAFKA_BROKERS was not started by this ` +
      "checkout's stack (`npm run stack:up`); restarting it would disrupt whoever runs it.",
  );

let d: TestDeployment;
/** Second instances, started on their own (as on a server) and restarted when they exit. */
const extra = new Map<string, ChildProcess>();
let keepExtras = true;
const figures = { sent: 0, unique: 0, resentBatches: 0, extraRestarts: 0, brokerDownMs: 0, recoveryMs: 0 };

function startExtra(name: (typeof WORKERS)[number]): void {
  const child = spawn(process.execPath, [path.join(repoRoot, 'out', 'workers', `${name}.mjs`)], {
    env: workerEnv(d.config),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  extra.set(name, child);
  child.once('exit', () => {
    if (!keepExtras) return;
    figures.extraRestarts += 1;
    setTimeout(() => keepExtras && startExtra(name), 1_000);
  });
}

beforeAll(async () => {
  if (ownBroker) d = await startDeployment();
});

afterAll(async () => {
  keepExtras = false;
  for (const child of extra.values()) child.kill('SIGTERM');
  await d?.close();
});

/** Stops or starts the local broker exactly as the fault suite does. */
function stack(cmd: 'down' | 'up'): boolean {
  return (
    spawnSync('npx', ['tsx', 'scripts/stack.ts', cmd], { cwd: repoRoot, stdio: 'ignore', timeout: 120_000 })
      .status === 0
  );
}

/** While the broker is down the API answers 503: resend the same batch (same ids). */
function sendBatch(events: SupplyChainEvent[]): Promise<void> {
  return sendBatchUntilAccepted(d, events, () => (figures.resentBatches += 1));
}

async function groupMembers(group: string): Promise<number> {
  const admin = createKafka(d.config, 'sct-broker-restart').admin();
  await admin.connect();
  try {
    return (await admin.describeGroups([group])).groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

describe('broker restart while two instances of every worker consume', () => {
  it.skipIf(!ownBroker)('loses and duplicates nothing through a rebalance and a broker restart', async () => {
    const stream = generateStream(ORDERS, d.config.topicPrefix, 11);
    figures.sent = stream.length;
    const batches = Math.ceil(stream.length / BATCH);
    const joinAt = Math.floor(batches / 4);
    const restartAt = Math.floor(batches / 2);
    for (let b = 0; b < batches; b++) {
      await sendBatch(stream.slice(b * BATCH, (b + 1) * BATCH));
      if (b === joinAt) {
        for (const name of WORKERS) startExtra(name);
        for (const name of WORKERS)
          await waitFor(
            `${name}: two members`,
            async () => (await groupMembers(consumerGroup(d.config.topicPrefix, name))) === 2,
            60_000,
            500,
          );
      } else if (b === restartAt) {
        const down = Date.now();
        expect(stack('down')).toBe(true);
        expect(stack('up')).toBe(true);
        figures.brokerDownMs = Date.now() - down;
      }
    }
    const sentAll = Date.now();

    // Every group caught up with everything in the topics.
    await waitForWorkersCaughtUp(d, 240_000, 500);
    figures.recoveryMs = Date.now() - sentAll;
    const members = await waitFor(
      'both instances in every group',
      async () => {
        const m = await Promise.all(WORKERS.map((n) => groupMembers(consumerGroup(d.config.topicPrefix, n))));
        return m.every((x) => x === 2) ? m : null;
      },
      60_000,
      1_000,
    );

    // Exact comparison with the pure replay.
    const expected = expectedState(stream);
    figures.unique = expected.unique;
    const mismatches = await mismatchesWithReplay(d.core.pool, expected);

    console.log(
      `broker-restart: events sent ${figures.sent} (unique ${figures.unique}), broker down+up ${figures.brokerDownMs} ms, ` +
        `resent batches ${figures.resentBatches}, second-instance restarts ${figures.extraRestarts}, ` +
        `caught up ${figures.recoveryMs} ms after the last batch, members per group ${members.join('/')}, ` +
        `events lost ${mismatches.length === 0 ? 0 : 'see mismatches'}, mismatches ${mismatches.length}`,
    );
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(members).toEqual([2, 2, 2]);
  });
});
