/**
 * Headless console: the same main-process core without Electron. Serves the built console
 * (`out/renderer`) and the API on one loopback port and prints the URL with its login token (on a
 * terminal; otherwise the link goes to `.stack/console-link-<port>` and `.stack/console-link`, see
 * console-link.ts).
 * Run with `npm run serve` (builds first). When Kafka or PostgreSQL do not answer it still serves
 * the console, on its connection screen, and completes the start as soon as they answer. The
 * settings are read-only here (environment > `SCT_SETTINGS_FILE` > defaults; the settings screen
 * shows each value's source).
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { isLoopback, outboxDirFrom, resolveConfig } from '../runtime/config';
import { findRepoRoot, migrationsDir } from '../runtime/db';
import { exitAfterFlush } from '../runtime/exit';
import { createLogger } from '../runtime/logger';
import { ServiceUnavailableError } from '../runtime/service-errors';
import { openCore, readOnlySettings } from './core';
import { announceConsole, releaseConsoleLink } from './console-link';
import { forkSpawner } from './supervisor';

async function main(): Promise<void> {
  const root = findRepoRoot();
  const config = resolveConfig().config;
  const log = createLogger('main', config.logLevel);
  const rendererDir = path.join(root, 'out', 'renderer');
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    process.stderr.write(
      `The console is not built (${rendererDir} is missing). Run \`npm run build\` first.\n`,
    );
    return exitAfterFlush(2);
  }
  const token = process.env.SCT_API_TOKEN || undefined;
  if (token !== undefined && token.length < 16) {
    process.stderr.write('SCT_API_TOKEN must be at least 16 characters (it is the console login).\n');
    return exitAfterFlush(2);
  }
  if (!isLoopback(config.apiHost)) {
    log.warn(
      { apiHost: config.apiHost },
      'SCT_API_HOST is not a loopback address: the console and its API are reachable from other machines (token-protected, plain HTTP)',
    );
  }
  const core = await openCore({
    config,
    log,
    migrationsDir: migrationsDir(root),
    workersDir: path.join(root, 'out', 'workers'),
    spawn: forkSpawner,
    token,
    rendererDir,
    // Injections while Kafka is unreachable are kept here and sent when it is back.
    outboxDir: outboxDirFrom(process.env, path.join(root, '.stack', 'outbox')),
    settings: readOnlySettings(
      () => resolveConfig(),
      'The headless console reads its settings from environment variables and SCT_SETTINGS_FILE; change them there and restart `npm run serve`',
    ),
  });
  const linkFiles = await announceConsole(
    process.stdout,
    core.url,
    core.token,
    path.join(root, '.stack', 'console-link'),
  );
  // A parent process (tests, the benchmark) hears `listening` at once and `ready` once the start
  // completed (services answering, migrated, workers started).
  process.send?.({ type: 'listening', url: core.url, token: core.token });
  void core.whenReady().then(() => process.send?.({ type: 'ready', url: core.url, token: core.token }));
  // Exit even when stopping fails (it used to leave an unhandled rejection and a running process).
  // A second console of this checkout keeps its own link file; the shared one is handed on.
  const shutdown = () =>
    void core
      .stop()
      .finally(() => releaseConsoleLink(linkFiles))
      .then(
        () => exitAfterFlush(0),
        () => exitAfterFlush(1),
      );
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  if (err instanceof ServiceUnavailableError) {
    process.stderr.write(`Cannot start the console: ${err.message}\n`);
    return exitAfterFlush(3);
  }
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') {
    process.stderr.write(
      `Cannot start the console: the API port is already in use (${e.message}). Set SCT_API_PORT to a free port, or 0 to pick one.\n`,
    );
    return exitAfterFlush(2);
  }
  process.stderr.write(`Cannot start the console: ${e.message}\n`);
  return exitAfterFlush(1);
});
