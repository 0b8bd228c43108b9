import { describe, expect, it } from 'vitest';
import { deadLetterRedriveSchema } from './api';
import { OPERATOR_ROLES, PERMISSIONS, reasonSchema, roleCan, ROLES, usernameSchema } from './auth';
import { API_ROUTES, routeKey } from './routes';

const key = (offset: string) => ({ sourceTopic: 't.orders', sourcePartition: 0, sourceOffset: offset });

describe('roles', () => {
  it('gives the machine owner every permission and no operator role `owner`', () => {
    for (const p of PERMISSIONS) expect(roleCan('owner', p)).toBe(true);
    expect(OPERATOR_ROLES).not.toContain('owner');
    expect(ROLES).toContain('owner');
  });
  it('keeps live traffic away from viewers and drill leads', () => {
    expect(roleCan('viewer', 'inject')).toBe(false);
    expect(roleCan('drill_lead', 'inject')).toBe(false);
    expect(roleCan('drill_lead', 'inject_drill')).toBe(true);
    expect(roleCan('supervisor', 'drills')).toBe(false);
  });
  it('checks usernames', () => {
    expect(usernameSchema.safeParse('ana.souza').success).toBe(true);
    for (const bad of ['A', 'ana souza', '1ana', 'Ana', 'a'.repeat(41), "ana'--"]) {
      expect(usernameSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe('reasons for destructive actions', () => {
  it('needs a reason to re-drive more than one distinct dead letter', () => {
    expect(deadLetterRedriveSchema.safeParse({ keys: [key('1')] }).success).toBe(true);
    expect(deadLetterRedriveSchema.safeParse({ keys: [key('1'), key('1')] }).success).toBe(true);
    const bulk = deadLetterRedriveSchema.safeParse({ keys: [key('1'), key('2')] });
    expect(bulk.success).toBe(false);
    expect(bulk.error?.issues[0]).toMatchObject({ path: ['reason'], params: { rule: 'required_for_bulk' } });
    expect(
      deadLetterRedriveSchema.safeParse({ keys: [key('1'), key('2')], reason: 'feed fixed' }).success,
    ).toBe(true);
  });
  it('trims reasons and refuses empty or huge ones', () => {
    expect(reasonSchema.parse('  feed fixed  ')).toBe('feed fixed');
    for (const bad of ['', '  ', 'ok', 'x'.repeat(501)])
      expect(reasonSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe('route table', () => {
  it('lists each route once, under /api, public only for the sign-in and the start-up summary', () => {
    const keys = API_ROUTES.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of API_ROUTES) expect(r.path.startsWith('/api/')).toBe(true);
    // The start-up summary is public so the connection screen shows before sign-in; it names no
    // address, user or error (contracts/startup.ts).
    expect(API_ROUTES.filter((r) => r.access === 'public').map(routeKey)).toEqual([
      'POST /api/auth/login',
      'GET /api/startup',
    ]);
    for (const r of API_ROUTES) if (r.method === 'POST') expect(r.bodyLimit, routeKey(r)).toBeGreaterThan(0);
  });
});
