/**
 * `npm run stack:up` for PostgreSQL and Redis: a service that answers is left alone; one on this
 * machine (a loopback address) that is installed but stopped is started with the same commands
 * the machine's own start-up uses (`pg_ctlcluster --skip-systemctl-redirect <version> main start`,
 * `redis-server --daemonize yes ...`); one that is not installed gets the exact install command;
 * one on another host is only reported. Nothing here ever stops a service.
 *
 * The decision ({@link planLocalService}) is pure, and the probes and the process runner are
 * injected ({@link LocalServiceDeps}), so the tests check every branch without touching the
 * machine's shared servers.
 */
import { isLoopback } from '../../runtime/config';

export type LocalService = 'postgres' | 'redis';

/** What `stack:up` does about one service. */
export type LocalServicePlan =
  | { action: 'none'; reason: string }
  | { action: 'start'; command: string[] }
  | { action: 'install'; instructions: string }
  | { action: 'remote'; reason: string };

/** The facts a plan depends on. */
export interface LocalServiceFacts {
  service: LocalService;
  /** The service answered at its configured address. */
  reachable: boolean;
  /** Host and port of the configured address. */
  host: string;
  port: number;
  /** For PostgreSQL: the installed cluster versions (`ls /etc/postgresql`); for Redis: ignored. */
  postgresVersions: string[];
  /** The start program is on the PATH (`pg_ctlcluster`, `redis-server`). */
  installed: boolean;
}

/** How to install each service on Debian/Ubuntu (this project's machines), then start it. */
export const INSTALL_INSTRUCTIONS: Readonly<Record<LocalService, string>> = {
  postgres:
    'install it with `sudo apt-get install -y postgresql` (Debian/Ubuntu; macOS: `brew install postgresql@16 && brew services start postgresql@16`), then run `npm run stack:up` again; or set DATABASE_URL to a PostgreSQL you have',
  redis:
    'install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu; macOS: `brew install redis && brew services start redis`), then run `npm run stack:up` again; or set REDIS_URL (the console works without Redis, without live updates)',
};

const LABEL: Record<LocalService, string> = { postgres: 'PostgreSQL', redis: 'Redis' };

/** What to do for one service (pure). */
export function planLocalService(f: LocalServiceFacts): LocalServicePlan {
  if (f.reachable) return { action: 'none', reason: 'answers' };
  if (!isLoopback(f.host))
    return {
      action: 'remote',
      reason: `${LABEL[f.service]} at ${f.host}:${f.port} is on another machine: start it there`,
    };
  if (f.service === 'postgres') {
    const version = [...f.postgresVersions].sort((a, b) => Number(b) - Number(a))[0];
    if (!f.installed || version === undefined)
      return { action: 'install', instructions: INSTALL_INSTRUCTIONS.postgres };
    return {
      action: 'start',
      command: ['pg_ctlcluster', '--skip-systemctl-redirect', version, 'main', 'start'],
    };
  }
  if (!f.installed) return { action: 'install', instructions: INSTALL_INSTRUCTIONS.redis };
  return {
    action: 'start',
    command: [
      'redis-server',
      '--daemonize',
      'yes',
      '--bind',
      f.host === 'localhost' ? '127.0.0.1' : f.host,
      '--port',
      String(f.port),
      '--save',
      '',
      '--appendonly',
      'no',
    ],
  };
}

/** The machine, injected: probes, PATH lookups, the cluster list and the process runner. */
export interface LocalServiceDeps {
  /** Whether the service answers at its configured address now. */
  reachable(service: LocalService): Promise<boolean>;
  /** Whether a program is on the PATH. */
  onPath(program: string): boolean;
  /** Installed PostgreSQL versions (`/etc/postgresql/<version>`). */
  postgresVersions(): string[];
  /** Runs a command to its end; its exit status and output. */
  run(command: string[]): { status: number | null; output: string };
  /** Waits (ms); injected so the tests do not. */
  sleep(ms: number): Promise<void>;
}

/** The outcome for one service, with the line `stack:up` prints. */
export interface LocalServiceResult {
  ok: boolean;
  started: boolean;
  message: string;
}

/**
 * Makes one service available if this machine can: see the module comment.
 * @param address the configured `host:port` (from DATABASE_URL or REDIS_URL)
 * @param shown the address as printed (password masked)
 */
export async function ensureLocalService(
  service: LocalService,
  address: { host: string; port: number },
  shown: string,
  deps: LocalServiceDeps,
  waitMs = 15_000,
): Promise<LocalServiceResult> {
  const label = LABEL[service].padEnd(10);
  const plan = planLocalService({
    service,
    reachable: await deps.reachable(service),
    host: address.host,
    port: address.port,
    postgresVersions: service === 'postgres' ? deps.postgresVersions() : [],
    installed: deps.onPath(service === 'postgres' ? 'pg_ctlcluster' : 'redis-server'),
  });
  switch (plan.action) {
    case 'none':
      return { ok: true, started: false, message: `${label} up    ${shown}` };
    case 'remote':
      return { ok: false, started: false, message: `${label} DOWN  ${shown}\n           ${plan.reason}` };
    case 'install':
      return {
        ok: false,
        started: false,
        message: `${label} MISSING  ${shown}: not installed on this machine\n           To fix: ${plan.instructions}`,
      };
    case 'start': {
      const shownCommand = plan.command.map((a) => (a === '' ? '""' : a)).join(' ');
      const { status, output } = deps.run(plan.command);
      if (status === 0) {
        for (let waited = 0; waited <= waitMs; waited += 500) {
          if (await deps.reachable(service))
            return { ok: true, started: true, message: `${label} started ${shown} (${shownCommand})` };
          await deps.sleep(500);
        }
      }
      const why =
        status === 0
          ? `it did not answer within ${waitMs / 1000} s`
          : `exit status ${status}: ${output.trim().split('\n').slice(-3).join(' / ')}`;
      return {
        ok: false,
        started: false,
        message: `${label} DOWN  ${shown}: \`${shownCommand}\` failed (${why})\n           To fix: run it yourself (as the service's owner, e.g. with sudo) and check its log`,
      };
    }
  }
}
