import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupplyChainEvent } from '../../contracts';
import { ServiceUnavailableError } from '../../runtime/service-errors';
import { describeKafkaFailure, IMPORT_HELP, runImportCli, type KafkaConnection } from './cli';
import { OLIST_FILES } from './read';

const ORDERS =
  'order_id,customer_id,order_status,order_purchase_timestamp,order_approved_at,order_delivered_carrier_date,order_delivered_customer_date,order_estimated_delivery_date\n' +
  'o1,c1,delivered,2017-12-01 10:00:00,2017-12-01 10:20:00,2017-12-02 15:00:00,2017-12-08 18:30:00,2017-12-20 00:00:00\n' +
  'o2,c1,delivered,2017-12-01 11:00:00,2017-12-01 11:20:00,2017-12-02 15:00:00,2017-12-08 18:30:00,2017-12-20 00:00:00\n';

let good: string;
let corrupt: string;
beforeAll(() => {
  const write = (folder: string, sellers: string) => {
    writeFileSync(path.join(folder, OLIST_FILES.orders), ORDERS);
    writeFileSync(
      path.join(folder, OLIST_FILES.items),
      'order_id,order_item_id,product_id,seller_id\no1,1,p1,s1\no2,1,p1,s1\n',
    );
    writeFileSync(
      path.join(folder, OLIST_FILES.customers),
      'customer_id,customer_city,customer_state\nc1,x,SP\n',
    );
    writeFileSync(path.join(folder, OLIST_FILES.sellers), sellers);
  };
  good = mkdtempSync(path.join(tmpdir(), 'olist-cli-'));
  write(good, 'seller_id,seller_city,seller_state\ns1,campinas,SP\n');
  corrupt = mkdtempSync(path.join(tmpdir(), 'olist-cli-corrupt-'));
  write(corrupt, 'seller_id,seller_city,seller_state\ns1,campinas,SP\n"s2,broken,SP\n');
});
afterAll(() => {
  rmSync(good, { recursive: true, force: true });
  rmSync(corrupt, { recursive: true, force: true });
});

/** Runs the command with a fake Kafka; `publish` decides what the broker does. */
async function run(
  argv: string[],
  publish: (events: SupplyChainEvent[]) => Promise<unknown> = async () => [],
) {
  const out: string[] = [];
  const err: string[] = [];
  const published: SupplyChainEvent[][] = [];
  let connects = 0;
  let closed = 0;
  const code = await runImportCli(argv, {
    env: {},
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    connect: async (): Promise<KafkaConnection> => {
      connects += 1;
      return {
        target: 'sct.orders and sct.shipments at 127.0.0.1:9092',
        publish: async (events) => {
          published.push(events);
          return publish(events);
        },
        close: async () => void (closed += 1),
      };
    },
  });
  return { code, stdout: out.join(''), stderr: err.join(''), published, connects, closed };
}

