/**
 * Operator accounts for the web console (runtime/operators.ts), from the command line:
 *
 *   npm run operator -- add <username> --role viewer|supervisor|drill_lead [--name "Ana Souza"] [--password-stdin]
 *   npm run operator -- list [--json]
 *   npm run operator -- set-role <username> <role>
 *   npm run operator -- disable <username>      (ends its sessions)
 *   npm run operator -- enable <username>
 *   npm run operator -- passwd <username> [--password-stdin]   (ends its sessions)
 *
 * Passwords are never taken from the command line (other users see it in the process list):
 * they are typed at a hidden prompt (twice) or read from standard input with --password-stdin.
 * Reads DATABASE_URL (runtime/config.ts); applies pending migrations first (creating the database
 * when missing). Exit codes: 0 done, 2 bad arguments or input, 3 PostgreSQL unreachable, 1 other.
 */
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { OPERATOR_ROLES, ROLE_LABELS, type AuditAction, type Principal } from '../contracts';
import { ConfigError, loadConfig } from '../runtime/config';
import { createPool, findRepoRoot, migrate, migrationsDir } from '../runtime/db';
import {
  checkNewOperator,
  createOperator,
  listOperators,
  OperatorInputError,
  updateOperator,
  type Operator,
} from '../runtime/operators';
import { createLogger } from '../runtime/logger';
import { ServiceUnavailableError } from '../runtime/service-errors';
import { recordAudit } from '../server/api/audit-log';
import {
  exitWithUsageError,
  parseCli,
  runCliMain,
  UsageError,
  type CliDefinition,
  type OptionSpec,
} from './cli';

export const OPERATOR_USAGE = `usage: npm run operator -- <command> [options]

commands:
  add <username> --role <role> [--name "Display Name"] [--password-stdin]
  list [--json]
  set-role <username> <role>
  disable <username>          ends the operator's sessions
  enable <username>
  passwd <username> [--password-stdin]   ends the operator's sessions

roles: ${OPERATOR_ROLES.map((r) => `${r} (${ROLE_LABELS[r]})`).join(', ')}
usernames: 2..40 lowercase letters, digits, . _ -, starting with a letter; passwords: 12..256 characters.
The password is typed at a hidden prompt (twice), or read from standard input with --password-stdin.
environment: DATABASE_URL. exit codes: 0 done, 2 bad arguments or input, 3 PostgreSQL unreachable, 1 other.`;

/** A parsed command line. */
export type OperatorCommand =
  | { command: 'add'; username: string; role: string; name?: string; passwordStdin: boolean }
  | { command: 'list'; json: boolean }
  | { command: 'set-role'; username: string; role: string }
  | { command: 'disable' | 'enable'; username: string }
  | { command: 'passwd'; username: string; passwordStdin: boolean }
  | { command: 'help' };

