/**
 * Redis with an ACL user: `createRedis` logs in with the user and password of REDIS_URL
 * (`redis://user:password@host:port/db`), a wrong password is refused, the password never shows
 * in a log line, and a whole deployment (API and workers) runs with that user. The user is created
 * with `ACL SETUSER` under a random name on the local Redis and deleted afterwards.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderDetail, StackHealth } from '../../contracts';
import { loadConfig, redactUrl, describeConfig } from '../../runtime/config';
import { createLogger } from '../../runtime/logger';
import { probeRedis } from '../../runtime/probes';
import { createRedis, redisFailureCause, type RedisClient } from '../../runtime/redis';
import { redisHealth } from '../../server/api/health';
import { orderCreated, startDeployment, waitFor, type TestDeployment } from '../support/harness';

const base = loadConfig();
const user = `sct_acl_${randomBytes(4).toString('hex')}`;
const password = randomBytes(18).toString('base64url');
let admin: RedisClient;
let d: TestDeployment | undefined;

/** REDIS_URL of the base configuration with `user:pass` in it. */
function urlWith(u: string, p: string): string {
  const url = new URL(base.redisUrl);
  url.username = u;
  url.password = p;
  return url.toString();
}

beforeAll(async () => {
  admin = createRedis(base);
  await waitFor('Redis ready', async () => (await admin.ping()) === 'PONG', 10_000);
  await admin.call('ACL', 'SETUSER', user, 'reset', 'on', `>${password}`, '~*', '&*', '+@all');
});

afterAll(async () => {
  await d?.close();
  await admin.call('ACL', 'DELUSER', user).catch(() => undefined);
  admin.disconnect();
});

describe('Redis ACL user', () => {
  it('logs in through createRedis with the user and password of REDIS_URL', async () => {
    const client = createRedis({ redisUrl: urlWith(user, password) });
    try {
      await waitFor('ACL client ready', async () => client.status === 'ready', 10_000);
      expect(await client.call('ACL', 'WHOAMI')).toBe(user);
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });

  it('is refused with a wrong password, and no password reaches the logs', async () => {
    const wrong = `${password}x`;
    const url = urlWith(user, wrong);
    const client = createRedis({ redisUrl: url });
    const errors: Error[] = [];
    client.on('error', (e: Error) => errors.push(e));
    try {
      const refusal = await waitFor(
        'refusal',
        async () => errors.find((e) => /WRONGPASS|NOAUTH|invalid username-password/i.test(e.message)),
        10_000,
        50,
      );
      expect(client.status).not.toBe('ready');
      await expect(client.ping()).rejects.toThrow();

      const lines: string[] = [];
      const log = createLogger(
        'acl-test',
        'info',
        new Writable({
          write(chunk: Buffer, _e, done) {
            lines.push(chunk.toString('utf8'));
            done();
          },
        }),
      );
      log.warn({ err: refusal, redis: redactUrl(url) }, 'Redis refused the login');
      log.info({ redisUrl: url }, 'raw url field');
      log.info({ config: describeConfig({ ...base, redisUrl: url }) }, 'config');
      const out = lines.join('');
      expect(out).toContain(user);
      expect(out).not.toContain(wrong);
      expect(out).not.toContain(password);
      expect(refusal.message).not.toContain(wrong);
    } finally {
      client.disconnect();
    }
  });

  it('a wrong password is named a refused login with the REDIS_URL fix, not "not reachable ... start Redis" (QA: "Connection is closed.")', async () => {
    const wrong = `${password}x`;
    const url = urlWith(user, wrong);
    // The start-up wait and the settings' Test connection (runtime/probes.ts).
    const probe = await probeRedis(url);
    expect(probe.reached).toBe(false);
    expect(probe.error).toMatch(/^Redis refused the login at redis:\/\/sct_acl_\w+:\*\*\*@.* \(WRONGPASS /);
    expect(probe.error).toMatch(/To fix: check the user and password in REDIS_URL/);
    expect(probe.error).not.toMatch(/Connection is closed|start Redis/);
    expect(probe.error).not.toContain(wrong);
    // A long-lived client (the core's, the workers'): its health and the cause of a failed command.
    const client = createRedis({ redisUrl: url });
    try {
      await waitFor(
        'refused',
        async () => redisFailureCause(client)?.startsWith('WRONGPASS') ?? false,
        10_000,
        50,
      );
      const err = await client.ping().then(
        () => null,
        (e: unknown) => e,
      );
      expect(redisFailureCause(client, err)).toMatch(/^WRONGPASS /);
      const health = await redisHealth(client, redactUrl(url));
      expect(health.state).toBe('down');
      expect(health.detail).not.toContain('..');
      expect(health.detail).toMatch(/^WRONGPASS .*To fix: check the user and password in REDIS_URL/);
    } finally {
      client.disconnect();
    }
  });

  it('an ACL user lacking a command is named a refused command with the ACL fix', async () => {
    const limited = `${user}_noping`;
    await admin.call('ACL', 'SETUSER', limited, 'reset', 'on', `>${password}`, '~*', '&*', '+@all', '-ping');
    try {
      const probe = await probeRedis(urlWith(limited, password));
      expect(probe.reached).toBe(false);
      expect(probe.error).toMatch(
        /^Redis refused a command \(the login was accepted\) at .*NOPERM.*To fix: give the ACL user of REDIS_URL/,
      );
    } finally {
      await admin.call('ACL', 'DELUSER', limited).catch(() => undefined);
    }
  });

  it('runs a deployment (API and workers) with the ACL user; health shows the address without the password', async () => {
    const url = urlWith(user, password);
    d = await startDeployment({ env: { REDIS_URL: url } });
    expect(d.config.redisUrl).toBe(url);
    const id = `o-${randomUUID().slice(0, 8)}`;
    const res = await d.api('/api/events', { method: 'POST', body: JSON.stringify(orderCreated(id)) });
    expect(res.status).toBe(202);
    await waitFor('order visible', async () => {
      const r = await d!.api(`/api/orders/${id}`);
      return r.status === 200 ? ((await r.json()) as OrderDetail) : null;
    });
    // The order-processor wrote the summary into Redis as the ACL user.
    await waitFor(
      'cached summary',
      async () => (await admin.exists(`${d!.config.topicPrefix}:order:${id}`)) === 1,
    );
    const text = await (await d.api('/api/health')).text();
    const redis = (JSON.parse(text) as StackHealth).services.find((s) => s.name === 'redis')!;
    expect(redis.state).toBe('up');
    expect(redis.address).toBe(redactUrl(url));
    expect(text).not.toContain(password);
  });
});
