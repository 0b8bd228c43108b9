/**
 * The local stack broker requires SASL/SCRAM: a client without credentials and one with a wrong
 * password are refused (quickly, not by a hang), and the whole pipeline (API, the three workers
 * the supervisor starts, PostgreSQL, Redis) works with the credentials the configuration finds in
 * `.stack/kafka/credentials.json`. The password never shows in the API's health output nor on a
 * worker's command line.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderDetail, StackHealth } from '../../contracts';
import { loadConfig, type AppConfig, type KafkaSasl } from '../../runtime/config';
import { connectOrExplain, createKafka, isSaslAuthenticationError } from '../../runtime/kafka';
import { ServiceUnavailableError } from '../../runtime/service-errors';
import { orderCreated, startDeployment, waitFor, type TestDeployment } from '../support/harness';

const base: AppConfig = loadConfig();
let d: TestDeployment | undefined;

/** Runs `work` with an upper bound, so a refused client can never look like a hang. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Connects an admin client with `sasl` and lists topics; resolves with the error it fails with. */
async function attempt(sasl: KafkaSasl | null): Promise<Error | null> {
  const admin = createKafka(
    { kafkaBrokers: base.kafkaBrokers, kafkaSasl: sasl },
    'sasl-test',
    'interactive',
  ).admin();
  try {
    await within(
      15_000,
      (async () => {
        await connectOrExplain(admin, base.kafkaBrokers);
        await admin.listTopics();
      })(),
    );
    return null;
  } catch (err) {
    return err as Error;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

beforeAll(() => {
  if (!base.kafkaSasl)
    throw new Error(
      `no Kafka credentials for ${base.kafkaBrokers.join(',')}: run \`npm run stack:up\` (it writes .stack/kafka/credentials.json) with the same KAFKA_BROKERS`,
    );
});

afterAll(async () => {
  await d?.close();
});

describe('Kafka requires SASL/SCRAM', () => {
  it('refuses a client without credentials, fast', async () => {
    const started = Date.now();
    const err = await attempt(null);
    expect(err).not.toBeNull();
    expect(err!.message).not.toMatch(/still waiting/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('refuses a wrong password with an authentication error that names no password', async () => {
    const sasl = base.kafkaSasl!;
    const wrong = `${sasl.password}-wrong`;
    const err = await attempt({ ...sasl, password: wrong });
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err!.message).toMatch(/SASL authentication failed/);
    expect(err!.message).toMatch(/KAFKA_SASL_PASSWORD/);
    expect(err!.message).not.toContain(wrong);
    expect(err!.message).not.toContain(sasl.password);
  });

  it('recognizes the refusal as a SASL error', async () => {
    const err = await attempt({ ...base.kafkaSasl!, username: `nobody-${randomUUID().slice(0, 6)}` });
    expect(isSaslAuthenticationError(err)).toBe(true);
  });

  it('accepts the stack credentials', async () => {
    expect(await attempt(base.kafkaSasl)).toBeNull();
  });

  it('runs the pipeline with credentials: inject through the API, materialized by the workers', async () => {
    d = await startDeployment();
    expect(d.config.kafkaSasl?.username).toBe(base.kafkaSasl!.username);
    const id = `o-${randomUUID().slice(0, 8)}`;
    const res = await d.api('/api/events', { method: 'POST', body: JSON.stringify(orderCreated(id)) });
    expect(res.status).toBe(202);
    const order = await waitFor('order visible', async () => {
      const r = await d!.api(`/api/orders/${id}`);
      return r.status === 200 ? ((await r.json()) as OrderDetail) : null;
    });
    expect(order.status).toBe('created');

    // Health: every service up, addresses shown, no secret in the answer.
    const healthText = await waitFor('all services up', async () => {
      const r = await d!.api('/api/health');
      const text = await r.text();
      const h = JSON.parse(text) as StackHealth;
      // Running processes AND consumers in their groups (the broker's view, not the supervisor's).
      return h.services.every((s) => s.state === 'up') &&
        h.workers.every((w) => w.state === 'running' && w.consumer?.state === 'consuming')
        ? text
        : null;
    });
    expect(healthText).toContain(base.kafkaBrokers[0]);
    expect(healthText).not.toContain(base.kafkaSasl!.password);

    // Workers got the credentials through their environment, not their command line.
    const pids = (JSON.parse(healthText) as StackHealth).workers.map((w) => w.pid).filter((p) => p !== null);
    expect(pids).toHaveLength(3);
    for (const pid of pids) {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      expect(cmdline).not.toContain(base.kafkaSasl!.password);
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      expect(environ).toContain(`KAFKA_SASL_USERNAME=${base.kafkaSasl!.username}`);
    }
  });
});
