/**
 * The one command-line parser of the project's scripts: `node:util` parseArgs in strict mode,
 * wrapped so that every mistake becomes one plain sentence naming the option and the rule
 * (`--limit needs a value`, `unknown option --bogus (options: ...)`) instead of parseArgs' own
 * multi-line text, and so that every script handles `--help` / `-h` the same way.
 *
 * parseArgs decides what is an error; this module only words it. On top of parseArgs' rules it
 * refuses an option given twice and an empty string value (parseArgs would let the last one win
 * and accept `--limit=`). A string option's value may not start with a dash when given as the
 * next argument (`--limit -5` is "ambiguous" to parseArgs): write `--limit=-5`.
 *
 * No I/O in {@link parseCli}: the caller prints {@link usageErrorText} and exits with code 2,
 * or uses {@link parseCliOrExit}, which does both.
 *
 * Every script's entry point runs through {@link runCliMain}, the one place a script ends: it
 * exits only after stdout and stderr are flushed (a pipe gets all of the output) and reports a
 * failed write as a failure ({@link exitAfterFlush}). No script calls `process.exit` itself.
 */
import { parseArgs } from 'node:util';
import { exitAfterFlush, ExitRequest } from '../runtime/exit';

export { ExitRequest } from '../runtime/exit';

/** A command-line mistake; the message names the option and what is expected. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** One option: `string` options take a value, `boolean` ones do not. `short` is one letter. */
export interface OptionDef {
  type: 'string' | 'boolean';
  short?: string;
}

/** The options a script accepts, by long name (without `--`). `help` is added by this module. */
export type OptionSpec = Record<string, OptionDef>;

/** What a script declares: its name (the prefix of error lines), texts and options. */
export interface CliDefinition<O extends OptionSpec> {
  /** Prefix of error lines, e.g. `kpi` (`kpi: --from needs a value`). */
  name: string;
  /** Short usage, printed after a usage error. */
  usage: string;
  /** What `--help` prints; defaults to {@link usage}. */
  help?: string;
  options: O;
  /** Whether positional arguments are accepted (default false: options only). */
  positionals?: boolean;
}

/** Given options by name: a string for string options, `true` for flags; absent when not given. */
export type OptionValues<O extends OptionSpec> = {
  [K in keyof O]?: O[K]['type'] extends 'string' ? string : true;
};

/** A parsed command line (`help: true` when `--help` or `-h` was given: nothing else is read). */
export type ParsedCli<O extends OptionSpec> =
  { help: true } | { help: false; values: OptionValues<O>; positionals: string[] };

const HELP: OptionDef = { type: 'boolean', short: 'h' };

interface OptionToken {
  kind: 'option';
  name: string;
  rawName: string;
  value?: string;
  inlineValue?: boolean;
}
type Token = OptionToken | { kind: 'positional'; value: string } | { kind: 'option-terminator' };

/**
 * Parses `argv` (without the node and script paths) against `definition`: `--name value`,
 * `--name=value`, `-x` for a short option, short flags grouped (`-hv`), and `--` (everything
 * after it is positional).
 * @returns the values and positionals, or `{ help: true }` for `--help` / `-h`
 * @throws UsageError for an unknown option, a missing value, an ambiguous value (`--limit -5`),
 *   a value given to a flag, an option given twice, an empty value, or a positional argument
 *   when the definition takes none
 */
export function parseCli<const O extends OptionSpec>(
  argv: readonly string[],
  definition: CliDefinition<O>,
): ParsedCli<O> {
  const options: OptionSpec = { ...definition.options, help: HELP };
  const allowPositionals = definition.positionals ?? false;
  const known = Object.keys(options)
    .map((n) => `--${n}`)
    .join(', ');
  const args = [...argv];
  let tokens: Token[];
  try {
    tokens = parseArgs({ args, options, strict: true, allowPositionals, tokens: true }).tokens;
  } catch (err) {
    if (!isParseArgsError(err)) throw err;
    // Strict mode threw on the first token that breaks a rule; the lenient token list names it.
    const lenient = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
    throw new UsageError(
      firstProblem(lenient.tokens, options, allowPositionals, known) ?? oneLine(err.message),
    );
  }
  const values: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    if (Object.hasOwn(values, token.name)) throw new UsageError(`--${token.name} is given more than once`);
    if (token.value === '') throw new UsageError(`--${token.name} needs a value; got an empty string`);
    values[token.name] = token.value ?? true;
  }
  if (values.help === true) return { help: true };
  return { help: false, values: values as OptionValues<O>, positionals };
}

/** The lines a script prints to stderr for a usage error: `name: message`, then the usage. */
export function usageErrorText(definition: CliDefinition<OptionSpec>, err: UsageError): string {
  return `${definition.name}: ${err.message}\n${definition.usage}\n`;
}

/**
 * {@link parseCli} for a script's entry point: prints the help to stdout and exits 0 for
 * `--help`; prints {@link usageErrorText} to stderr and exits 2 for a usage error.
 * Exiting is an {@link ExitRequest} thrown for {@link runCliMain} to carry out after the output
 * is flushed.
 * @returns the values and positionals when the command line is usable
 * @throws ExitRequest after printing the help (code 0) or a usage error (code 2)
 */
