/**
 * The audit log's filters and CSV export (`GET /api/audit` and `GET /api/audit/export.csv`) on
 * the real API and PostgreSQL: a mix of operators, actions, drill ids (on events, and named by a
 * drill action's detail), outcomes and times is recorded through the server's own audit writer
 * and real injections; for each filter the CSV holds exactly the rows the filter selects
 * (computed here from what was recorded, not by the server's SQL), newest first, the same rows
 * the paged list answers, with reasons holding commas, quotes, newlines and a formula kept intact.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIT_CSV_HEADER,
  type AuditExportQuery,
  type AuditOutcome,
  type AuditPage,
  type Principal,
} from '../../contracts';
import { createLogger } from '../../runtime/logger';
import { recordAudit } from '../../server/api/audit-log';
import { orderCreated, startDeployment, type TestDeployment } from '../support/harness';

/** What the test recorded, as the filters see it. */
interface Recorded {
  id: number;
  operator: string;
  action: string;
  outcome: AuditOutcome;
  drillIds: string[];
  at: number;
  reason: string | null;
}

function principal(operator: string, role: Principal['role'] = 'supervisor'): Principal {
  return { operator, displayName: operator, role, method: 'session', expiresAt: null };
}

const TRICKY_REASON = 'shift 2, "night" run\nsecond line';
const FORMULA_REASON = '=HYPERLINK("x")';

