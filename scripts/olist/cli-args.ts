/**
 * A small, strict command-line parser for the project's scripts (the Olist import and `kpi`),
 * written so that every mistake gets one plain sentence naming the option and the rule, e.g.
 * `--limit needs a value`, `unknown option --bogus (options: ...)`. Unlike node:util parseArgs,
 * a string option always takes the next argument as its value, even when it starts with a dash
 * (`--limit -5` -> value "-5", which the caller's rule then rejects by name).
 *
 * No I/O here: the caller prints {@link UsageError#message} and exits with code 2.
 */

/** A command-line mistake; the message names the option and what is expected. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The options a script accepts: `string` options take a value, `boolean` ones do not. */
export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export interface ParsedArgs {
  /** Given string options by name (no defaults: absent options are missing). */
  strings: Record<string, string>;
  /** Boolean options that were given. */
  flags: Set<string>;
  positionals: string[];
}

/**
 * Parses `argv` against `spec`. Accepts `--name value`, `--name=value`, `-x` for a short boolean,
 * and `--` (everything after it is positional).
 * @throws UsageError for an unknown option, a missing value, a value given to a flag, an option
 *   given twice, or a positional argument when `allowPositionals` is false
 */
export function parseCliArgs(
  argv: readonly string[],
  spec: OptionSpec,
  allowPositionals: boolean,
): ParsedArgs {
  const result: ParsedArgs = { strings: {}, flags: new Set(), positionals: [] };
  const seen = new Set<string>();
  const known = Object.keys(spec)
    .map((n) => `--${n}`)
    .join(', ');
  const byShort = new Map(
    Object.entries(spec)
      .filter(([, o]) => o.short)
      .map(([name, o]) => [o.short!, name]),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      result.positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else if (/^-[A-Za-z]$/.test(arg) && byShort.has(arg.slice(1))) {
      name = byShort.get(arg.slice(1))!;
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      throw new UsageError(`unknown option ${arg} (options: ${known})`);
    } else {
      result.positionals.push(arg);
      continue;
    }
    const option = spec[name];
    if (!option) throw new UsageError(`unknown option --${name} (options: ${known})`);
    if (seen.has(name)) throw new UsageError(`--${name} is given more than once`);
    seen.add(name);
    if (option.type === 'boolean') {
      if (inline !== undefined)
        throw new UsageError(`--${name} takes no value; got ${JSON.stringify(inline)}`);
      result.flags.add(name);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      // The next argument is the value unless it is missing or itself one of our options.
      if (next === undefined || next === '--' || isOptionName(next, spec, byShort))
        throw new UsageError(`--${name} needs a value`);
      value = next;
      i += 1;
    }
    if (value === '') throw new UsageError(`--${name} needs a value; got an empty string`);
    result.strings[name] = value;
  }
  if (!allowPositionals && result.positionals.length > 0)
    throw new UsageError(
      `unexpected argument ${JSON.stringify(result.positionals[0])}: this command takes options only (${known})`,
    );
  return result;
}

function isOptionName(arg: string, spec: OptionSpec, byShort: Map<string, string>): boolean {
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    return (eq < 0 ? arg.slice(2) : arg.slice(2, eq)) in spec;
  }
  return /^-[A-Za-z]$/.test(arg) && byShort.has(arg.slice(1));
}

/**
 * A whole number in `[min, max]`.
 * @param why the reason for the bounds, appended in parentheses
 * @throws UsageError `--limit must be a whole number >= 1; got "-5"`, or `... from 1 to 5000 (why); got ...`
 */
export function wholeNumberOption(
  name: string,
  text: string,
  min: number,
  max?: number,
  why?: string,
): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  const upper = max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(value) || value < min || value > upper) {
    const rule = max === undefined ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
    throw new UsageError(`--${name} must be ${rule}${why ? ` (${why})` : ''}; got ${JSON.stringify(text)}`);
  }
  return value;
}
