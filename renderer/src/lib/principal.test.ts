import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../contracts/auth';
import { clockTime, osUserOf, principalSummary, signInMethodText } from './principal';

const now = new Date('2024-05-03T16:00:00Z');

describe('principal wording', () => {
  it('describes the machine token, the desktop window and an operator session', () => {
    const machine: Principal = {
      operator: 'os:ana',
      displayName: 'ana',
      role: 'owner',
      method: 'token',
      expiresAt: null,
    };
    expect(principalSummary(machine, now, 'UTC')).toBe('Machine owner · machine token');
    expect(principalSummary({ ...machine, method: 'desktop' }, now, 'UTC')).toBe(
      'Machine owner · desktop (OS user ana)',
    );
    const session: Principal = {
      operator: 'sam',
      displayName: 'Sam Supervisor',
      role: 'supervisor',
      method: 'session',
      expiresAt: '2024-05-03T20:15:00Z',
    };
    expect(principalSummary(session, now, 'UTC')).toBe('Supervisor · signed in, session ends 20:15');
    expect(signInMethodText(session, now, 'America/Sao_Paulo')).toBe('signed in, session ends 17:15');
    expect(signInMethodText({ ...session, expiresAt: null }, now, 'UTC')).toBe('signed in');
  });

  it('says tomorrow, or adds the date, when the session ends on another day', () => {
    expect(clockTime('2024-05-04T08:05:00Z', now, 'UTC')).toBe('tomorrow 08:05');
    expect(clockTime('2024-05-06T08:05:00Z', now, 'UTC')).toBe('2024-05-06 08:05');
    expect(clockTime('not a time', now, 'UTC')).toBeNull();
  });

  it('finds the OS user of a machine principal only', () => {
    expect(osUserOf({ operator: 'os:ana' })).toBe('ana');
    expect(osUserOf({ operator: 'sam' })).toBeNull();
  });
});