/** The command line of `npm run operator` for the shared parser (scripts/cli.ts). */
const OPERATOR_CLI = {
  name: 'operator',
  usage: OPERATOR_USAGE,
  options: {
    role: { type: 'string' },
    name: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: true,
} satisfies CliDefinition<OptionSpec>;

const POSITIONALS: Record<string, string[]> = {
  add: ['username'],
  list: [],
  'set-role': ['username', 'role'],
  disable: ['username'],
  enable: ['username'],
  passwd: ['username'],
};

/**
 * Parses the command line.
 * @throws UsageError naming the command, option or argument that is wrong
 */
export function parseOperatorArgs(argv: readonly string[]): OperatorCommand {
  const parsed = parseCli(argv, OPERATOR_CLI);
  if (parsed.help) return { command: 'help' };
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (command === 'help') return { command: 'help' };
  if (!command) throw new UsageError('a command is needed: add, list, set-role, disable, enable or passwd');
  const expected = POSITIONALS[command];
  if (!expected)
    throw new UsageError(`unknown command "${command}" (commands: ${Object.keys(POSITIONALS).join(', ')})`);
  if (rest.length !== expected.length) {
    throw new UsageError(
      `${command} takes ${expected.length ? expected.map((n) => `<${n}>`).join(' ') : 'no arguments'}; got ${rest.length}`,
    );
  }
  const allowed: Record<string, string[]> = {
    add: ['role', 'name', 'password-stdin'],
    list: ['json'],
    passwd: ['password-stdin'],
  };
  const given = Object.keys(values);
  const wrong = given.find((o) => !(allowed[command] ?? []).includes(o));
  if (wrong) throw new UsageError(`--${wrong} does not apply to ${command}`);
  switch (command) {
    case 'add':
      if (values.role === undefined) throw new UsageError(`add needs --role (${OPERATOR_ROLES.join(', ')})`);
      return {
        command,
        username: rest[0]!,
        role: values.role,
        ...(values.name !== undefined ? { name: values.name } : {}),
        passwordStdin: values['password-stdin'] === true,
      };
    case 'list':
      return { command, json: values.json === true };
    case 'set-role':
      return { command, username: rest[0]!, role: rest[1]! };
    case 'passwd':
      return { command, username: rest[0]!, passwordStdin: values['password-stdin'] === true };
    default:
      return { command: command as 'disable' | 'enable', username: rest[0]! };
  }
}

/** Reads all of standard input as the password (one trailing newline removed). */
async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks for a password at a prompt that does not echo what is typed. */
function askHidden(prompt: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function readNewPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return passwordFromStdin();
  if (!process.stdin.isTTY)
    throw new UsageError('no terminal to ask for the password: pipe it in with --password-stdin');
  const first = await askHidden('New password (12+ characters): ');
  const again = await askHidden('Same password again: ');
  if (first !== again) throw new OperatorInputError('the two passwords differ; nothing changed');
  return first;
}

/**
 * Who ran the command, as the audit log names it: the OS user (`os:<user>`, method `cli`), with
 * the machine owner's role: whoever can run this against the database owns the deployment.
 */
export function cliPrincipal(user = safeOsUser()): Principal {
  return { operator: `os:${user}`, displayName: user, role: 'owner', method: 'cli', expiresAt: null };
}

function safeOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** The audit action of a command that changes an account (null: `list` changes nothing). */
export function operatorAuditAction(command: OperatorCommand['command']): AuditAction | null {
  switch (command) {
    case 'add':
      return 'operators.add';
    case 'set-role':
      return 'operators.set_role';
    case 'disable':
      return 'operators.disable';
    case 'enable':
      return 'operators.enable';
    case 'passwd':
      return 'operators.passwd';
    default:
      return null;
  }
}

function describe(op: Operator): string {
  return `${op.username}  ${ROLE_LABELS[op.role]}${op.disabled ? '  (disabled)' : ''}  "${op.displayName}"`;
}

async function main(): Promise<void> {
  let cmd: OperatorCommand;
  try {
    cmd = parseOperatorArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) exitWithUsageError(OPERATOR_CLI, err);
    throw err;
  }
  if (cmd.command === 'help') {
    process.stdout.write(`${OPERATOR_USAGE}\n`);
    return;
  }
  const config = loadConfig();
  await migrate(config, migrationsDir(findRepoRoot(__dirname)));
  const pool = createPool(config, 1);
  const action = operatorAuditAction(cmd.command);
  // Every account change is audited with the OS user who ran it (never the password); a refused
  // one (unknown user, bad role, weak password) too.
  const audit = (outcome: 'ok' | 'rejected', detail: Record<string, unknown>) =>
    action
      ? recordAudit(pool, createLogger('operator', config.logLevel), {
          principal: cliPrincipal(),
          action,
          outcome,
          status: 0, // not an HTTP request
          detail: { username: 'username' in cmd ? cmd.username : null, ...detail },
        })
      : Promise.resolve();
  try {
    switch (cmd.command) {
      case 'add': {
        checkNewOperator(cmd);
        const password = await readNewPassword(cmd.passwordStdin);
        const op = await createOperator(pool, {
          username: cmd.username,
          role: cmd.role,
          password,
          ...(cmd.name !== undefined ? { displayName: cmd.name } : {}),
        });
        process.stdout.write(`added ${describe(op)}\n`);
        await audit('ok', { role: op.role });
        break;
      }
      case 'list': {
        const ops = await listOperators(pool);
        if (cmd.json) process.stdout.write(`${JSON.stringify(ops, null, 2)}\n`);
        else
          process.stdout.write(
            ops.length ? `${ops.map(describe).join('\n')}\n` : 'no operator accounts yet\n',
          );
        break;
      }
      case 'set-role':
        process.stdout.write(
          `changed ${describe(await updateOperator(pool, cmd.username, { role: cmd.role }))}\n`,
        );
        await audit('ok', { role: cmd.role });
        break;
      case 'disable':
      case 'enable':
        process.stdout.write(
          `${cmd.command}d ${describe(await updateOperator(pool, cmd.username, { disabled: cmd.command === 'disable' }))}\n`,
        );
        await audit('ok', {});
        break;
      case 'passwd': {
        const password = await readNewPassword(cmd.passwordStdin);
        process.stdout.write(
          `new password for ${describe(await updateOperator(pool, cmd.username, { password }))}\n`,
        );
        await audit('ok', {});
        break;
      }
    }
  } catch (err) {
    if (err instanceof OperatorInputError) await audit('rejected', { error: err.message });
    throw err;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  runCliMain('operator', () => main(), {
    known: (err) => {
      if (err instanceof OperatorInputError || err instanceof UsageError || err instanceof ConfigError)
        return { code: 2, message: err.message };
      if (err instanceof ServiceUnavailableError) return { code: 3, message: err.message };
      return { code: 1, message: (err as Error).message };
    },
  });
}
