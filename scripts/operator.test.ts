import { describe, expect, it } from 'vitest';
import { UsageError } from './cli';
import { parseOperatorArgs } from './operator';

describe('npm run operator: arguments', () => {
  it('parses every command', () => {
    expect(parseOperatorArgs(['add', 'ana', '--role', 'supervisor', '--name', 'Ana Souza'])).toEqual({
      command: 'add',
      username: 'ana',
      role: 'supervisor',
      name: 'Ana Souza',
      passwordStdin: false,
    });
    expect(parseOperatorArgs(['list', '--json'])).toEqual({ command: 'list', json: true });
    expect(parseOperatorArgs(['set-role', 'ana', 'viewer'])).toEqual({
      command: 'set-role',
      username: 'ana',
      role: 'viewer',
    });
    expect(parseOperatorArgs(['disable', 'ana'])).toEqual({ command: 'disable', username: 'ana' });
    expect(parseOperatorArgs(['passwd', 'ana', '--password-stdin'])).toEqual({
      command: 'passwd',
      username: 'ana',
      passwordStdin: true,
    });
    expect(parseOperatorArgs(['--help'])).toEqual({ command: 'help' });
  });

  it('refuses what would be a mistake, naming it (and never takes a password as an argument)', () => {
    const cases: [string[], RegExp][] = [
      [[], /a command is needed/],
      [['frob'], /unknown command "frob"/],
      [['add', 'ana'], /add needs --role/],
      [['add'], /add takes <username>; got 0/],
      [['add', 'ana', '--role', 'viewer', '--password', 'secret'], /unknown option --password/],
      [['list', '--role', 'viewer'], /--role does not apply to list/],
      [['disable', 'ana', 'bob'], /disable takes <username>; got 2/],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseOperatorArgs(argv), argv.join(' ')).toThrow(UsageError);
      expect(() => parseOperatorArgs(argv), argv.join(' ')).toThrow(message);
    }
  });
});
