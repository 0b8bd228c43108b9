/** `stack:up`'s decision for PostgreSQL and Redis, with the machine faked (nothing shared is started or stopped). */
import { describe, expect, it, vi } from 'vitest';
import { ensureLocalService, planLocalService, type LocalServiceDeps } from './local-services';

function machine(
  over: Partial<LocalServiceDeps> & { answersAfterStart?: boolean; upAtFirst?: boolean } = {},
) {
  let started = false;
  const run = vi.fn((_command: string[]) => {
    started = true;
    return { status: 0, output: '' };
  });
  const deps: LocalServiceDeps = {
    reachable: async () => (over.upAtFirst ?? false) || (started && (over.answersAfterStart ?? true)),
    onPath: () => true,
    postgresVersions: () => ['15', '16'],
    run,
    sleep: async () => undefined,
    ...over,
  };
  return { deps, run };
}

describe('stack:up for PostgreSQL and Redis', () => {
  it('leaves a service that answers alone', async () => {
    const { deps, run } = machine({ upAtFirst: true });
    const r = await ensureLocalService(
      'postgres',
      { host: '127.0.0.1', port: 5432 },
      'postgres://postgres@127.0.0.1:5432/sct',
      deps,
    );
    expect(r).toMatchObject({ ok: true, started: false });
    expect(r.message).toMatch(/^PostgreSQL\s+up /);
    expect(run).not.toHaveBeenCalled();
  });

  it('starts an installed, stopped PostgreSQL with its newest cluster and waits until it answers', async () => {
    const { deps, run } = machine();
    const r = await ensureLocalService('postgres', { host: '127.0.0.1', port: 5432 }, 'pg', deps);
    expect(run).toHaveBeenCalledWith(['pg_ctlcluster', '--skip-systemctl-redirect', '16', 'main', 'start']);
    expect(r).toMatchObject({ ok: true, started: true });
  });

  it('starts a stopped Redis on the configured port', async () => {
    const { deps, run } = machine();
    const r = await ensureLocalService(
      'redis',
      { host: '127.0.0.1', port: 6390 },
      'redis://127.0.0.1:6390/0',
      deps,
    );
    expect(run.mock.calls[0]![0]).toEqual([
      'redis-server',
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '--port',
      '6390',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    expect(r.message).toContain(`--save "" --appendonly no`);
  });

  it('says exactly how to install a missing service, and runs nothing', async () => {
    const { deps, run } = machine({ onPath: () => false });
    const pgResult = await ensureLocalService('postgres', { host: '127.0.0.1', port: 5432 }, 'pg', deps);
    expect(pgResult.ok).toBe(false);
    expect(pgResult.message).toContain('sudo apt-get install -y postgresql');
    const redis = await ensureLocalService('redis', { host: 'localhost', port: 6379 }, 'redis', deps);
    expect(redis.message).toContain('sudo apt-get install -y redis-server');
    expect(run).not.toHaveBeenCalled();
    // pg_ctlcluster present but no cluster: install too.
    expect(
      planLocalService({
        service: 'postgres',
        reachable: false,
        host: '127.0.0.1',
        port: 5432,
        postgresVersions: [],
        installed: true,
      }).action,
    ).toBe('install');
  });

  it('never starts a service configured on another machine', async () => {
    const { deps, run } = machine();
    const r = await ensureLocalService(
      'redis',
      { host: 'cache.site', port: 6379 },
      'redis://cache.site:6379/0',
      deps,
    );
    expect(r.message).toContain('on another machine');
    expect(run).not.toHaveBeenCalled();
  });

  it('reports a start that fails or never answers, with the command', async () => {
    const failing = machine({
      run: () => ({ status: 1, output: 'Error: /var/lib/postgresql/16/main is not accessible' }),
    });
    const r = await ensureLocalService('postgres', { host: '127.0.0.1', port: 5432 }, 'pg', failing.deps);
    expect(r).toMatchObject({ ok: false, started: false });
    expect(r.message).toContain('exit status 1: Error: /var/lib/postgresql/16/main is not accessible');
    const silent = machine({ answersAfterStart: false });
    const s = await ensureLocalService(
      'redis',
      { host: '127.0.0.1', port: 6379 },
      'redis',
      silent.deps,
      1_000,
    );
    expect(s.message).toContain('did not answer within 1 s');
  });
});
