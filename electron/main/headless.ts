/**
 * Headless console: the same main-process core without Electron. Serves the built console
 * (`out/renderer`) and the API on one loopback port and prints the URL with its login token.
 * Run with `npm run serve` (builds first). Exits with a one-line message when a service is down.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { loadConfig } from '../../runtime/config';
import { findRepoRoot, migrationsDir } from '../../runtime/db';
import { createLogger } from '../../runtime/logger';
import { ServiceUnavailableError } from '../../runtime/service-errors';
import { startCore } from './core/core';
import { forkSpawner } from './core/supervisor';

async function main(): Promise<void> {
  const root = findRepoRoot();
  const config = loadConfig(process.env, process.env.SCT_SETTINGS_FILE);
  const log = createLogger('main', config.logLevel);
  const rendererDir = path.join(root, 'out', 'renderer');
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    process.stderr.write(
      `The console is not built (${rendererDir} is missing). Run \`npm run build\` first.\n`,
    );
    process.exit(2);
  }
  const core = await startCore({
    config,
    log,
    migrationsDir: migrationsDir(root),
    workersDir: path.join(root, 'out', 'workers'),
    spawn: forkSpawner,
    token: process.env.SCT_API_TOKEN || undefined,
    rendererDir,
  });
  const consoleUrl = `${core.url}/#token=${core.token}`;
  process.stdout.write(`\nSupply Chain Event Tracker console (headless) is up:\n  ${consoleUrl}\n\n`);
  process.send?.({ type: 'ready', url: core.url, token: core.token });
  const shutdown = () => void core.stop().then(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  if (err instanceof ServiceUnavailableError) {
    process.stderr.write(`Cannot start the console: ${err.message}\n`);
    process.exit(3);
  }
  process.stderr.write(`Cannot start the console: ${(err as Error).message}\n`);
  process.exit(1);
});
