import { describe, expect, it } from 'vitest';
import type { Principal } from '../../contracts';
import type { Pool } from '../../runtime/db';
import { createLogger } from '../../runtime/logger';
import { recordAudit, storableText } from './audit-log';

const principal: Principal = {
  operator: 'qa',
  displayName: 'QA',
  role: 'owner',
  method: 'session',
  expiresAt: null,
};

describe('audit rows hold only text PostgreSQL can store', () => {
  it('replaces NUL and lone surrogates, keeps pairs, tabs and newlines', () => {
    expect(storableText('fixed\u0000')).toBe('fixed\uFFFD');
    expect(storableText('a\ud800b\udc00c')).toBe('a\uFFFDb\uFFFDc');
    expect(storableText('😀 é\tline\nnext')).toBe('😀 é\tline\nnext');
  });

  it('writes the row of an action already done even when its reason or detail carry a NUL', async () => {
    const params: unknown[][] = [];
    const pool = { query: async (_sql: string, p: unknown[]) => void params.push(p) } as unknown as Pool;
    await recordAudit(pool, createLogger('audit-test', 'silent'), {
      principal,
      action: 'dead_letters.redrive',
      outcome: 'ok',
      status: 202,
      reason: 'fixed\u0000',
      detail: { note: 'a\u0000b', list: ['c\u0000'] },
    });
    const [row] = params;
    expect(JSON.stringify(row)).not.toMatch(/\\u0000/);
    expect(row![6]).toBe('fixed\uFFFD');
    expect(JSON.parse(row![7] as string)).toEqual({ note: 'a\uFFFDb', list: ['c\uFFFD'] });
  });
});
