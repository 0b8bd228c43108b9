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
