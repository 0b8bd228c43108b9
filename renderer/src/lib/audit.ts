/**
 * Display helpers of the audit-log screen: action, outcome and method wording, the items column,
 * a short detail line, and the query the filters send. Pure functions (no DOM), unit-tested.
 */
import type { AuditAction, AuditEntry, AuditListQuery, AuditOutcome } from '../../../contracts/audit';
import type { AuthMethod } from '../../../contracts/auth';
import type { ChipTone } from '../components/Badges';
import { EMPTY, formatCount } from './format';

/** What each action is called on screen. */
export const AUDIT_ACTION_LABELS: Readonly<Record<AuditAction, string>> = {
  'auth.login': 'signed in',
  'auth.logout': 'signed out',
  'events.inject': 'injected events',
  'dead_letters.redrive': 're-drove dead letters',
  'settings.update': 'changed the settings',
};

/** Chip tone of an outcome: done green, partly done amber, refused and failed red. */
export const AUDIT_OUTCOME_TONES: Readonly<Record<AuditOutcome, ChipTone>> = {
  ok: 'ok',
  partial: 'warn',
  rejected: 'danger',
  failed: 'danger',
};

/** How the caller signed in, on screen. */
export const AUTH_METHOD_LABELS: Readonly<Record<AuthMethod, string>> = {
  session: 'password',
  token: 'machine token',
  desktop: 'desktop',
};

/** The items column: `3 events`, `2 dead letters`; a dash for sign-in and sign-out. */
export function auditItemsText(entry: Pick<AuditEntry, 'action' | 'itemCount'>): string {
  const n = entry.itemCount;
  switch (entry.action) {
    case 'events.inject':
      return `${formatCount(n)} event${n === 1 ? '' : 's'}`;
    case 'dead_letters.redrive':
      return `${formatCount(n)} dead letter${n === 1 ? '' : 's'}`;
    case 'auth.login':
    case 'auth.logout':
    case 'settings.update':
      return EMPTY;
  }
}

/** The error code a refused or failed action recorded (`forbidden`, `broker_unavailable`), or null. */
export function auditErrorCode(entry: Pick<AuditEntry, 'detail'>): string | null {
  const error = entry.detail.error;
  return typeof error === 'string' && error !== '' ? error : null;
}

/** The audit screen's filters as typed. */
export interface AuditFilters {
  operator: string;
  action: AuditAction | '';
  page: number;
  pageSize: number;
}

/**
 * The query the filters send: blank filters are left out; the operator name is trimmed, and
 * lowercased unless it names an OS user (`os:Ana`), since operator usernames are lowercase.
 */
export function toAuditQuery(filters: AuditFilters): Partial<AuditListQuery> {
  const typed = filters.operator.trim();
  const operator = typed.startsWith('os:') ? typed : typed.toLowerCase();
  return {
    ...(operator ? { operator } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    page: filters.page,
    pageSize: filters.pageSize,
  };
}
