import { describe, expect, it } from 'vitest';
import type { DeadLetterRedriveOutcome } from '../../../contracts/api';
import {
  deadLetterId,
  groupLabel,
  outcomeText,
  payloadPreview,
  prettyPayload,
  readableReason,
  redriveSummary,
  toggleAll,
  toggleId,
  toKey,
} from './deadLetters';

const key = { sourceTopic: 'sct.orders', sourcePartition: 2, sourceOffset: '17' };

describe('dead-letter display helpers', () => {
  it('identifies a dead letter by topic/partition/offset and strips extra fields from keys', () => {
    expect(deadLetterId(key)).toBe('sct.orders/2/17');
    expect(toKey({ ...key, groups: ['x'] } as typeof key)).toEqual(key);
  });

  it('labels a consumer group without the deployment prefix', () => {
    expect(groupLabel('sct.order-processor')).toBe('order-processor');
    expect(groupLabel('t1a2b.c.analytics-aggregator')).toBe('analytics-aggregator');
    expect(groupLabel('plain')).toBe('plain');
  });

  it('splits a validation reason into a headline and one line per broken rule', () => {
    expect(
      readableReason(
        'schema validation failed: data.lines.0.quantity: too_small (Too small: expected number to be >=1); time: invalid_format (Invalid ISO datetime)',
      ),
    ).toEqual({
      headline: 'schema validation failed',
      details: [
        'data.lines.0.quantity: too_small (Too small: expected number to be >=1)',
        'time: invalid_format (Invalid ISO datetime)',
      ],
    });
    expect(readableReason("value is not JSON: Expected property name or '}' in JSON at position 1")).toEqual({
      headline: 'value is not JSON',
      details: ["Expected property name or '}' in JSON at position 1"],
    });
    expect(readableReason('boom')).toEqual({ headline: 'boom', details: [] });
  });

  it('previews a payload on one line and pretty-prints JSON only', () => {
    expect(payloadPreview('{\n  "a": 1\n}')).toBe('{ "a": 1 }');
    expect(payloadPreview('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(payloadPreview('  ')).toBe('(empty)');
    expect(prettyPayload('{"a":1}')).toEqual({ text: '{\n  "a": 1\n}', json: true });
    expect(prettyPayload('{not json')).toEqual({ text: '{not json', json: false });
  });

  it('describes each re-drive outcome and the whole answer', () => {
    const redriven: DeadLetterRedriveOutcome = {
      ...key,
      status: 202,
      outcome: 'redriven',
      message: 'm',
      placed: { id: 'e', topic: 'sct.orders', partition: 2, offset: '99' },
    };
    const rejected: DeadLetterRedriveOutcome = {
      ...key,
      status: 422,
      outcome: 'rejected',
      message: 'm',
      issues: [{ field: 'data.lines.0.quantity', rule: 'too_small', message: 'x' }],
    };
    expect(outcomeText(redriven)).toBe('re-driven: published to sct.orders partition 2 offset 99');
    expect(outcomeText(rejected)).toBe(
      'not re-driven, payload still invalid: data.lines.0.quantity too_small',
    );
    expect(outcomeText({ ...key, status: 404, outcome: 'not_found', message: 'm' })).toContain('not found');
    expect(redriveSummary({ redriven: 2, rejected: 1, notFound: 0 })).toBe('2 re-driven, 1 still invalid');
    expect(redriveSummary({ redriven: 0, rejected: 0, notFound: 3 })).toBe('0 re-driven, 3 not found');
  });

  it('toggles one selection and a whole page', () => {
    const one = toggleId(new Set(), 'a');
    expect([...one]).toEqual(['a']);
    expect([...toggleId(one, 'a')]).toEqual([]);
    const page = toggleAll(new Set(['z']), ['a', 'b']);
    expect([...page].sort()).toEqual(['a', 'b', 'z']);
    expect([...toggleAll(page, ['a', 'b'])]).toEqual(['z']);
    expect([...toggleAll(new Set(), [])]).toEqual([]);
  });
});
