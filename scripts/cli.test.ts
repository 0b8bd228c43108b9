import { describe, expect, it } from 'vitest';
import { parseCli, UsageError, usageErrorText, wholeNumberOption } from './cli';

const CLI = {
  name: 'demo',
  usage: 'usage: demo [--limit N] [--site-tz ZONE] [--json] [--help] [<dir>...]',
  options: {
    limit: { type: 'string' },
    'site-tz': { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: true,
} as const;
const OPTIONS_ONLY = { ...CLI, positionals: false } as const;

const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('parseCli', () => {
  it('takes --name value, --name=value, flags and positionals', () => {
    expect(parseCli(['dir', '--limit', '5', '--site-tz=UTC', '--json'], CLI)).toEqual({
      help: false,
      values: { limit: '5', 'site-tz': 'UTC', json: true },
      positionals: ['dir'],
    });
  });

  it('answers --help and -h (also grouped with other short flags) before anything else is read', () => {
    expect(parseCli(['--help'], CLI)).toEqual({ help: true });
    expect(parseCli(['dir', '-h'], CLI)).toEqual({ help: true });
    expect(parseCli(['--json', '-h', '--limit', '3'], OPTIONS_ONLY)).toEqual({ help: true });
  });

  it('takes a value starting with a dash only in --name=value form (--limit -5 is ambiguous)', () => {
    expect(parseCli(['--limit=-5'], CLI)).toMatchObject({ values: { limit: '-5' } });
    expect(usage(() => parseCli(['--limit', '-5'], CLI))).toBe(
      '--limit needs a value; to give one that starts with a dash, write --limit=-5',
    );
  });

  it('names a missing value, also when the next argument is another option', () => {
    expect(usage(() => parseCli(['dir', '--limit'], CLI))).toBe('--limit needs a value');
    expect(usage(() => parseCli(['--limit', '--json'], CLI))).toBe('--limit needs a value');
    expect(usage(() => parseCli(['--limit', '--site-tz=UTC'], CLI))).toBe('--limit needs a value');
    expect(usage(() => parseCli(['--limit', '-h'], CLI))).toBe('--limit needs a value');
    expect(usage(() => parseCli(['--site-tz='], CLI))).toBe('--site-tz needs a value; got an empty string');
  });

  it('names an unknown option and lists the known ones, --help included', () => {
    const known = '(options: --limit, --site-tz, --json, --help)';
    expect(usage(() => parseCli(['--bogus'], CLI))).toBe(`unknown option --bogus ${known}`);
    expect(usage(() => parseCli(['--bogus=1'], CLI))).toBe(`unknown option --bogus ${known}`);
    expect(usage(() => parseCli(['-x'], CLI))).toBe(`unknown option -x ${known}`);
    expect(usage(() => parseCli(['-hx'], CLI))).toBe(`unknown option -x ${known}`);
    // parseArgs reads a dash and a digit as a short option, not as a negative number.
    expect(usage(() => parseCli(['-5'], CLI))).toBe(`unknown option -5 ${known}`);
  });

  it('rejects a value for a flag, an option given twice and unwanted positionals', () => {
    expect(usage(() => parseCli(['--json=yes'], OPTIONS_ONLY))).toBe('--json takes no value; got "yes"');
    expect(usage(() => parseCli(['--limit', '1', '--limit', '2'], OPTIONS_ONLY))).toBe(
      '--limit is given more than once',
    );
    expect(usage(() => parseCli(['extra'], OPTIONS_ONLY))).toBe(
      'unexpected argument "extra": this command takes options only (--limit, --site-tz, --json, --help)',
    );
  });

  it('reports the first mistake on the command line', () => {
    expect(usage(() => parseCli(['extra', '--bogus'], OPTIONS_ONLY))).toMatch(/^unexpected argument "extra"/);
    expect(usage(() => parseCli(['--json=1', '--bogus'], OPTIONS_ONLY))).toBe(
      '--json takes no value; got "1"',
    );
  });

  it('treats everything after -- as positional', () => {
    expect(parseCli(['--', '--limit'], CLI)).toMatchObject({ positionals: ['--limit'] });
    expect(usage(() => parseCli(['--', '--limit'], OPTIONS_ONLY))).toMatch(/^unexpected argument "--limit"/);
  });

  it('prints the error with the name and the usage', () => {
    expect(usageErrorText(CLI, new UsageError('--limit needs a value'))).toBe(
      `demo: --limit needs a value\n${CLI.usage}\n`,
    );
  });
});

describe('wholeNumberOption', () => {
  it('accepts whole numbers in range', () => {
    expect(wholeNumberOption('limit', '1', 1)).toBe(1);
    expect(wholeNumberOption('batch-size', '5000', 1, 5000)).toBe(5000);
  });

  it('names the option, the rule and the value given', () => {
    for (const text of ['-5', '0', '1.5', 'abc', '1e3', ' 3', '99999999999999999999'])
      expect(usage(() => wholeNumberOption('limit', text, 1))).toBe(
        `--limit must be a whole number >= 1; got ${JSON.stringify(text)}`,
      );
    expect(usage(() => wholeNumberOption('batch-size', '100000000', 1, 5000, 'why'))).toBe(
      '--batch-size must be a whole number from 1 to 5000 (why); got "100000000"',
    );
  });
});
