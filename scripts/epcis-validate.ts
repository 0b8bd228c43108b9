/**
 * Validates EPCIS 2.0 JSON / JSON-LD documents against the GS1 EPCIS JSON Schema:
 *
 *   npm run epcis:validate -- <file> [<file>...] [--schema ../shared/data/epcis/EPCIS-JSON-Schema.json]
 *
 * Prints each broken rule with its JSON Pointer. Exit codes: 0 all valid, 1 any invalid,
 * 2 bad arguments or unreadable files. The command itself is scripts/epcis/validate-cli.ts.
 */
import { findRepoRoot } from '../runtime/db';
import { runCliMain } from './cli';
import { runEpcisValidateCli } from './epcis/validate-cli';

runCliMain('epcis:validate', () =>
  runEpcisValidateCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    repoRoot: findRepoRoot(__dirname),
  }),
);