describe('import:olist command', () => {
  it('a corrupt CSV: one line naming the file, line, row and reason, exit 2, Kafka never touched', async () => {
    const r = await run([corrupt]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `import:olist: ${path.join(corrupt, OLIST_FILES.sellers)}: line 3 (row 2): invalid CSV: Quote Not Closed: the parsing is finished with an opening quote at line 3\n`,
    );
    expect(r.connects).toBe(0);
    expect(r.published).toHaveLength(0);
    expect(r.stdout).toBe('');
  });

  it('validates --batch-size (1..5000) before reading or connecting', async () => {
    for (const value of ['100000000', '5001', '0', '-1', 'ten']) {
      // --name=value form: parseArgs takes "-1" as the value of "--batch-size -1" only this way.
      const r = await run([good, `--batch-size=${value}`]);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(
        `import:olist: --batch-size must be a whole number from 1 to 5000 (events per Kafka request; larger requests can exceed the broker's message size limit); got ${JSON.stringify(value)}`,
      );
      expect(r.connects).toBe(0);
    }
    const ok = await run([good, '--batch-size', '5000']);
    expect(ok.code).toBe(0);
  });

  it('names the option and its rule for every bad argument, exit 2', async () => {
    const cases: [string[], string][] = [
      [[good, '--limit=-5'], '--limit must be a whole number >= 1; got "-5"'],
      [
        [good, '--limit', '-5'],
        '--limit needs a value; to give one that starts with a dash, write --limit=-5',
      ],
      [[good, '--limit=0'], '--limit must be a whole number >= 1; got "0"'],
      [[good, '--limit'], '--limit needs a value'],
      [[good, '--limit', '--batch-size', '10'], '--limit needs a value'],
      [
        [good, '--site-tz', 'Mars/Base'],
        '--site-tz must be an IANA time zone name such as America/Sao_Paulo or UTC; got "Mars/Base"',
      ],
      [[good, '--site-tz'], '--site-tz needs a value'],
      [
        [good, '--bogus'],
        'unknown option --bogus (options: --site-tz, --limit, --batch-size, --copies, --shift-days, --help)',
      ],
      [[good, '--limit', '1', '--limit', '2'], '--limit is given more than once'],
      [[good, '--copies', 'x'], '--copies must be a whole number from 0 to 1000; got "x"'],
      [
        [good, '--copies=1', '--shift-days=-1'],
        '--shift-days must be a whole number from 0 to 3650; got "-1"',
      ],
      [[], 'give the folder that holds olist_orders_dataset.csv and the other CSV files'],
      [[good, 'other'], `give exactly one folder (got 2: ${JSON.stringify(good)} "other")`],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`import:olist: ${message}`);
      expect(r.stderr).toContain('usage: npm run import:olist -- <folder>');
      expect(r.connects).toBe(0);
    }
  });

  it('--help lists every option and says a different time zone needs a fresh deployment', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(IMPORT_HELP);
    for (const option of ['--site-tz', '--limit', '--batch-size', '--help', '-h'])
      expect(IMPORT_HELP).toContain(option);
    expect(IMPORT_HELP).toContain('from 1 to 5000');
    expect(IMPORT_HELP).toMatch(/different --site-tz/);
    expect(IMPORT_HELP).toMatch(/fresh deployment: a new topic prefix and a new database/);
    expect((await run(['-h'])).stdout).toBe(IMPORT_HELP);
  });

  it('prints the summary with the idempotent re-run note', async () => {
    const r = await run([good, '--site-tz', 'UTC', '--batch-size', '3']);
    expect(r.code).toBe(0);
    expect(r.connects).toBe(1);
    expect(r.closed).toBe(1);
    expect(r.published.length).toBeGreaterThan(1);
    expect(r.stdout).toContain('(site time zone UTC)');
    expect(r.stdout).toContain('The workers skip every event whose id');
    expect(r.stdout).toContain('even with a different --site-tz');
    expect(r.stderr).toContain('read 2 orders in');
  });

  it('reports a broker that refuses a batch with its own reason, not as "not reachable" (exit 1)', async () => {
    const tooLarge = 'The request included a message larger than the max message size the server will accept';
    const r = await run([good], async () => {
      throw new ServiceUnavailableError('kafka', '127.0.0.1:9092', tooLarge);
    });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('not reachable');
    expect(r.stderr).not.toContain('stack:up');
    expect(r.stderr.split('\n')[1]).toBe(
      `import:olist: Kafka at 127.0.0.1:9092 rejected the request: ${tooLarge} (a batch of up to 1000 events is over the broker's message size limit: lower --batch-size)`,
    );
    expect(r.stderr).toContain('nothing was published');
    expect(r.closed).toBe(1);
  });

  it('still reports a broker that cannot be reached as such (exit 3), with what was acknowledged', async () => {
    let calls = 0;
    const r = await run([good, '--batch-size', '4'], async () => {
      calls += 1;
      if (calls > 1)
        throw new ServiceUnavailableError(
          'kafka',
          '127.0.0.1:9092',
          'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
        );
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'import:olist: Kafka is not reachable at 127.0.0.1:9092 (Connection error: connect ECONNREFUSED 127.0.0.1:9092). To fix: start the local broker',
    );
    expect(r.stderr).toMatch(
      /\n\d+ events \(1 of 2 orders\) were acknowledged before the failure; re-running the import is safe/,
    );
  });

  it('a Kafka error while connecting or creating topics is classified too (one line, no stack)', async () => {
    const err = Object.assign(new Error('Not authorized to access topics: [Topic authorization failed]'), {
      name: 'KafkaJSProtocolError',
    });
    const out: string[] = [];
    const code = await runImportCli([good], {
      env: {},
      stdout: () => undefined,
      stderr: (t) => out.push(t),
      connect: async () => {
        throw err;
      },
    });
    expect(code).toBe(1);
    expect(out.join('')).toBe(
      'import:olist: Kafka at 127.0.0.1:9092 rejected the request: Not authorized to access topics: [Topic authorization failed]\n',
    );
  });
});

describe('describeKafkaFailure', () => {
  const brokers = ['127.0.0.1:9092'];
  const wrapped = (cause: string) => new ServiceUnavailableError('kafka', '127.0.0.1:9092', cause);
  const named = (name: string, message: string, cause?: Error) =>
    Object.assign(new Error(message, cause ? { cause } : undefined), { name });

  it('connection problems: exit 3 with how to start the broker', () => {
    for (const err of [
      wrapped('Connection error: connect ECONNREFUSED 127.0.0.1:9092'),
      wrapped('Connection timeout'),
      wrapped('The producer is disconnected'),
      wrapped('Request Produce(key: 0, version: 7) timed out'),
      wrapped('There is no leader for this topic-partition as we are in the middle of a leadership election'),
      named('KafkaJSConnectionError', 'Failed to connect: getaddrinfo ENOTFOUND kafka'),
      named('KafkaJSNumberOfRetriesExceeded', 'gave up', named('KafkaJSConnectionError', 'Connection error')),
    ]) {
      const d = describeKafkaFailure(err, brokers)!;
      expect(d.exitCode, String(err)).toBe(3);
      expect(d.message).toMatch(
        /^Kafka is not reachable at 127\.0\.0\.1:9092 \(.+\)\. To fix: start the local broker/,
      );
    }
  });

  it("anything else from Kafka: exit 1 with the broker's reason", () => {
    for (const [err, reason] of [
      [
        wrapped('This server does not host this topic-partition'),
        'This server does not host this topic-partition',
      ],
      [named('KafkaJSProtocolError', 'Topic authorization failed'), 'Topic authorization failed'],
    ] as const) {
      expect(describeKafkaFailure(err, brokers)).toEqual({
        exitCode: 1,
        message: `Kafka at 127.0.0.1:9092 rejected the request: ${reason}`,
      });
    }
  });

  it('leaves other errors alone', () => {
    expect(describeKafkaFailure(new Error('boom'), brokers)).toBeNull();
    expect(describeKafkaFailure(new ServiceUnavailableError('postgres', 'x', 'y'), brokers)).toBeNull();
  });
});
