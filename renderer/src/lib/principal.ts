/**
 * Who is signed in, in operator wording, for the header: the name, and the role with the way the
 * console reached its API ("Supervisor · signed in, session ends 20:15", "Machine owner · desktop
 * (OS user ana)"). Pure functions (the clock's time zone is a parameter), unit-tested in Node.
 */
import { ROLE_LABELS, type Principal } from '../../../contracts/auth';

/** The OS user behind a machine principal (`os:ana` -> `ana`), or null for an operator account. */
export function osUserOf(principal: Pick<Principal, 'operator'>): string | null {
  return principal.operator.startsWith('os:') ? principal.operator.slice(3) : null;
}

/**
 * `HH:mm` of an instant in a time zone (the viewer's when omitted), `tomorrow HH:mm` on the next
 * calendar day, else with the date (`2024-05-09 08:00`). Null for an invalid instant.
 */
export function clockTime(iso: string, now: Date, timeZone?: string): string | null {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return null;
  const parts = (d: Date): Record<string, string> =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(d)
        .map((p) => [p.type, p.value]),
    );
  const a = parts(at);
  const n = parts(now);
  const time = `${a.hour}:${a.minute}`;
  const day = (p: Record<string, string>): string => `${p.year}-${p.month}-${p.day}`;
  if (day(a) === day(n)) return time;
  const tomorrow = parts(new Date(now.getTime() + 24 * 3600_000));
  return day(a) === day(tomorrow) ? `tomorrow ${time}` : `${day(a)} ${time}`;
}

/** How the caller reached the API: `machine token`, `desktop (OS user ana)`, `signed in, session ends 20:15`. */
export function signInMethodText(principal: Principal, now: Date, timeZone?: string): string {
  switch (principal.method) {
    case 'token':
      return 'machine token';
    case 'desktop': {
      const user = osUserOf(principal);
      return user ? `desktop (OS user ${user})` : 'desktop';
    }
    case 'session': {
      const ends = principal.expiresAt ? clockTime(principal.expiresAt, now, timeZone) : null;
      return ends ? `signed in, session ends ${ends}` : 'signed in';
    }
    case 'cli': {
      // Only audit rows carry this method (a command line never signs in to the console).
      const user = osUserOf(principal);
      return user ? `command line (OS user ${user})` : 'command line';
    }
  }
}

/** The header's second line: `Supervisor · signed in, session ends 20:15`. */
export function principalSummary(principal: Principal, now: Date, timeZone?: string): string {
  return `${ROLE_LABELS[principal.role]} · ${signInMethodText(principal, now, timeZone)}`;
}
