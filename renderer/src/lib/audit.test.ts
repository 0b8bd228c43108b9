import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../../contracts/audit';
import { AUDIT_ACTION_LABELS, auditErrorCode, auditItemsText, toAuditQuery } from './audit';
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
    expect(toAuditQuery({ operator: '  ', action: '', page: 1, pageSize: 50 })).toEqual({
      page: 1,
      pageSize: 50,
    });
    expect(toAuditQuery({ operator: ' Sam ', action: 'events.inject', page: 2, pageSize: 50 })).toEqual({
      operator: 'sam',
      action: 'events.inject',
      page: 2,
      pageSize: 50,
    });
    expect(toAuditQuery({ operator: 'os:Ana', action: '', page: 1, pageSize: 50 }).operator).toBe('os:Ana');
  });
});
