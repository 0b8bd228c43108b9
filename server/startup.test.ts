/** The start-up wait with injected steps: waits with backoff while a required service is down, then starts once. */
import { describe, expect, it, vi } from 'vitest';
import type { ServiceProbe } from '../contracts';
import { createLogger } from '../runtime/logger';
import { StartupController, type StartupSteps } from './startup';

const up = (name: ServiceProbe['name']): ServiceProbe => ({
  name,
  address: `${name}-address`,
  reached: true,
  version: `${name} 1`,
  latencyMs: 3,
  error: null,
});
const down = (name: ServiceProbe['name']): ServiceProbe => ({
  name,
  address: `${name}-address`,
  reached: false,
  version: null,
  latencyMs: null,
  error: `${name} is not reachable at ${name}-address (connection refused).`,
});
const addresses = { kafka: 'kafka-address', postgres: 'postgres-address', redis: 'redis-address' };
const log = createLogger('startup-test', 'silent');

function steps(rounds: ServiceProbe[][]): StartupSteps & { calls: string[] } {
  const calls: string[] = [];
  let i = 0;
  return {
    calls,
    probe: async () => rounds[Math.min(i++, rounds.length - 1)]!,
    migrate: async () => void calls.push('migrate'),
    createTopics: async () => void calls.push('topics'),
    startWorkers: () => void calls.push('workers'),
  };
}

describe('StartupController', () => {
  it('waits while PostgreSQL is down, names it, and starts once when it answers (Redis not required)', async () => {
    const s = steps([
      [up('kafka'), down('postgres'), down('redis')],
      [up('kafka'), down('postgres'), down('redis')],
      [up('kafka'), up('postgres'), down('redis')],
    ]);
    const c = new StartupController(s, log, addresses, { baseMs: 1, maxMs: 2 });
    const first = c.firstOutcome();
    const run = c.run();
    const outcome = await first;
    expect(outcome.ready).toBe(false);
    expect(!outcome.ready && outcome.error.message).toContain('postgres is not reachable');
    await run;
    await c.whenReady();
    expect(s.calls).toEqual(['migrate', 'topics', 'workers']);
    const d = c.detail();
    expect(d.phase).toBe('ready');
    expect(d.attempt).toBe(3);
    expect(d.services.map((x) => [x.name, x.state, x.required])).toEqual([
      ['kafka', 'up', true],
      ['postgres', 'up', true],
      ['redis', 'down', false],
    ]);
  });

  it('keeps a failed migration as the problem and retries it', async () => {
    const s = steps([[up('kafka'), up('postgres'), up('redis')]]);
    let failures = 1;
    s.migrate = vi.fn(async () => {
      if (failures-- > 0) throw new Error('relation "x" already exists');
    });
    const c = new StartupController(s, log, addresses, { baseMs: 1, maxMs: 1 });
    const run = c.run();
    expect((await c.firstOutcome()).ready).toBe(false);
    expect(c.detail().problem).toMatch(
      /Start failed while applying the migrations: relation "x" already exists/,
    );
    await run;
    expect(c.detail()).toMatchObject({ phase: 'ready', problem: null });
    expect(s.migrate).toHaveBeenCalledTimes(2);
  });

  it('stops probing when stopped, without starting anything', async () => {
    const s = steps([[down('kafka'), up('postgres'), up('redis')]]);
    const c = new StartupController(s, log, addresses, { baseMs: 60_000, maxMs: 60_000 });
    const run = c.run();
    await c.firstOutcome();
    expect(c.detail().nextAttemptAt).not.toBeNull();
    c.markRestarting();
    await run;
    expect(c.detail().phase).toBe('restarting');
    expect(s.calls).toEqual([]);
  });
});
