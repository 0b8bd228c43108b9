/**
 * Operator wording for validation issues. Local checks (`validateEvent`) and the server's
 * `ApiError.issues` name each broken rule with a stable code (`invalid_type`, `too_small`,
 * `format:regex`, `year_range`, ...) and zod's developer message ("Invalid input: expected int,
 * received number"). The console shows plain words ("Must be a whole number") and keeps the rule
 * code and the original message for a tooltip / `data-rule`.
 * Pure (no DOM): unit-tested in Node.
 */
import type { FieldIssue } from '../../../contracts/events';

/** An issue as the console shows it: `message` in operator wording, `detail` = the original message. */
export interface DisplayIssue extends FieldIssue {
  detail: string;
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

function count(raw: string): string {
  const n = Number(raw);
  return Number.isFinite(n) ? numberFormat.format(n) : raw;
}

function plural(n: string, one: string, many: string): string {
  return `${count(n)} ${Number(n) === 1 ? one : many}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `"a"|"b"` or `"a", "b"` (zod's list of values or keys) -> `a, b`. */
function listOf(raw: string): string {
  return raw
    .split(/\s*[|,]\s*/)
    .map((v) => v.trim().replace(/^"(.*)"$/, '$1'))
    .filter(Boolean)
    .join(', ');
}

const TYPE_WORDS: Record<string, string> = {
  int: 'Must be a whole number',
  number: 'Must be a number',
  string: 'Must be text',
  boolean: 'Must be yes or no',
  array: 'Must be a list',
  object: 'Must be an object',
  date: 'Not a valid date',
};

const FORMAT_WORDS: Record<string, string> = {
  date: 'Not a valid date',
  datetime: 'Not a valid date and time',
  time: 'Not a valid time',
  uuid: 'Not a valid UUID',
  guid: 'Not a valid UUID',
  email: 'Not a valid email address',
  url: 'Not a valid URL',
};

/** Bounds of `too_small` / `too_big`: "expected number to be >=1", "expected string to have <=64 characters". */
const BOUND = /expected (\w+) to (?:be|have) ([<>]=?)\s*(-?[\d.e+]+)/i;

function boundWording(issue: FieldIssue, small: boolean): string | null {
  const m = BOUND.exec(issue.message);
  if (!m) return null;
  const [, origin = '', op = '', n = ''] = m;
  const inclusive = op.endsWith('=');
  switch (origin) {
    case 'number':
    case 'int':
    case 'bigint':
      if (small) return inclusive ? `Must be at least ${count(n)}` : `Must be more than ${count(n)}`;
      return inclusive ? `Must be at most ${count(n)}` : `Must be less than ${count(n)}`;
    case 'string':
      if (small)
        return Number(n) <= 1 ? 'Required' : `Must be at least ${plural(n, 'character', 'characters')}`;
      return `Must be at most ${plural(n, 'character', 'characters')}`;
    case 'array':
    case 'set':
      return small
        ? `Must have at least ${plural(n, 'entry', 'entries')}`
        : `Must have at most ${plural(n, 'entry', 'entries')}`;
    case 'date':
      return small ? `Must be on or after ${n}` : `Must be on or before ${n}`;
    default:
      return null;
  }
}

/** Regex rules carry the schema's own sentence ("only letters, digits and . _ : - are allowed"). */
function patternWording(message: string): string {
  const only = /^only (.+) (?:are|is) allowed$/i.exec(message.trim());
  if (only) return `Use ${only[1]} only`;
  if (/control characters/i.test(message)) return 'Must not contain control characters';
  if (/traceparent/i.test(message)) return 'Not a valid W3C traceparent';
  if (/^invalid string: must match pattern/i.test(message)) return 'Not in the expected format';
  return capitalize(message);
}

/**
 * The operator wording of one issue (the rule code decides; zod's message only supplies numbers,
 * values and the schema's own sentences). Unknown rules keep their message, capitalized.
 */
export function operatorMessage(issue: FieldIssue): string {
  const { rule, message } = issue;
  switch (rule) {
    case 'invalid_type': {
      const m = /expected (\w+), received (\w+)/i.exec(message);
      if (m?.[2] === 'undefined') return 'Required';
      return (m && TYPE_WORDS[m[1] ?? '']) ?? 'Not the expected kind of value';
    }
    case 'too_small':
      return boundWording(issue, true) ?? 'Too small';
    case 'too_big':
      return boundWording(issue, false) ?? 'Too big';
    case 'not_multiple_of': {
      const m = /multiple of (\S+)/i.exec(message);
      return m ? `Must be a multiple of ${m[1]}` : 'Not an allowed step';
    }
    case 'invalid_value': {
      const many = /expected one of (.+)$/i.exec(message);
      if (many?.[1]) return `Choose one of: ${listOf(many[1])}`;
      const one = /expected (.+)$/i.exec(message);
      return one?.[1] ? `Must be ${listOf(one[1])}` : 'Not an allowed value';
    }
    case 'unrecognized_keys': {
      const m = /keys?: (.+)$/i.exec(message);
      const keys = m?.[1] ? listOf(m[1]) : '';
      if (!keys) return 'Unknown field';
      return `Unknown field${keys.includes(',') ? 's' : ''}: ${keys}`;
    }
    case 'invalid_union':
      return 'Not a valid value';
    case 'known_event_type':
      return 'Unknown event type';
    case 'year_range':
      return 'Out of range: days 0001-01-01 to 9999-12-31, times 0001-01-02 to 9999-12-30 (UTC)';
    case 'date_range':
      return 'Must be on or after the start date';
    case 'json':
      return 'Not valid JSON';
    case 'custom':
      if (/IANA time zone/i.test(message)) return 'Not a known time zone (e.g. America/Sao_Paulo or UTC)';
      return /^invalid input$/i.test(message) ? 'Not valid' : capitalize(message);
  }
  if (rule.startsWith('format:')) {
    const format = rule.slice('format:'.length);
    if (format === 'regex') return patternWording(message);
    return FORMAT_WORDS[format] ?? 'Not in the expected format';
  }
  return capitalize(message);
}

/** The issue with operator wording; the original message moves to `detail`. */
export function toDisplayIssue(issue: FieldIssue): DisplayIssue {
  return { ...issue, message: operatorMessage(issue), detail: issue.message };
}

/** Tooltip of an issue: the rule code and the original wording (`too_small: Too small: ...`). */
export function issueTooltip(issue: FieldIssue & { detail?: string }): string {
  return `rule ${issue.rule}: ${issue.detail ?? issue.message}`;
}
