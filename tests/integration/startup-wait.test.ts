/**
 * The core started with Kafka and PostgreSQL unreachable (issue 13 item 1): it opens the API at
 * once in a waiting state (the connection screen's data), refuses injections with 503
 * `broker_unavailable`, and completes its start (database created and migrated, topics created,
 * publisher connected) as soon as the services answer, without a restart.
 *
 * "Unreachable, then up" without stopping any shared service: the core is configured with
 * addresses on closed local ports; the test then opens a plain TCP forwarder on each port to the
 * real PostgreSQL and to this checkout's own Kafka broker (KAFKA_BROKERS). Real services, real
 * clients; only the moment they become reachable is the test's.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { StartupDetail, StartupSummary } from '../../contracts';
import { loadConfig, type AppConfig } from '../../runtime/config';
import { dropDatabase, migrationsDir } from '../../runtime/db';
import { createLogger } from '../../runtime/logger';
import { openCore, type Core } from '../../server/core';
import { closedPort, Forwarder } from '../support/forwarder';
import { deleteRedisKeys, deleteTopics, orderCreated, repoRoot, waitFor } from '../support/harness';

describe('core start-up with the stack unreachable', () => {
  let core: Core | null = null;
  let config: AppConfig;
  const forwarders: Forwarder[] = [];

  afterAll(async () => {
    await core?.stop();
    if (config) {
      await deleteTopics(config).catch(() => undefined);
      await deleteRedisKeys(config).catch(() => undefined);
      await dropDatabase(config.databaseUrl).catch(() => undefined);
    }
    for (const f of forwarders) await f.close();
  });

  it('serves the API while waiting, names what failed, and completes its start when the services come up', async () => {
    const base = loadConfig();
    const pgTarget = new URL(base.databaseUrl);
    const [brokerHost, brokerPort] = base.kafkaBrokers[0]!.split(':');
    const pgPort = await closedPort();
    const kafkaPort = await closedPort();
    const pg = new Forwarder(pgPort, { host: pgTarget.hostname, port: Number(pgTarget.port || 5432) });
    const kafka = new Forwarder(kafkaPort, { host: brokerHost!, port: Number(brokerPort) });
    forwarders.push(pg, kafka);
    const id = randomBytes(4).toString('hex');
    const dbUrl = new URL(base.databaseUrl);
    dbUrl.port = String(pgPort);
    dbUrl.pathname = `/sct_test_${id}`;
    config = {
      ...base,
      kafkaBrokers: [`127.0.0.1:${kafkaPort}`],
      kafkaSasl: base.kafkaSasl, // the stack's login, taken for the real broker's address
      databaseUrl: dbUrl.toString(),
      topicPrefix: `t${id}`,
      apiPort: 0,
      logLevel: 'warn',
    };

    core = await openCore({
      config,
      log: createLogger('startup-wait', 'silent'),
      migrationsDir: migrationsDir(repoRoot),
    });
    const api = (p: string, init: RequestInit = {}) =>
      fetch(`${core!.url}${p}`, {
        ...init,
        headers: {
          authorization: `Bearer ${core!.token}`,
          'content-type': 'application/json',
          ...init.headers,
        },
      });

    // Waiting: the API answers, before sign-in only with the phase and up/down per service.
    const detail = await waitFor('both required services reported down', async () => {
      const d = (await (await api('/api/startup/detail')).json()) as StartupDetail;
      return d.services.filter((s) => s.required && s.state === 'down').length === 2 ? d : null;
    });
    expect(detail.phase).toBe('connecting');
    const pgLine = detail.services.find((s) => s.name === 'postgres')!;
    expect(pgLine.address).toContain(`:${pgPort}/sct_test_${id}`);
    expect(pgLine.error).toMatch(/^PostgreSQL is not reachable at .*connection refused.*To fix:/);
    expect(detail.services.find((s) => s.name === 'kafka')!.error).toMatch(
      new RegExp(`^Kafka is not reachable at 127\\.0\\.0\\.1:${kafkaPort}`),
    );
    const summary = (await (await fetch(`${core.url}/api/startup`)).json()) as StartupSummary;
    expect(summary.phase).toBe('connecting');
    expect(JSON.stringify(summary)).not.toContain(String(pgPort));
    const refused = await api('/api/events', {
      method: 'POST',
      body: JSON.stringify(orderCreated(`O-wait-${id}`)),
    });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toBe('broker_unavailable');

    // PostgreSQL comes up: reported, the start still waits for Kafka.
    await pg.open();
    await waitFor(
      'PostgreSQL reported up',
      async () => {
        const d = (await (await api('/api/startup/detail')).json()) as StartupDetail;
        return d.services.find((s) => s.name === 'postgres')?.state === 'up' && d.phase === 'connecting';
      },
      60_000,
      300,
    );

    // Kafka comes up: the core migrates, creates the topics and is ready, without a restart.
    await kafka.open();
    await waitFor(
      'the start completed',
      async () => ((await (await api('/api/startup/detail')).json()) as StartupDetail).phase === 'ready',
      120_000,
      300,
    );
    const { rows } = await core.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pgmigrations');
    expect(rows[0]!.n).toBeGreaterThan(5);
    const accepted = await api('/api/events', {
      method: 'POST',
      body: JSON.stringify(orderCreated(`O-wait-${id}`)),
    });
    expect(accepted.status).toBe(202);
    expect(((await accepted.json()) as { topic: string }).topic).toBe(`t${id}.orders`);
  });
});
