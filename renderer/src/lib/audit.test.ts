import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../../contracts/audit';
import {
  AUDIT_ACTION_LABELS,
  AUDIT_VIEW_DEFAULT,
  auditErrorCode,
  auditItemsText,
  auditViewFromSearch,
  auditViewSearch,
  isAuditFiltered,
  toAuditFilterQuery,
  toAuditQuery,
} from './audit';
import { EMPTY } from './format';

describe('audit display helpers', () => {
  it('labels every action', () => {
    for (const a of AUDIT_ACTIONS) expect(AUDIT_ACTION_LABELS[a]).toMatch(/\w/);
  });

  it('counts items per action kind', () => {
    expect(auditItemsText({ action: 'events.inject', itemCount: 1 })).toBe('1 event');
    expect(auditItemsText({ action: 'events.inject', itemCount: 1200 })).toBe('1,200 events');
    expect(auditItemsText({ action: 'dead_letters.redrive', itemCount: 2 })).toBe('2 dead letters');
    expect(auditItemsText({ action: 'auth.login', itemCount: 0 })).toBe(EMPTY);
  });

  it('reads the recorded error code', () => {
    expect(auditErrorCode({ detail: { error: 'forbidden' } })).toBe('forbidden');
    expect(auditErrorCode({ detail: { error: null } })).toBeNull();
    expect(auditErrorCode({ detail: {} })).toBeNull();
  });

  it('sends only the filters that are set', () => {
    const v = AUDIT_VIEW_DEFAULT;
    expect(toAuditQuery({ ...v, operator: '  ' }, 50)).toEqual({ page: 1, pageSize: 50 });
    expect(toAuditQuery({ ...v, operator: ' Sam ', action: 'events.inject', page: 2 }, 50)).toEqual({
      operator: 'sam',
      action: 'events.inject',
      page: 2,
      pageSize: 50,
    });
    expect(toAuditQuery({ ...v, operator: 'os:Ana' }, 50).operator).toBe('os:Ana');
    expect(
      toAuditFilterQuery({
        ...v,
        drillId: ' d-1 ',
        outcome: 'rejected',
        from: '2026-12-01T00:00:00.000Z',
        to: '2026-12-02T00:00:00.000Z',
      }),
    ).toEqual({
      drillId: 'd-1',
      outcome: 'rejected',
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-02T00:00:00.000Z',
    });
  });

  it('keeps the view in the URL: every filter and the page survive a round trip', () => {
    const view = {
      operator: 'ana',
      action: 'dead_letters.redrive' as const,
      drillId: 'drill-7',
      outcome: 'partial' as const,
      from: '2026-12-01T08:00:00.000Z',
      to: '2026-12-01T18:30:00.000Z',
      page: 3,
    };
    const search = auditViewSearch(view);
    expect(auditViewFromSearch(search)).toEqual(view);
    expect(auditViewSearch(AUDIT_VIEW_DEFAULT)).toBe('');
    expect(isAuditFiltered(view)).toBe(true);
    expect(isAuditFiltered({ ...AUDIT_VIEW_DEFAULT, page: 4 })).toBe(false);
  });

  it('reads a hand-edited link leniently: unknown values keep their defaults', () => {
    expect(auditViewFromSearch('action=delete.all&outcome=maybe&from=yesterday&page=-1&x=1')).toEqual(
      AUDIT_VIEW_DEFAULT,
    );
  });
});