describe('audit log filters and CSV export', () => {
  let d: TestDeployment;
  const recorded: Recorded[] = [];
  const drillA = `drill-a-${randomUUID().slice(0, 6)}`;
  const drillB = `drill-b-${randomUUID().slice(0, 6)}`;
  /** Instants the rows are moved to (hours apart), so a time range selects a known subset. */
  const base = Date.parse('2026-11-30T08:00:00Z');

  beforeAll(async () => {
    d = await startDeployment({ workers: false });
    const log = createLogger('audit-export-test', 'warn');
    // Real injections through the API (machine token): one drill batch, one live event.
    const drillEvents = [
      orderCreated(`AUD-${randomUUID().slice(0, 6)}`),
      orderCreated(`AUD-${randomUUID().slice(0, 6)}`),
    ].map((e) => ({ ...e, drillid: drillA }));
    expect(
      (await d.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events: drillEvents }) }))
        .status,
    ).toBe(202);
    expect(
      (
        await d.api('/api/events', {
          method: 'POST',
          body: JSON.stringify(orderCreated(`AUD-${randomUUID().slice(0, 6)}`)),
        })
      ).status,
    ).toBe(202);
    // Rows of other operators and outcomes through the server's audit writer.
    const writes: [
      Principal,
      'events.inject' | 'dead_letters.redrive' | 'auth.login',
      AuditOutcome,
      string | null,
      Record<string, unknown>,
    ][] = [
      [principal('ana'), 'dead_letters.redrive', 'ok', TRICKY_REASON, { itemCount: 2 }],
      [principal('ana'), 'dead_letters.redrive', 'partial', FORMULA_REASON, { itemCount: 3 }],
      [
        principal('bo', 'drill_lead'),
        'events.inject',
        'rejected',
        null,
        { error: 'drill_touches_real_entity', drillId: drillB },
      ],
      [principal('bo', 'drill_lead'), 'auth.login', 'ok', null, {}],
      [principal('cy', 'viewer'), 'events.inject', 'failed', null, { error: 'broker_unavailable' }],
    ];
    for (const [who, action, outcome, reason, detail] of writes)
      await recordAudit(d.core.pool, log, {
        principal: who,
        action,
        outcome,
        status: outcome === 'ok' ? 202 : 400,
        reason,
        detail,
      });

    // Spread the rows over hours (oldest first) and read back what each one is.
    const { rows } = await d.core.pool.query<{
      id: number;
      actor: string;
      action: string;
      outcome: AuditOutcome;
      drill_ids: (string | null)[];
      detail: Record<string, unknown>;
      reason: string | null;
    }>('SELECT id::int, actor, action, outcome, drill_ids, detail, reason FROM audit_log ORDER BY id');
    for (const [i, r] of rows.entries()) {
      const at = base + i * 3_600_000;
      await d.core.pool.query('UPDATE audit_log SET recorded_at = $2 WHERE id = $1', [r.id, new Date(at)]);
      const named = typeof r.detail['drillId'] === 'string' ? [r.detail['drillId']] : [];
      const drillIds = [...new Set([...r.drill_ids.filter((x): x is string => x !== null), ...named])];
      recorded.push({
        id: r.id,
        operator: r.actor,
        action: r.action,
        outcome: r.outcome,
        drillIds,
        at,
        reason: r.reason,
      });
    }
    expect(recorded.length).toBeGreaterThanOrEqual(7);
  });

  afterAll(async () => {
    await d?.close();
  });

  /** The ids a filter should select, newest first, from what was recorded. */
  function expected(q: AuditExportQuery): number[] {
    return recorded
      .filter(
        (r) =>
          (!q.operator || r.operator === q.operator) &&
          (!q.action || r.action === q.action) &&
          (!q.drillId || r.drillIds.includes(q.drillId)) &&
          (!q.outcome || r.outcome === q.outcome) &&
          (!q.from || r.at >= Date.parse(q.from)) &&
          (!q.to || r.at < Date.parse(q.to)),
      )
      .map((r) => r.id)
      .sort((a, b) => b - a);
  }

  async function csvOf(q: AuditExportQuery): Promise<Record<string, string>[]> {
    const qs = new URLSearchParams(q).toString();
    const res = await d.api(`/api/audit/export.csv?${qs}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      /attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const text = await res.text();
    const [header] = text.split('\n');
    expect(header?.split(',')).toEqual([...AUDIT_CSV_HEADER]);
    return parse<Record<string, string>>(text, { columns: true });
  }

  const hour = (n: number): string => new Date(base + n * 3_600_000).toISOString();
  const FILTERS: [string, () => AuditExportQuery][] = [
    ['no filter', () => ({})],
    ['operator', () => ({ operator: 'ana' })],
    ['action', () => ({ action: 'events.inject' })],
    ['drill id on events', () => ({ drillId: drillA })],
    ['drill id named by the action', () => ({ drillId: drillB })],
    ['outcome', () => ({ outcome: 'rejected' })],
    ['time range', () => ({ from: hour(1), to: hour(4) })],
    ['combined', () => ({ operator: 'ana', outcome: 'ok', from: hour(0) })],
    ['nothing matches', () => ({ operator: 'nobody' })],
  ];

  it.each(FILTERS)('the CSV holds exactly the rows of the filter: %s', async (_name, filter) => {
    const q = filter();
    const want = expected(q);
    const rows = await csvOf(q);
    expect(rows.map((r) => Number(r['id']))).toEqual(want);
    // The paged list of the same filter answers the same rows.
    const qs = new URLSearchParams({ ...(q as Record<string, string>), pageSize: '500' }).toString();
    const page = (await (await d.api(`/api/audit?${qs}`)).json()) as AuditPage;
    expect(page.total).toBe(want.length);
    expect(page.items.map((e) => e.id)).toEqual(want);
  });

  it('keeps every cell intact: operators, drill ids, times, and reasons with commas, quotes, newlines, formulas', async () => {
    const rows = await csvOf({});
    for (const row of rows) {
      const r = recorded.find((x) => x.id === Number(row['id']))!;
      expect(row['operator']).toBe(r.operator);
      expect(row['action']).toBe(r.action);
      expect(row['outcome']).toBe(r.outcome);
      expect(row['recorded_at']).toBe(new Date(r.at).toISOString());
      expect(row['drill_ids']!.split(' ').filter(Boolean).sort()).toEqual([...r.drillIds].sort());
    }
    const reasons = rows.map((r) => r['reason']);
    expect(reasons).toContain(TRICKY_REASON);
    // A cell a spreadsheet would run is escaped with a leading quote (csv-stringify escape_formulas).
    expect(reasons).toContain(`'${FORMULA_REASON}`);
    expect(rows.find((r) => r['outcome'] === 'failed')?.['error']).toBe('broker_unavailable');
  });

  it('refuses a bad filter with the field and the rule, and paging parameters on the export', async () => {
    const reversed = await d.api(`/api/audit/export.csv?from=${hour(3)}&to=${hour(1)}`);
    expect(reversed.status).toBe(400);
    expect(JSON.stringify(await reversed.json())).toContain('"to"');
    expect((await d.api('/api/audit/export.csv?outcome=maybe')).status).toBe(400);
    expect((await d.api('/api/audit/export.csv?drillId=a%20b')).status).toBe(400);
    expect((await d.api('/api/audit/export.csv?page=2')).status).toBe(400);
    expect((await d.api('/api/audit?from=yesterday')).status).toBe(400);
  });
});
