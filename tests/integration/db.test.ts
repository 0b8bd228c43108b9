/** PostgreSQL helpers against the real server: a connection dropped mid-transaction must not crash the process. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../runtime/config';
import {
  createDatabaseIfMissing,
  createPool,
  dropDatabase,
  withTransaction,
  type Pool,
  type PoolClient,
} from '../../runtime/db';

const base = loadConfig();
const url = new URL(base.databaseUrl);
url.pathname = `/sct_test_db_${randomBytes(4).toString('hex')}`;
let pool: Pool;

beforeAll(async () => {
  await createDatabaseIfMissing(url.toString());
  pool = createPool({ databaseUrl: url.toString() }, 3);
});

afterAll(async () => {
  await pool.end();
  await dropDatabase(url.toString());
});

describe('withTransaction', () => {
  it('rejects, instead of crashing on an unheard error event, when the server drops the connection', async () => {
    await expect(
      withTransaction(pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]); // from another connection
        await new Promise((r) => setTimeout(r, 300)); // the drop arrives while the client is idle in the transaction
        await client.query('SELECT 1');
      }),
    ).rejects.toThrow();
    // The pool still works: the dead connection was not handed out again.
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
  });
});

describe('withTransaction with timeouts', () => {
  it('bounds that transaction only, with no round trip of its own', async () => {
    const real = await pool.connect();
    const sent: string[] = [];
    // The transaction's client, counting what it sends; kept after the transaction to look at
    // the connection's own settings.
    const counted = {
      query: (text: string, values?: unknown[]) => {
        sent.push(text);
        return real.query(text, values);
      },
      on: real.on.bind(real),
      off: real.off.bind(real),
      release: () => undefined,
    } as unknown as PoolClient;
    const inside = await withTransaction(
      { connect: async () => counted } as unknown as Pool,
      async (client) =>
        (
          await client.query<{ lock: string; statement: string }>(
            "SELECT current_setting('lock_timeout') AS lock, current_setting('statement_timeout') AS statement",
          )
        ).rows[0],
      { lockTimeoutMs: 1_500, statementTimeoutMs: 20_000 },
    );
    expect(inside).toEqual({ lock: '1500ms', statement: '20s' });
    expect(sent).toHaveLength(3); // BEGIN with the bounds, the work, COMMIT
    // SET LOCAL: after the commit the same connection has the server's defaults again.
    const after = await real.query<{ lock: string }>("SELECT current_setting('lock_timeout') AS lock");
    real.release();
    expect(after.rows[0]!.lock).toBe('0');
  });
});
