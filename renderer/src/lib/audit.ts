/**
 * Display helpers of the audit-log screen: action, outcome and method wording, the items column,
 * a short detail line, the view in the URL and the query the filters send. Pure functions (no DOM), unit-tested.
 */
import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  type AuditAction,
  type AuditEntry,
  type AuditExportQuery,
  type AuditListQuery,
  type AuditOutcome,
} from '../../../contracts/audit';
import type { AuthMethod } from '../../../contracts/auth';
import type { ChipTone } from '../components/Badges';
import { EMPTY, formatCount } from './format';

/** What each action is called on screen. */
export const AUDIT_ACTION_LABELS: Readonly<Record<AuditAction, string>> = {
  'auth.login': 'signed in',
  'auth.logout': 'signed out',
  'events.inject': 'injected events',
  'dead_letters.redrive': 're-drove dead letters',
  'drills.start': 'started a drill run',
  'drills.pause': 'paused a drill run',
  'drills.resume': 'resumed a drill run',
  'drills.stop': 'stopped a drill run',
  'drills.note': 'wrote drill notes',
  'drills.purge': 'purged a drill',
  'settings.update': 'changed the settings',
  'outbox.discard': 'discarded a queued injection',
  'settings.test': 'tested connections',
  'operators.add': 'added an operator',
  'operators.set_role': "changed an operator's role",
  'operators.disable': 'disabled an operator',
  'operators.enable': 'enabled an operator',
  'operators.passwd': "set an operator's password",
};

/** Chip tone of an outcome: done green, partly done amber, queued (outbox) blue, refused and failed red. */
export const AUDIT_OUTCOME_TONES: Readonly<Record<AuditOutcome, ChipTone>> = {
  ok: 'ok',
  partial: 'warn',
  rejected: 'danger',
  failed: 'danger',
  queued: 'info',
};

/** How the caller signed in, on screen. */
export const AUTH_METHOD_LABELS: Readonly<Record<AuthMethod, string>> = {
  session: 'password',
  token: 'machine token',
  desktop: 'desktop',
  cli: 'command line',
};

/** The items column: `3 events`, `2 dead letters`; a dash for sign-in and sign-out. */
export function auditItemsText(entry: Pick<AuditEntry, 'action' | 'itemCount'>): string {
  const n = entry.itemCount;
  switch (entry.action) {
    case 'events.inject':
    case 'outbox.discard':
      return `${formatCount(n)} event${n === 1 ? '' : 's'}`;
    case 'dead_letters.redrive':
      return `${formatCount(n)} dead letter${n === 1 ? '' : 's'}`;
    case 'drills.purge':
      return `${formatCount(n)} entit${n === 1 ? 'y' : 'ies'}`;
    case 'drills.start':
    case 'drills.pause':
    case 'drills.resume':
    case 'drills.stop':
      return n > 0 ? `${formatCount(n)} event${n === 1 ? '' : 's'}` : EMPTY;
    case 'auth.login':
    case 'auth.logout':
    case 'drills.note':
    case 'settings.update':
    case 'settings.test':
    case 'operators.add':
    case 'operators.set_role':
    case 'operators.disable':
    case 'operators.enable':
    case 'operators.passwd':
      return EMPTY;
  }
}

/** The error code a refused or failed action recorded (`forbidden`, `broker_unavailable`), or null. */
export function auditErrorCode(entry: Pick<AuditEntry, 'detail'>): string | null {
  const error = entry.detail.error;
  return typeof error === 'string' && error !== '' ? error : null;
}

/**
 * The audit screen's view: its filters and page, as the URL hash carries them
 * (`#/audit?operator=ana&action=events.inject&drillId=d-1&outcome=ok&from=..&to=..&page=2`).
 * `from`/`to` are RFC 3339 UTC instants (`from` inclusive, `to` exclusive); '' / null = not filtered.
 */
export interface AuditView {
  operator: string;
  action: AuditAction | '';
  drillId: string;
  outcome: AuditOutcome | '';
  from: string | null;
  to: string | null;
  page: number;
}

/** The unfiltered first page. */
export const AUDIT_VIEW_DEFAULT: AuditView = {
  operator: '',
  action: '',
  drillId: '',
  outcome: '',
  from: null,
  to: null,
  page: 1,
};

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The view a URL query string describes. Lenient: a value that does not parse keeps its default,
 * so an old or hand-edited link still opens (the server checks what is sent).
 */
export function auditViewFromSearch(search: string): AuditView {
  const p = new URLSearchParams(search);
  const text = (key: string): string => p.get(key)?.trim() ?? '';
  const action = text('action');
  const outcome = text('outcome');
  const page = Number(text('page'));
  return {
    operator: text('operator'),
    action: (AUDIT_ACTIONS as readonly string[]).includes(action) ? (action as AuditAction) : '',
    drillId: text('drillId'),
    outcome: (AUDIT_OUTCOMES as readonly string[]).includes(outcome) ? (outcome as AuditOutcome) : '',
    from: INSTANT.test(text('from')) ? text('from') : null,
    to: INSTANT.test(text('to')) ? text('to') : null,
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

/** The URL query string of a view: only what is set, so `#/audit` is the unfiltered first page. */
export function auditViewSearch(v: AuditView): string {
  const p = new URLSearchParams();
  if (v.operator.trim()) p.set('operator', v.operator.trim());
  if (v.action) p.set('action', v.action);
  if (v.drillId.trim()) p.set('drillId', v.drillId.trim());
  if (v.outcome) p.set('outcome', v.outcome);
  if (v.from) p.set('from', v.from);
  if (v.to) p.set('to', v.to);
  if (v.page > 1) p.set('page', String(v.page));
  return p.toString();
}

/** True when any filter is set (the page does not count). */
export function isAuditFiltered(v: AuditView): boolean {
  return auditViewSearch({ ...v, page: 1 }) !== '';
}

/**
 * The filter query a view sends to the list and the CSV export: blank filters are left out; the
 * operator name is trimmed, and lowercased unless it names an OS user (`os:Ana`), since operator
 * usernames are lowercase.
 */
export function toAuditFilterQuery(v: Omit<AuditView, 'page'>): Partial<AuditExportQuery> {
  const typed = v.operator.trim();
  const operator = typed.startsWith('os:') ? typed : typed.toLowerCase();
  const drillId = v.drillId.trim();
  return {
    ...(operator ? { operator } : {}),
    ...(v.action ? { action: v.action } : {}),
    ...(drillId ? { drillId } : {}),
    ...(v.outcome ? { outcome: v.outcome } : {}),
    ...(v.from ? { from: v.from } : {}),
    ...(v.to ? { to: v.to } : {}),
  };
}

/** The query of one page of a view. */
export function toAuditQuery(v: AuditView, pageSize: number): Partial<AuditListQuery> {
  return { ...toAuditFilterQuery(v), page: v.page, pageSize };
}