export function parseCliOrExit<const O extends OptionSpec>(
  argv: readonly string[],
  definition: CliDefinition<O>,
): { values: OptionValues<O>; positionals: string[] } {
  let parsed: ParsedCli<O>;
  try {
    parsed = parseCli(argv, definition);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return exitWithUsageError(definition, err);
  }
  if (parsed.help) {
    process.stdout.write(`${(definition.help ?? definition.usage).trimEnd()}\n`);
    throw new ExitRequest(0);
  }
  return parsed;
}

/**
 * Prints {@link usageErrorText} to stderr and exits with code 2 (through {@link runCliMain}).
 * @throws ExitRequest with code 2, always
 */
export function exitWithUsageError(definition: CliDefinition<OptionSpec>, err: UsageError): never {
  process.stderr.write(usageErrorText(definition, err));
  throw new ExitRequest(2);
}

/** How a script words an error it expects: the exit code and the line after `name: `. */
export type KnownFailure = { code: number; message: string };

/**
 * Runs a script's `main` as the process's entry point and ends the process when it settles,
 * after stdout and stderr are flushed ({@link exitAfterFlush}): with the code `main` returns
 * (`process.exitCode`, else 0, when it returns nothing); with an {@link ExitRequest}'s code;
 * with 2 and the usage text for a {@link UsageError} when `definition` is given; with the code
 * and message `known` gives for an expected error (`name: message` on stderr); else with 1 and
 * `name: failed: <stack>`. A write to stdout that failed (EPIPE) makes a 0 into 1.
 * @param name the command's name, prefix of the error lines (`kpi`, `import:olist`)
 */
export function runCliMain(
  name: string,
  main: () => Promise<number | void> | number | void,
  options: {
    known?: (err: unknown) => KnownFailure | undefined;
    definition?: CliDefinition<OptionSpec>;
  } = {},
): void {
  const settle = (err: unknown): Promise<never> => {
    if (err instanceof ExitRequest) return exitAfterFlush(err.code, name);
    if (err instanceof UsageError && options.definition) {
      process.stderr.write(usageErrorText(options.definition, err));
      return exitAfterFlush(2, name);
    }
    const known = options.known?.(err);
    if (known) {
      process.stderr.write(`${name}: ${known.message}\n`);
      return exitAfterFlush(known.code, name);
    }
    process.stderr.write(
      `${name}: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return exitAfterFlush(1, name);
  };
  let result: Promise<number | void>;
  try {
    result = Promise.resolve(main());
  } catch (err) {
    void settle(err);
    return;
  }
  result.then(
    (code) => exitAfterFlush(typeof code === 'number' ? code : Number(process.exitCode ?? 0), name),
    settle,
  );
}

/**
 * A whole number in `[min, max]`, from an option's text (digits only: no sign, fraction,
 * exponent or spaces).
 * @param name the option's long name, for the message
 * @param why the reason for the bounds, appended in parentheses
 * @throws UsageError `--limit must be a whole number >= 1; got "-5"`, or
 *   `--batch-size must be a whole number from 1 to 5000 (why); got "100000000"`
 */
export function wholeNumberOption(
  name: string,
  text: string,
  min: number,
  max?: number,
  why?: string,
): number {
  return wholeNumber(`--${name}`, text, min, max, why);
}

/**
 * {@link wholeNumberOption} for any argument: `label` is used as is (`<top>` for a positional).
 * @throws UsageError `<top> must be a whole number >= 1; got "x"`
 */
export function wholeNumber(label: string, text: string, min: number, max?: number, why?: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  const upper = max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(value) || value < min || value > upper) {
    const rule = max === undefined ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
    throw new UsageError(`${label} must be ${rule}${why ? ` (${why})` : ''}; got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * The first token that breaks one of parseArgs' strict rules, in parseArgs' order (per token:
 * unknown option, missing value or value given to a flag, ambiguous value; a positional when none
 * is allowed), as one sentence. null if none does (then the caller uses parseArgs' own words).
 */
function firstProblem(
  tokens: readonly Token[],
  options: OptionSpec,
  allowPositionals: boolean,
  known: string,
): string | null {
  for (const token of tokens) {
    if (token.kind === 'positional' && !allowPositionals)
      return `unexpected argument ${JSON.stringify(token.value)}: this command takes options only (${known})`;
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    if (!option) return `unknown option ${token.rawName} (options: ${known})`;
    const name = `--${token.name}`;
    if (option.type === 'boolean') {
      if (token.value !== undefined) return `${name} takes no value; got ${JSON.stringify(token.value)}`;
      continue;
    }
    if (token.value === undefined) return `${name} needs a value`;
    if (!token.inlineValue && token.value.length > 1 && token.value.startsWith('-')) {
      // `--limit --json`: the value was forgotten. `--limit -5`: parseArgs will not guess.
      return isOptionName(token.value, options)
        ? `${name} needs a value`
        : `${name} needs a value; to give one that starts with a dash, write ${name}=${token.value}`;
    }
  }
  return null;
}

/** True when `arg` names one of `options` (`--json`, `--limit=3`, `-h`). */
function isOptionName(arg: string, options: OptionSpec): boolean {
  if (arg.startsWith('--')) return arg.slice(2).split('=')[0]! in options;
  return Object.values(options).some((o) => o.short !== undefined && arg === `-${o.short}`);
}

function isParseArgsError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
