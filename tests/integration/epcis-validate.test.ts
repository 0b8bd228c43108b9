/**
 * `npm run epcis:validate` (scripts/epcis-validate.ts) run as a process on real documents of
 * ../shared/data/epcis (see ../shared/data/README.md): a valid GS1 example and openepcis capture
 * document pass, the deliberately invalid openepcis documents fail with each broken rule and its
 * JSON Pointer, and argument mistakes exit 2.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from '../../runtime/db';

const repoRoot = findRepoRoot(__dirname);
const epcis = path.resolve(repoRoot, '..', 'shared', 'data', 'epcis');
const VALID = [
  path.join(epcis, 'gs1-examples', 'Example_9.6.1-ObjectEvent.jsonld'),
  path.join(epcis, 'openepcis', 'JSON', 'Capture', 'Documents', 'ObjectEvent.json'),
];
const invalidDir = path.join(epcis, 'openepcis', 'JSON', 'Capture', 'Invalid');
const INVALID_ACTION = path.join(invalidDir, 'ObjectEvent_with_invalid_action.json');
const NO_CONTEXT = path.join(invalidDir, 'EPCISDocument_without_context.json');

/** Runs the command with the default schema path (../shared/data/epcis relative to the repo root). */
function validate(...args: string[]) {
  const r = spawnSync('npx', ['tsx', 'scripts/epcis-validate.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run epcis:validate', () => {
  it('passes valid documents: exit 0, one "ok" line each', () => {
    const r = validate(...VALID);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      `${VALID.map((f) => `ok       ${f}`).join('\n')}\n2 documents checked: 2 valid, 0 invalid\n`,
    );
    expect(r.code).toBe(0);
  });

  it('prints each broken rule of an invalid document with its JSON Pointer, exit 1', () => {
    const r = validate(VALID[0]!, INVALID_ACTION, NO_CONTEXT);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`ok       ${VALID[0]}`);
    expect(lines).toContain(`INVALID  ${INVALID_ACTION} (2 broken rules)`);
    expect(lines).toContain(
      '  /epcisBody/eventList/0/action  [enum]  is "CREATE", must be one of: OBSERVE, ADD, DELETE',
    );
    expect(lines).toContain(`INVALID  ${NO_CONTEXT} (1 broken rule)`);
    expect(lines.find((l) => l.startsWith('  /@context  [required]'))).toBeDefined();
    expect(lines.at(-1)).toBe('3 documents checked: 1 valid, 2 invalid');
  });

  it('takes the schema from --schema, and exits 2 on usage errors and unreadable files', () => {
    expect(validate('--schema', path.join(epcis, 'EPCIS-JSON-Schema.json'), VALID[0]!).code).toBe(0);
    const missingSchema = validate('--schema', path.join(epcis, 'missing.json'), VALID[0]!);
    expect(missingSchema.code).toBe(2);
    expect(missingSchema.stderr).toMatch(
      /^epcis:validate: cannot read the EPCIS JSON Schema at .*missing\.json/,
    );
    const none = validate();
    expect(none.code).toBe(2);
    expect(none.stderr.split('\n')[0]).toBe(
      'epcis:validate: give at least one EPCIS document (.json or .jsonld)',
    );
    expect(validate('--bogus', VALID[0]!).stderr.split('\n')[0]).toMatch(
      /^epcis:validate: unknown option --bogus/,
    );
    const unreadable = validate(VALID[0]!, path.join(epcis, 'nope.json'));
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/cannot read .*nope\.json/);
    expect(validate('--help').stdout).toContain('--schema <path>');
  });
});
