import { describe, expect, it } from 'vitest';
import type { KpiQuery, KpiSummary } from '../contracts';
import type { AppConfig } from '../runtime/config';
import { describePostgresError, KPI_HELP, parseKpiArgs, runKpiCli } from './kpi';
import { UsageError } from './cli';

const URL_ = 'postgres://app:s3cret@127.0.0.1:5432/sct';
const SHOWN = 'postgres://app:***@127.0.0.1:5432/sct';
const pgError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, severity: 'FATAL' });

async function run(argv: string[], read: (config: AppConfig, query: KpiQuery) => Promise<KpiSummary>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runKpiCli(argv, {
    env: { DATABASE_URL: URL_ },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    read,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('kpi: PostgreSQL errors', () => {
  it('a missing database is not "not reachable": it says how the database gets created', async () => {
    const r = await run([], async () => {
      throw pgError('3D000', 'database "sct" does not exist');
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      `kpi: database "sct" does not exist (the PostgreSQL server answered; DATABASE_URL is ${SHOWN}). ` +
        'To fix: start the console (`npm start` or `npm run serve`) or the workers once with this DATABASE_URL ' +
        '(they create the database and its tables), then import data (`npm run import:olist -- ../shared/data/olist`); ' +
        'or check the database name in DATABASE_URL.\n',
    );
  });

  it('a refused login says to check the user and password', () => {
    for (const err of [
      pgError('28P01', 'password authentication failed for user "app"'),
      pgError('28000', 'role "app" does not exist'),
      pgError('28000', 'no pg_hba.conf entry for host "10.0.0.1", user "app", database "sct"'),
      new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'),
    ]) {
      const p = describePostgresError(err, URL_)!;
      expect(p.kind).toBe('login_refused');
      expect(p.message).toBe(
        `PostgreSQL at ${SHOWN} refused the login (${err.message}). To fix: check the user and password in DATABASE_URL (and that the server lets this user connect from here: pg_hba.conf).`,
      );
      expect(p.message).not.toContain('s3cret');
    }
  });

  it('a server that is down is still "not reachable" with how to start it', () => {
    for (const err of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('getaddrinfo ENOTFOUND db'), { code: 'ENOTFOUND' }),
      new Error('Connection terminated due to connection timeout'),
      pgError('57P03', 'the database system is starting up'),
    ]) {
      const p = describePostgresError(err, URL_)!;
      expect(p.kind).toBe('unreachable');
      expect(p.message).toMatch(
        /^PostgreSQL is not reachable at postgres:\/\/app:\*\*\*@127\.0\.0\.1:5432\/sct \(.+\)\. To fix: start PostgreSQL/,
      );
    }
  });

  it('no read models, no permission, and other errors', () => {
    expect(
      describePostgresError(pgError('42P01', 'relation "order_kpi_facts" does not exist'), URL_)!.kind,
    ).toBe('no_read_models');
    expect(describePostgresError(pgError('42501', 'permission denied for table orders'), URL_)!.kind).toBe(
      'permission_denied',
    );
    expect(describePostgresError(pgError('22012', 'division by zero'), URL_)).toBeNull();
    expect(describePostgresError(new Error('boom'), URL_)).toBeNull();
  });
});

describe('kpi: arguments', () => {
  const usage = (argv: string[]) => {
    try {
      parseKpiArgs(argv);
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return (err as Error).message;
    }
    throw new Error('expected a UsageError');
  };

  it('names the option, its rule and the value for each mistake', () => {
    expect(usage(['--from', '2017-13-01'])).toBe(
      '--from must be a calendar date YYYY-MM-DD (Invalid ISO date); got "2017-13-01"',
    );
    expect(usage(['--from', '2018-01-01', '--to', '2017-01-01'])).toBe(
      '--to must be on or after --from (2018-01-01); got "2017-01-01"',
    );
    expect(usage(['--from'])).toBe('--from needs a value');
    expect(usage(['--from', '--json'])).toBe('--from needs a value');
    expect(usage(['--bogus'])).toBe(
      'unknown option --bogus (options: --json, --from, --to, --warehouse, --include-drills, --help)',
    );
    expect(usage(['--include-drills=yes'])).toBe('--include-drills takes no value; got "yes"');
    expect(usage(['--warehouse'])).toBe('--warehouse needs a value');
    expect(usage(['--warehouse', 'WH SP'])).toBe(
      '--warehouse must be a warehouse id of 1..128 letters, digits and . _ : - (only letters, digits and . _ : - are allowed); got "WH SP"',
    );
  });

  it("--warehouse filters the summary with the API's query (the KPI handler's warehouse)", async () => {
    expect(parseKpiArgs(['--warehouse', 'WH-SP'])).toEqual({
      json: false,
      query: { warehouse: 'WH-SP', includeDrills: false },
    });
    let asked: unknown = null;
    const r = await run(['--warehouse=WH-SP', '--json'], async (_config, query) => {
      asked = query;
      return { warehouse: query.warehouse ?? null } as KpiSummary;
    });
    expect(r.code).toBe(0);
    expect(asked).toEqual({ warehouse: 'WH-SP', includeDrills: false });
    expect(JSON.parse(r.stdout)).toEqual({ warehouse: 'WH-SP' });
  });

  it('parses a valid command line', () => {
    expect(parseKpiArgs(['--json', '--from', '2017-01-01', '--to=2017-12-31', '--include-drills'])).toEqual({
      json: true,
      query: { from: '2017-01-01', to: '2017-12-31', includeDrills: true },
    });
  });

  it('bad arguments exit 2 before touching PostgreSQL', async () => {
    let reads = 0;
    const r = await run(['--to', 'tomorrow'], async () => {
      reads += 1;
      throw new Error('not reached');
    });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      'kpi: --to must be a calendar date YYYY-MM-DD (Invalid ISO date); got "tomorrow"',
    );
    expect(reads).toBe(0);
  });

  it('--help lists every option, --include-drills included', async () => {
    const r = await run(['--help'], async () => {
      throw new Error('not reached');
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(KPI_HELP);
    for (const option of [
      '--json',
      '--from',
      '--to',
      '--warehouse',
      '--include-drills',
      '--help',
      '-h',
      'DATABASE_URL',
    ])
      expect(KPI_HELP).toContain(option);
  });
});
