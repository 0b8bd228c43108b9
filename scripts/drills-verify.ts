/**
 * `npm run drills:verify`: every drill scenario on a running stack holding real data (the Olist
 * import), as an operator would run them, with a table of every check's result:
 *
 *   SCT_API_URL=http://127.0.0.1:<port> SCT_API_TOKEN=<token> npm run drills:verify [-- options]
 *
 * 1. imports the Olist sample (`npm run import:olist`) when the stack holds no real order yet;
 * 2. waits until the workers caught up and reads the real KPIs (drills excluded);
 * 3. runs each scenario of the library at its default parameters, waits for its checks, purges its
 *    drill and waits until nothing of it is left (scripts/drills/verify.ts);
 * 4. reads the real KPIs again (they must not move) and runs the drift check: a replay of the
 *    topics into a fresh schema compared with the live read models and the Redis cache (as
 *    `npm run replay`; needs the stack's DATABASE_URL, KAFKA_BROKERS, REDIS_URL and
 *    SCT_TOPIC_PREFIX in the environment).
 * The token is read from the environment only (not the command line, which other users see).
 * Exit codes: 0 everything passed, 1 a check, purge, KPI comparison or the drift check failed,
 * 2 bad options, 3 the API did not answer.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../runtime/config';
import { findRepoRoot, migrationsDir } from '../runtime/db';
import { parseCliOrExit, runCliMain, wholeNumberOption, type CliDefinition, type OptionSpec } from './cli';
import {
  formatVerification,
  readRealKpiFigures,
  runDriftCheck,
  verificationPassed,
  verifyScenarios,
  waitForNoLag,
  type ApiFetch,
} from './drills/verify';

const USAGE =
  'usage: npm run drills:verify [-- --olist DIR] [--no-import] [--no-drift] [--only IDS] [--timeout S]';

const VERIFY_CLI = {
  name: 'drills:verify',
  usage: USAGE,
  help: `${USAGE}

Runs every drill scenario at its default parameters on the running stack, prints each check's
result, purges each drill, then checks that real KPIs did not move and runs the drift check.

options:
  --olist DIR     Olist CSV folder imported when the stack holds no real order (../shared/data/olist)
  --no-import     never import (fail instead when there is no real data)
  --no-drift      skip the drift check (replay into a fresh schema)
  --only IDS      comma-separated scenario ids (default: every scenario of the library)
  --timeout S     longest wait per scenario, from its start to its purge done (300)
  -h, --help      show this help

environment: SCT_API_URL (http://127.0.0.1:<port> of the running console), SCT_API_TOKEN (its
login token or an operator's session token with the drills permission), and for the import and
the drift check KAFKA_BROKERS, SCT_TOPIC_PREFIX, DATABASE_URL, REDIS_URL (see runtime/config.ts).
exit codes: 0 all passed, 1 something failed, 2 bad options, 3 the API did not answer.`,
  options: {
    olist: { type: 'string' },
    'no-import': { type: 'boolean' },
    'no-drift': { type: 'boolean' },
    only: { type: 'string' },
    timeout: { type: 'string' },
  },
} satisfies CliDefinition<OptionSpec>;

const root = findRepoRoot(__dirname);

/** Runs `npm run import:olist -- <folder>` with this environment. @returns its exit code */
function importOlist(folder: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [require.resolve('tsx/cli'), path.join(root, 'scripts', 'import-olist.ts'), folder],
      { cwd: root, env: process.env, stdio: 'inherit' },
    );
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const { values: args } = parseCliOrExit(process.argv.slice(2), VERIFY_CLI);
  const url = process.env.SCT_API_URL;
  const token = process.env.SCT_API_TOKEN;
  if (!url || !token) {
    console.error('drills:verify: set SCT_API_URL and SCT_API_TOKEN (the running console and its token)');
    return 2;
  }
  const timeoutMs = (args.timeout ? wholeNumberOption('timeout', args.timeout, 10) : 300) * 1000;
  const olist = path.resolve(args.olist ?? path.join(root, '..', 'shared', 'data', 'olist'));
  const api: ApiFetch = (p, init = {}) =>
    fetch(`${url.replace(/\/$/, '')}${p}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.headers ?? {}),
      },
    });
  const log = (line: string) => console.error(line);

  let real;
  try {
    real = await readRealKpiFigures(api);
  } catch (err) {
    console.error(`drills:verify: the API at ${url} did not answer (${(err as Error).message})`);
    return 3;
  }
  if (!real.createdOrders) {
    if (args['no-import']) {
      console.error('drills:verify: the stack holds no real order and --no-import was given');
      return 1;
    }
    log(`no real order yet: importing the Olist sample from ${olist}...`);
    const code = await importOlist(olist);
    // 4: done, with rows of the sample skipped (orders without items): the rest is imported.
    if (code !== 0 && code !== 4) {
      console.error(`drills:verify: import:olist exited with code ${code}`);
      return 1;
    }
  }
  log('waiting for the workers to catch up...');
  if (!(await waitForNoLag(api, 30 * 60_000))) log('warning: the workers still lag after 30 min');

  const only = args.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const report = await verifyScenarios(api, { timeoutMs, only, log });
  console.log(formatVerification(report));
  let ok = verificationPassed(report);
  if (!args['no-drift']) {
    log('drift check: replaying the topics into a fresh schema...');
    const drift = await runDriftCheck(loadConfig(), migrationsDir(root));
    console.log(['', ...drift.lines].join('\n'));
    ok &&= drift.ok;
  }
  console.log(ok ? '\ndrills:verify: PASSED' : '\ndrills:verify: FAILED');
  return ok ? 0 : 1;
}

runCliMain('drills:verify', () => main());
