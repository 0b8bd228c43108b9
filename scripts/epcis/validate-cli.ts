/**
 * The `npm run epcis:validate` command without its process wiring: checks GS1 EPCIS 2.0
 * JSON / JSON-LD documents with the EPCIS input gate (epcis-gate.ts) and prints every broken
 * rule with its JSON Pointer. scripts/epcis-validate.ts connects it to the terminal and
 * `process.exit`; the tests run that entry point.
 *
 * Exit codes: 0 every document valid, 1 at least one invalid, 2 bad arguments, an unreadable
 * schema or an unreadable document.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCli, UsageError, usageErrorText, type CliDefinition, type OptionSpec } from '../cli';
import { loadEpcisValidator, MAX_EPCIS_ISSUES, type EpcisValidator } from './epcis-gate';

export const EPCIS_VALIDATE_USAGE =
  'usage: npm run epcis:validate -- <file> [<file>...] [--schema <EPCIS-JSON-Schema.json>] [--help]';

/** The schema's default place, relative to the repository root (the GS1 file is not copied in). */
export const DEFAULT_SCHEMA = path.join('..', 'shared', 'data', 'epcis', 'EPCIS-JSON-Schema.json');

export const EPCIS_VALIDATE_HELP = `${EPCIS_VALIDATE_USAGE}

Validates EPCIS 2.0 JSON / JSON-LD capture input (an EPCISDocument or a single event) against the
GS1 EPCIS JSON Schema, with the same gate an EPCIS capture endpoint must use. Prints "ok" or
"INVALID" per file and, for an invalid one, each broken rule: the JSON Pointer into the
document, the rule in brackets and what is wrong (at most ${MAX_EPCIS_ISSUES} per document).
Not checked (JSON Schema cannot): declared CURIE prefixes, GS1 check digits, rules across events.

options:
  --schema <path>   the GS1 EPCIS JSON Schema (default ${DEFAULT_SCHEMA},
                    relative to the repository root)
  -h, --help        show this help

exit codes: 0 every document valid, 1 at least one invalid, 2 bad arguments or a file that
cannot be read.
`;

const EPCIS_VALIDATE_CLI = {
  name: 'epcis:validate',
  usage: EPCIS_VALIDATE_USAGE,
  help: EPCIS_VALIDATE_HELP,
  options: { schema: { type: 'string' } },
  positionals: true,
} satisfies CliDefinition<OptionSpec>;

export interface EpcisValidateDeps {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The repository root, against which the default schema path is resolved. */
  repoRoot: string;
}

/**
 * Runs the command: a line per document (and per broken rule) to stdout, then a count;
 * problems with arguments and files to stderr.
 * @returns the exit code
 */
export async function runEpcisValidateCli(argv: readonly string[], deps: EpcisValidateDeps): Promise<number> {
  let files: string[];
  let schemaPath: string;
  try {
    const parsed = parseCli(argv, EPCIS_VALIDATE_CLI);
    if (parsed.help) {
      deps.stdout(EPCIS_VALIDATE_HELP);
      return 0;
    }
    if (parsed.positionals.length === 0)
      throw new UsageError('give at least one EPCIS document (.json or .jsonld)');
    files = parsed.positionals;
    schemaPath = parsed.values.schema ?? path.resolve(deps.repoRoot, DEFAULT_SCHEMA);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    deps.stderr(usageErrorText(EPCIS_VALIDATE_CLI, err));
    return 2;
  }
  let gate: EpcisValidator;
  try {
    gate = loadEpcisValidator(schemaPath);
  } catch (err) {
    deps.stderr(`epcis:validate: ${(err as Error).message} (give the schema with --schema)\n`);
    return 2;
  }
  let invalid = 0;
  let unreadable = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      unreadable += 1;
      deps.stderr(`epcis:validate: cannot read ${file}: ${(err as Error).message}\n`);
      continue;
    }
    const result = gate.validateJson(text);
    if (result.ok) {
      deps.stdout(`ok       ${file}\n`);
      continue;
    }
    invalid += 1;
    const n = result.issues.length;
    deps.stdout(`INVALID  ${file} (${n} broken rule${n === 1 ? '' : 's'})\n`);
    for (const issue of result.issues) deps.stdout(`  ${issue.field}  [${issue.rule}]  ${issue.message}\n`);
  }
  const checked = files.length - unreadable;
  deps.stdout(
    `${checked} document${checked === 1 ? '' : 's'} checked: ${checked - invalid} valid, ${invalid} invalid` +
      `${unreadable > 0 ? `; ${unreadable} could not be read` : ''}\n`,
  );
  if (unreadable > 0) return 2;
  return invalid > 0 ? 1 : 0;
}
