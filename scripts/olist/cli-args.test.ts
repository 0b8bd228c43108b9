import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError, wholeNumberOption, type OptionSpec } from './cli-args';

const SPEC: OptionSpec = {
  limit: { type: 'string' },
  'site-tz': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('parseCliArgs', () => {
  it('takes --name value, --name=value, flags, short flags and positionals', () => {
    const r = parseCliArgs(['dir', '--limit', '5', '--site-tz=UTC', '--json', '-h'], SPEC, true);
    expect(r.strings).toEqual({ limit: '5', 'site-tz': 'UTC' });
    expect([...r.flags].sort()).toEqual(['help', 'json']);
    expect(r.positionals).toEqual(['dir']);
  });

  it('gives a string option the next argument even when it starts with a dash (--limit -5)', () => {
    expect(parseCliArgs(['--limit', '-5'], SPEC, true).strings.limit).toBe('-5');
    expect(parseCliArgs(['--limit=-5'], SPEC, true).strings.limit).toBe('-5');
  });

  it('names a missing value, also when the next argument is another option', () => {
    expect(usage(() => parseCliArgs(['dir', '--limit'], SPEC, true))).toBe('--limit needs a value');
    expect(usage(() => parseCliArgs(['--limit', '--json'], SPEC, true))).toBe('--limit needs a value');
    expect(usage(() => parseCliArgs(['--limit', '--site-tz=UTC'], SPEC, true))).toBe('--limit needs a value');
    expect(usage(() => parseCliArgs(['--site-tz='], SPEC, true))).toBe(
      '--site-tz needs a value; got an empty string',
    );
  });

  it('names an unknown option and lists the known ones', () => {
    const known = '(options: --limit, --site-tz, --json, --help)';
    expect(usage(() => parseCliArgs(['--bogus'], SPEC, true))).toBe(`unknown option --bogus ${known}`);
    expect(usage(() => parseCliArgs(['--bogus=1'], SPEC, true))).toBe(`unknown option --bogus ${known}`);
    expect(usage(() => parseCliArgs(['-x'], SPEC, true))).toBe(`unknown option -x ${known}`);
  });

  it('rejects a value for a flag, an option given twice and unwanted positionals', () => {
    expect(usage(() => parseCliArgs(['--json=yes'], SPEC, false))).toBe('--json takes no value; got "yes"');
    expect(usage(() => parseCliArgs(['--limit', '1', '--limit', '2'], SPEC, false))).toBe(
      '--limit is given more than once',
    );
    expect(usage(() => parseCliArgs(['extra'], SPEC, false))).toBe(
      'unexpected argument "extra": this command takes options only (--limit, --site-tz, --json, --help)',
    );
  });

  it('treats everything after -- as positional', () => {
    expect(parseCliArgs(['--', '--limit'], SPEC, true).positionals).toEqual(['--limit']);
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
