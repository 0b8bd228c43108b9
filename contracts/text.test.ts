import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { deadLetterListQuerySchema, deadLetterRedriveSchema, shipmentListQuerySchema } from './api';
import { auditExportQuerySchema, auditListQuerySchema } from './audit';
import { loginRequestSchema } from './auth';
import { drillPurgeRequestSchema } from './drill-purge';
import { drillActionSchema, drillNoteSchema, drillStartRequestSchema } from './drills';
import { toFieldIssues } from './events';
import { outboxDiscardSchema } from './outbox';
import { TEXT_PATTERN, TEXT_RULE_MESSAGE } from './text';

const key = { sourceTopic: 't', sourcePartition: 0, sourceOffset: '1' };

/** Every free-text field of a request (body or query string) with a valid request around it. */
const FREE_TEXT: [string, z.ZodType, (text: string) => unknown, string][] = [
  ['login username', loginRequestSchema, (t) => ({ username: t, password: 'pw' }), 'username'],
  ['audit list operator', auditListQuerySchema, (t) => ({ operator: t }), 'operator'],
  ['audit export operator', auditExportQuerySchema, (t) => ({ operator: t }), 'operator'],
  ['re-drive reason', deadLetterRedriveSchema, (t) => ({ keys: [key], reason: t }), 'reason'],
  ['dead-letter type filter', deadLetterListQuerySchema, (t) => ({ type: t }), 'type'],
  ['shipments carrier filter', shipmentListQuerySchema, (t) => ({ carrier: t }), 'carrier'],
  [
    'drill start note',
    drillStartRequestSchema,
    (t) => ({ scenarioId: 'carrier-delay-wave', note: t }),
    'note',
  ],
  ['drill note', drillNoteSchema, (t) => ({ note: t }), 'note'],
  ['drill pause/resume/stop reason', drillActionSchema, (t) => ({ reason: t }), 'reason'],
  ['drill purge reason', drillPurgeRequestSchema, (t) => ({ reason: t }), 'reason'],
  ['outbox discard reason', outboxDiscardSchema, (t) => ({ reason: t }), 'reason'],
];

describe('the one text rule on every free-text request field', () => {
  it.each(FREE_TEXT)(
    '%s refuses NUL, other controls and lone surrogates, naming the field',
    (_, schema, body, field) => {
      for (const bad of ['fixed\u0000', 'a\u0007b', 'a\u001bb', 'a\u0085b', 'a\ud800b']) {
        const parsed = schema.safeParse(body(bad));
        expect(parsed.success, JSON.stringify(bad)).toBe(false);
        if (parsed.success) continue;
        expect(toFieldIssues(parsed.error)).toEqual([
          { field, rule: 'format:regex', message: TEXT_RULE_MESSAGE },
        ]);
      }
      expect(schema.safeParse(body('fixed the mapping: é 配送 😀\tok')).success).toBe(true);
    },
  );
});

describe('bidi controls (spoofing: "crushed \\u202egnp.exe" displays as "crushed exe.png")', () => {
  const BIDI_CONTROLS = [
    '\u202a',
    '\u202b',
    '\u202c',
    '\u202d',
    '\u202e',
    '\u2066',
    '\u2067',
    '\u2068',
    '\u2069',
  ];

  it.each(FREE_TEXT)(
    '%s refuses every embedding, override and isolate control, naming the field',
    (_, schema, body, field) => {
      for (const bidi of BIDI_CONTROLS) {
        const parsed = schema.safeParse(body(`crushed ${bidi}gnp.exe`));
        expect(parsed.success, JSON.stringify(bidi)).toBe(false);
        if (parsed.success) continue;
        expect(toFieldIssues(parsed.error)).toEqual([
          { field, rule: 'format:regex', message: TEXT_RULE_MESSAGE },
        ]);
      }
    },
  );

  it('keeps the zero-width joiner of emoji, the other format characters and the bidi marks', () => {
    for (const text of [
      'family 👨\u200d👩\u200d👧', // ZWJ sequence
      'soft\u00adhyphen', // U+00AD soft hyphen
      'zero\u200bwidth', // U+200B zero-width space
      'שלום (5)\u200f', // U+200F right-to-left mark after RTL text
      'abc\u200e', // U+200E left-to-right mark
      'مرحبا\u061c', // U+061C Arabic letter mark
    ])
      expect(TEXT_PATTERN.test(text), JSON.stringify(text)).toBe(true);
  });
});
