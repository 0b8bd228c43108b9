import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ALL_EVENT_TYPES, issueSummary, toFieldIssues, validateEvent } from './events';
import { TEXT_RULE_MESSAGE } from './text';

const created = {
  specversion: '1.0',
  id: '3f1c2a4e-8b7d-4c2a-9e1f-0a1b2c3d4e5f',
  source: 'test',
  type: 'sct.order.created.v1',
  subject: 'o-1',
  time: '2024-03-01T12:00:00-03:00',
  data: {
    customerId: 'c-1',
    warehouseId: 'w-1',
    siteTimeZone: 'America/Sao_Paulo',
    promisedDate: '2024-03-10',
    lines: [{ sku: 'A', quantity: 1 }],
  },
};

function fields(input: unknown): string[] {
  const r = validateEvent(input);
  return r.ok ? [] : r.issues.map((i) => i.field).sort();
}

describe('validateEvent', () => {
  it('accepts a valid order.created with an offset time', () => {
    expect(validateEvent(created).ok).toBe(true);
  });

  it('returns the id in canonical lowercase (the database answers uuids in lowercase)', () => {
    // An uppercase id was accepted, then silently skipped by the workers: their idempotency check
    // compared it with the lowercase id PostgreSQL returned.
    const r = validateEvent({ ...created, id: created.id.toUpperCase() });
    expect(r.ok && r.event.id).toBe(created.id);
  });

  it('names every broken field', () => {
    expect(fields({ ...created, id: 'x', time: '2024-03-01 12:00' })).toEqual(['id', 'time']);
    expect(fields({ ...created, data: { ...created.data, lines: [{ sku: 'A', quantity: 0 }] } })).toEqual([
      'data.lines.0.quantity',
    ]);
    expect(fields({ ...created, data: { ...created.data, promisedDate: '2024-02-30' } })).toEqual([
      'data.promisedDate',
    ]);
    expect(fields({ ...created, data: { ...created.data, siteTimeZone: 'Mars/Olympus' } })).toEqual([
      'data.siteTimeZone',
    ]);
    expect(fields({ ...created, subject: 'o 1; DROP TABLE orders' })).toEqual(['subject']);
    expect(fields({ ...created, extra: 1 })).toEqual(['extra']);
  });

  it('rejects an unknown type with the list of known ones', () => {
    const r = validateEvent({ ...created, type: 'sct.order.teleported.v1' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues[0]!.field).toBe('type');
      expect(r.issues[0]!.message).toContain('sct.order.created.v1');
    }
  });

  it('accepts only instants whose day is valid in every site time zone', () => {
    for (const time of [
      '0001-01-01T00:00:00Z',
      '0001-01-01T23:59:59Z',
      '9999-12-31T00:00:00Z',
      '9999-12-31T23:00:00Z',
    ])
      expect(fields({ ...created, time }), time).toEqual(['time']);
    for (const time of ['0001-01-02T00:00:00Z', '9999-12-30T23:59:59Z', '1970-01-01T00:00:00Z'])
      expect(fields({ ...created, time }), time).toEqual([]);
  });

  it('rejects a time without offset and a checkpoint with an unknown status', () => {
    expect(fields({ ...created, time: '2024-03-01T12:00:00' })).toEqual(['time']);
    const checkpoint = { ...created, type: 'sct.shipment.checkpoint.v1', data: { status: 'lost_in_space' } };
    expect(fields(checkpoint)).toEqual(['data.status']);
  });

  it('has a data schema for each of the 12 event types', () => {
    expect(ALL_EVENT_TYPES).toHaveLength(12);
  });
});

describe('text fields', () => {
  it('rejects control characters (PostgreSQL cannot store NUL) in every free-text field', () => {
    const cancelled = { ...created, type: 'sct.order.cancelled.v1', data: { reason: 'bad\u0000reason' } };
    expect(fields(cancelled)).toEqual(['data.reason']);
    expect(fields({ ...created, source: 'a\u0007b' })).toEqual(['source']);
    expect(
      fields({ ...created, data: { ...created.data, lines: [{ sku: 'A\u0000', quantity: 1 }] } }),
    ).toEqual(['data.lines.0.sku']);
    expect(validateEvent({ ...cancelled, data: { reason: 'line one\nline two\ttabbed' } }).ok).toBe(true);
  });

  it('rejects bidi overrides and isolates (spoofed file names) in the cancel reason and the exception message', () => {
    const cancelled = {
      ...created,
      type: 'sct.order.cancelled.v1',
      data: { reason: 'crushed \u202egnp.exe' },
    };
    const exception = {
      ...created,
      type: 'sct.shipment.exception.v1',
      subject: 's-1',
      data: { reasonCode: 'DAMAGED', message: 'see \u2067photo\u2069' },
    };
    for (const [event, field] of [
      [cancelled, 'data.reason'],
      [exception, 'data.message'],
    ] as const) {
      const r = validateEvent(event);
      expect(r.ok ? [] : r.issues).toEqual([{ field, rule: 'format:regex', message: TEXT_RULE_MESSAGE }]);
    }
    expect(validateEvent({ ...cancelled, data: { reason: 'crushed 👨\u200d👩\u200d👧 box' } }).ok).toBe(true);
  });
});

describe('field issues listed once', () => {
  it('drops exact duplicates (same field, rule and message) and keeps every distinct issue', () => {
    const twice = z.object({
      a: z
        .string()
        .refine((s) => s !== 'x', 'must not be x')
        .refine((s) => s !== 'x', 'must not be x')
        .refine((s) => s !== 'x', { message: 'must not be x', params: { rule: 'not_x' } }),
      b: z.string().refine((s) => s !== 'x', 'must not be x'),
    });
    const parsed = twice.safeParse({ a: 'x', b: 'x' });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(parsed.error.issues).toHaveLength(4);
    expect(toFieldIssues(parsed.error)).toEqual([
      { field: 'a', rule: 'custom', message: 'must not be x' },
      { field: 'a', rule: 'not_x', message: 'must not be x' },
      { field: 'b', rule: 'custom', message: 'must not be x' },
    ]);
  });

  it('keeps both bounds of a quantity of 1e20 in the issues and names field and rule once in the summary', () => {
    const r = validateEvent({ ...created, data: { ...created.data, lines: [{ sku: 'A', quantity: 1e20 }] } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    // Two distinct messages (zod's safe-integer bound of int() and the schema's own max): both kept.
    expect(r.issues.map((i) => `${i.field} ${i.rule}`)).toEqual([
      'data.lines.0.quantity too_big',
      'data.lines.0.quantity too_big',
    ]);
    expect(new Set(r.issues.map((i) => i.message)).size).toBe(2);
    expect(issueSummary(r.issues)).toBe('data.lines.0.quantity too_big');
    expect(
      issueSummary([
        { field: 'id', rule: 'format:uuid', message: 'm' },
        { field: 'time', rule: 'format:datetime', message: 'm' },
        { field: 'id', rule: 'format:uuid', message: 'other' },
        { field: 'id', rule: 'too_big', message: 'm' },
      ]),
    ).toBe('id format:uuid, time format:datetime, id too_big');
  });
});
