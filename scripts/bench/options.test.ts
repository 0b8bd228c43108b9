import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../cli';
import { DEFAULT_PHASES, parseOptions, PHASES } from './options';

const root = mkdtempSync(path.join(tmpdir(), 'bench-options-'));
const olist = path.join(root, '..', 'shared', 'data', 'olist');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bench options', () => {
  it('has the documented defaults (and --olist is checked to exist)', () => {
    expect(() => parseOptions([], root)).toThrow(`--olist: no such folder ${olist}`);
    expect(parseOptions(['--olist', root], root)).toEqual({
      events: 200_000,
      naive: 5_000,
      limitMessages: 100_000,
      concurrency: 4,
      latencySeconds: 30,
      latencyRate: 1_000,
      olist: root,
      phases: new Set(DEFAULT_PHASES),
      uiOrders: 100_000,
      uiCopies: 9,
      uiBurstSeconds: 20,
      uiShots: null,
      profile: false,
      nodeOptions: '',
      pipelineRoot: root,
      drillSeconds: 30,
      drillRate: 1_000,
      drillRealRate: 200,
      drillLoadEvents: null,
    });
    expect(DEFAULT_PHASES).not.toContain('drill');
    expect(DEFAULT_PHASES).not.toContain('scale');
  });

  it('runs the drill phase with its own window, rates and data size', () => {
    const o = parseOptions(
      [
        '--olist',
        root,
        '--phases',
        'drill',
        '--drill-seconds',
        '10',
        '--drill-rate',
        '500',
        '--drill-real-rate',
        '100',
        '--drill-load-events',
        '20000',
      ],
      root,
    );
    expect(o).toMatchObject({
      drillSeconds: 10,
      drillRate: 500,
      drillRealRate: 100,
      drillLoadEvents: 20_000,
    });
    expect([...(o === 'help' ? [] : o.phases)]).toEqual(['drill']);
    expect(() => parseOptions(['--olist', root, '--drill-rate', '6000'], root)).toThrow('--drill-rate');
  });

  it('runs the Chromium phase alone with its own sizes', () => {
    const o = parseOptions(
      [
        '--olist',
        root,
        '--phases',
        'ui',
        '--ui-orders',
        '5000',
        '--ui-copies',
        '0',
        '--ui-burst-seconds',
        '5',
        '--ui-shots',
        root,
      ],
      root,
    );
    expect(o).toMatchObject({ uiOrders: 5_000, uiCopies: 0, uiBurstSeconds: 5, uiShots: root });
    expect([...(o === 'help' ? [] : o.phases)]).toEqual(['ui']);
  });

  it('reads counts, phases and flags', () => {
    const o = parseOptions(
      [
        '--olist',
        root,
        '--events',
        '1000',
        '--phases',
        'limits, naive',
        '--profile',
        '--node-options=--cpu-prof',
      ],
      root,
    );
    expect(o).toMatchObject({ events: 1000, profile: true, nodeOptions: '--cpu-prof' });
    expect(o !== 'help' && [...o.phases]).toEqual(['limits', 'naive']);
    expect(parseOptions(['-h'], root)).toBe('help');
  });

  it('names the option and rule of each mistake', () => {
    const message = (argv: string[]) => {
      try {
        parseOptions(['--olist', root, ...argv], root);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        return (err as Error).message;
      }
      throw new Error('expected a UsageError');
    };
    expect(message(['--events', '0'])).toBe('--events must be a whole number >= 1; got "0"');
    expect(message(['--phases', ','])).toBe('--phases needs at least one phase');
    expect(message(['--phases', 'e2e,bogus'])).toBe(`unknown phase bogus (phases: ${PHASES.join(', ')})`);
    expect(message(['--concurrency'])).toBe('--concurrency needs a value');
    expect(message(['--pipeline-root', path.join(root, 'nope')])).toBe(
      `--pipeline-root: no such folder ${path.join(root, 'nope')}`,
    );
  });
});

describe('npm run bench (scripts/bench/bench.sh)', () => {
  const repo = path.resolve(__dirname, '..', '..');
  const bench = (...args: string[]) =>
    spawnSync('bash', [path.join(repo, 'scripts', 'bench', 'bench.sh'), ...args], {
      cwd: repo,
      encoding: 'utf8',
      // An unreachable broker: were the stack started, its lines would name it.
      env: { ...process.env, KAFKA_BROKERS: '127.0.0.1:1' },
      timeout: 180_000,
    });

  it('refuses a bad option before any setup, stack start or build (QA finding)', () => {
    const r = bench('--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown option --bogus');
    expect(r.stdout).not.toMatch(/Kafka|PostgreSQL|Installing/);
  }, 200_000);

  it('prints the help and exits 0 without running anything', () => {
    const r = bench('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--phases LIST');
    expect(r.stdout).not.toMatch(/Kafka +(up|down)|Benchmark run/);
  }, 200_000);
});
