/**
 * QA (session 6): some administration left no audit row. Now, against a real PostgreSQL:
 * - `npm run operator` (add, set-role, disable, enable, passwd) records each change with the OS
 *   user who ran it (`os:<user>`, method `cli`, never the password), and a refused change too;
 * - `POST /api/settings/test` (it makes the core connect to addresses the caller names) is
 *   audited when it runs and when it is refused (403 for a role without `configure`).
 */
import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperator } from '../../runtime/operators';
import { FAST_HASH, repoRoot, startDeployment, type TestDeployment } from '../support/harness';

let d: TestDeployment;

beforeAll(async () => {
  d = await startDeployment({ workers: false });
}, 120_000);

afterAll(async () => {
  await d?.close();
});

interface Row {
  actor: string;
  auth_method: string;
  action: string;
  outcome: string;
  detail: Record<string, unknown>;
}

async function auditRows(actions: string[]): Promise<Row[]> {
  const { rows } = await d.core.pool.query<Row>(
    'SELECT actor, auth_method, action, outcome, detail FROM audit_log WHERE action = ANY($1) ORDER BY id',
    [actions],
  );
  return rows;
}

/** Runs `npm run operator -- <args>` (as tsx) against the deployment's database. */
function operator(args: string[], stdin = ''): number {
  const r = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      path.join(repoRoot, 'scripts', 'operator.ts'),
      ...args,
    ],
    {
      env: { ...process.env, DATABASE_URL: d.config.databaseUrl },
      input: stdin,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return r.status ?? -1;
}

describe('audit of administration', () => {
  it('names the OS user behind every operator account change from the command line, refused ones too', async () => {
    const password = 'a-long-enough-password-1';
    expect(operator(['add', 'qa-ana', '--role', 'viewer', '--password-stdin'], `${password}\n`)).toBe(0);
    expect(operator(['set-role', 'qa-ana', 'supervisor'])).toBe(0);
    expect(operator(['disable', 'qa-ana'])).toBe(0);
    expect(operator(['enable', 'qa-ana'])).toBe(0);
    expect(operator(['passwd', 'qa-ana', '--password-stdin'], 'another-long-password-2\n')).toBe(0);
    expect(operator(['set-role', 'nobody-here', 'viewer'])).toBe(2);
    const rows = await auditRows([
      'operators.add',
      'operators.set_role',
      'operators.disable',
      'operators.enable',
      'operators.passwd',
    ]);
    expect(rows.map((r) => [r.action, r.outcome, r.detail['username']])).toEqual([
      ['operators.add', 'ok', 'qa-ana'],
      ['operators.set_role', 'ok', 'qa-ana'],
      ['operators.disable', 'ok', 'qa-ana'],
      ['operators.enable', 'ok', 'qa-ana'],
      ['operators.passwd', 'ok', 'qa-ana'],
      ['operators.set_role', 'rejected', 'nobody-here'],
    ]);
    for (const r of rows) {
      expect(r.actor).toBe(`os:${userInfo().username}`);
      expect(r.auth_method).toBe('cli');
      expect(JSON.stringify(r.detail)).not.toContain('password-');
    }
  });

  it('audits connection tests, run and refused', async () => {
    const settings = (await (await d.api('/api/settings')).json()) as { values: Record<string, unknown> };
    const ok = await d.api('/api/settings/test', { method: 'POST', body: JSON.stringify(settings.values) });
    expect(ok.status).toBe(200);
    await createOperator(
      d.core.pool,
      { username: 'qa-viewer', role: 'viewer', password: 'a-long-viewer-password' },
      FAST_HASH,
    );
    const login = await fetch(`${d.core.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'qa-viewer', password: 'a-long-viewer-password' }),
    });
    const token = ((await login.json()) as { token: string }).token;
    const refused = await fetch(`${d.core.url}/api/settings/test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(settings.values),
    });
    expect(refused.status).toBe(403);
    const rows = await auditRows(['settings.test']);
    expect(rows.map((r) => [r.actor, r.outcome])).toEqual([
      [expect.stringMatching(/^os:/), 'ok'],
      ['qa-viewer', 'rejected'],
    ]);
    const services = rows[0]!.detail['services'] as { name: string; reached: boolean }[];
    expect(services.map((s) => s.name).sort()).toEqual(['kafka', 'postgres', 'redis']);
  });
});
