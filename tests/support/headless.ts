/**
 * Runs the real headless console (`out/headless/serve.mjs`: API + workers + built console) as a
 * child process on an isolated database and topic prefix, for end-to-end tests in Chromium.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { topicNames } from '../../contracts';
import { loadConfig } from '../../runtime/config';
import { dropDatabase } from '../../runtime/db';
import { createKafka } from '../../runtime/kafka';
import { deleteRedisKeys, repoRoot } from './harness';

export interface HeadlessConsole {
  url: string;
  token: string;
  prefix: string;
  /**
   * The console's own database (one per run, dropped by `close`), e.g. to create operator
   * accounts with `createOperator(createPool({ databaseUrl }), ...)` from runtime/operators.ts.
   */
  databaseUrl: string;
  api(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Starts `node out/headless/serve.mjs` and waits for its `ready` message (services answered, start
 * completed), or with `until: 'listening'` only for its API (e.g. to see the connection screen);
 * `env` adds to its environment; `databasePort` puts its database behind another local port (e.g.
 * a closed one that a test's forwarder opens later).
 */
export async function startHeadless(
  opts: { until?: 'ready' | 'listening'; env?: NodeJS.ProcessEnv; databasePort?: number } = {},
): Promise<HeadlessConsole> {
  const id = randomBytes(4).toString('hex');
  const base = loadConfig();
  const db = new URL(base.databaseUrl);
  db.pathname = `/sct_e2e_${id}`;
  if (opts.databasePort !== undefined) db.port = String(opts.databasePort);
  const prefix = `e${id}`;
  const token = randomBytes(24).toString('base64url');
  // Each console its own offline outbox (not the checkout's .stack/outbox): no queue shared between runs.
  const outboxDir = path.join(tmpdir(), `sct-e2e-outbox-${id}`);
  const child: ChildProcess = fork(path.join(repoRoot, 'out', 'headless', 'serve.mjs'), [], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: db.toString(),
      SCT_TOPIC_PREFIX: prefix,
      SCT_API_TOKEN: token,
      SCT_LOG_LEVEL: 'warn',
      SCT_OUTBOX_DIR: outboxDir,
      ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('headless console did not start within 60 s')), 60_000);
    child.on('message', (m: { type?: string; url?: string }) => {
      if (m.type === (opts.until ?? 'ready') && m.url) {
        clearTimeout(t);
        resolve(m.url);
      }
    });
    child.once('exit', (code) => reject(new Error(`headless console exited with ${code}`)));
  });
  return {
    url,
    token,
    prefix,
    databaseUrl: db.toString(),
    api: (p, init = {}) =>
      fetch(`${url}${p}`, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(init.headers ?? {}),
        },
      }),
    close: async () => {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 15_000).unref();
      });
      await dropDatabase(db.toString()).catch(() => undefined);
      rmSync(outboxDir, { recursive: true, force: true });
      const admin = createKafka(base, 'sct-e2e-cleanup').admin();
      await admin.connect();
      await admin
        .deleteTopics({ topics: Object.values(topicNames(prefix)), timeout: 10_000 })
        .catch(() => undefined);
      await admin.disconnect();
      await deleteRedisKeys({ ...base, topicPrefix: prefix });
    },
  };
}
