import { describe, expect, it } from 'vitest';
import type { Pool } from './db';
import { createOperator } from './operators';

/** A pool that fails the test if the input check lets anything through to PostgreSQL. */
const untouchedPool = {
  query: () => {
    throw new Error('the database must not be reached');
  },
} as unknown as Pool;

describe('createOperator input rules', () => {
  it('refuses display names with control characters before touching the database', async () => {
    for (const displayName of ['a\u001b[31mred', 'two\nlines', 'tab\there', 'del\u007f', 'c1\u009b']) {
      await expect(
        createOperator(untouchedPool, {
          username: 'sam',
          displayName,
          role: 'viewer',
          password: 'correct horse battery',
        }),
        JSON.stringify(displayName),
      ).rejects.toThrow(/display name must not contain control characters/);
    }
    // The same input with a plain name passes the checks and reaches the database.
    await expect(
      createOperator(untouchedPool, {
        username: 'sam',
        displayName: 'Sam Ortiz',
        role: 'viewer',
        password: 'correct horse battery',
      }),
    ).rejects.toThrow(/must not be reached/);
  });
});
