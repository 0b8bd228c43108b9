import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DeadLetterKey, DeadLetterRedriveOutcome } from '../../contracts';
import {
  compareKeys,
  distinctKeys,
  isolationRuleOf,
  keyText,
  planRedrive,
  redriveOffer,
  redriveHttpStatus,
  summarizeRedrive,
} from './dead-letters';

const key = (offset: string, partition = 0, topic = 'sct.orders'): DeadLetterKey => ({
  sourceTopic: topic,
  sourcePartition: partition,
  sourceOffset: offset,
});

const validEvent = () => ({
  specversion: '1.0',
  id: randomUUID(),
  source: 'test',
  type: 'sct.order.approved.v1',
  subject: 'o-1',
  time: '2024-03-01T12:00:00Z',
  data: {},
});

const outcome = (o: DeadLetterRedriveOutcome['outcome'], offset = '1'): DeadLetterRedriveOutcome => ({
  ...key(offset),
  outcome: o,
  status: o === 'redriven' ? 202 : o === 'rejected' ? 422 : 404,
  message: o,
  ...(o === 'rejected'
    ? {
        error: 'validation_failed' as const,
        issues: [{ field: 'time', rule: 'format:datetime', message: 'x' }],
      }
    : {}),
});

describe('dead-letter helpers', () => {
  it('names a key as topic/partition/offset and drops repeated keys in first-seen order', () => {
    expect(keyText(key('42', 3))).toBe('sct.orders/3/42');
    expect(distinctKeys([key('2'), key('1'), key('2'), key('2', 1)])).toEqual([
      key('2'),
      key('1'),
      key('2', 1),
    ]);
  });

  it('orders keys by topic, partition, then numeric offset (not text order)', () => {
    const keys = [key('10', 1), key('9', 1), key('5', 0), key('1', 0, 'sct.a')];
    expect([...keys].sort(compareKeys)).toEqual([
      key('1', 0, 'sct.a'),
      key('5', 0),
      key('9', 1),
      key('10', 1),
    ]);
    expect(compareKeys(key('9223372036854775806'), key('9223372036854775807'))).toBe(-1);
  });

  it('plans a valid payload as an event to re-publish', () => {
    const event = validEvent();
    const plan = planRedrive(JSON.stringify(event));
    expect(plan).toEqual({ ok: true, event });
  });

  it('rejects a payload that is not JSON, naming the rule', () => {
    const plan = planRedrive('{not json');
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.error).toBe('payload_not_json');
    expect(plan.issues).toEqual([expect.objectContaining({ field: '(payload)', rule: 'json' })]);
  });

  it('rejects a still-invalid event with each field and rule', () => {
    const plan = planRedrive(JSON.stringify({ ...validEvent(), time: 'yesterday' }));
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.error).toBe('validation_failed');
    expect(plan.issues.map((i) => `${i.field} ${i.rule}`)).toContain('time format:datetime');
    expect(plan.message).toContain('time format:datetime');
  });

  it('answers 202 when anything was re-driven, else 422 for rejects, else 404', () => {
    expect(redriveHttpStatus([outcome('rejected'), outcome('redriven')])).toBe(202);
    expect(redriveHttpStatus([outcome('not_found'), outcome('rejected')])).toBe(422);
    expect(redriveHttpStatus([outcome('not_found')])).toBe(404);
  });

  it('summarizes outcomes and is an ApiError only when nothing was re-driven', () => {
    const ok = summarizeRedrive([
      outcome('redriven', '1'),
      outcome('rejected', '2'),
      outcome('not_found', '3'),
    ]);
    expect(ok).toMatchObject({ redriven: 1, rejected: 1, notFound: 1 });
    expect(ok.error).toBeUndefined();
    const rejected = summarizeRedrive([outcome('rejected', '7')]);
    expect(rejected.error).toBe('redrive_rejected');
    expect(rejected.message).toContain('sct.orders/0/7');
    expect(rejected.issues).toEqual([{ field: 'time', rule: 'format:datetime', message: 'x' }]);
    expect(summarizeRedrive([outcome('not_found', '8')])).toMatchObject({
      error: 'not_found',
      message: 'no dead letter sct.orders/0/8',
    });
  });
});

describe('redriveOffer', () => {
  it('offers a re-drive only for a payload that is a valid event today, else says why not', () => {
    const valid = {
      specversion: '1.0',
      id: '0f8fad5b-d9cb-469f-a165-70867728950e',
      source: 'test',
      type: 'sct.order.approved.v1',
      subject: 'o-1',
      time: '2024-03-01T12:00:00Z',
      data: {},
    };
    expect(redriveOffer(JSON.stringify(valid))).toEqual({ offered: true, reason: null });
    const invalid = redriveOffer(JSON.stringify({ ...valid, time: 'yesterday' }));
    expect(invalid.offered).toBe(false);
    expect(invalid.reason).toMatch(/^re-drive not offered: payload is still not a valid event: time /);
    expect(redriveOffer('{"id": ').reason).toMatch(/payload is not JSON/);
  });
});

describe('dead letters drill isolation would refuse again (QA: a purged drill re-driven in a loop)', () => {
  const drillEvent = (drillid: string) => JSON.stringify({ ...validEvent(), drillid });
  const purgedError =
    'drill isolation (drill_purged): drill qa-d was purged: its events are no longer applied';

  it('does not offer a re-drive of an event of a purged drill, or one parked as drill_purged, and says why', () => {
    const offer = redriveOffer(drillEvent('qa-d'), 'some other error', new Set(['qa-d']));
    expect(offer).toEqual({ offered: false, reason: expect.stringMatching(/drill qa-d was purged/) });
    // Parked as drill_purged: not offered even before the purge is known here.
    expect(redriveOffer(drillEvent('qa-d'), purgedError).offered).toBe(false);
    // Another drill, not purged, and a transient error: offered.
    expect(redriveOffer(drillEvent('qa-other'), 'database timeout', new Set(['qa-d']))).toEqual({
      offered: true,
      reason: null,
    });
  });

  it('does not offer any drill-isolation refusal (the same rule refuses it again), naming the rule', () => {
    for (const rule of ['live_entity_in_drill', 'drill_entity_in_live_traffic', 'entity_of_other_drill']) {
      const offer = redriveOffer(
        drillEvent('qa-x'),
        `drill isolation (${rule}): data.orderId: order o-1 is live`,
      );
      expect(offer.offered).toBe(false);
      expect(offer.reason).toContain(rule);
    }
    expect(isolationRuleOf('drill isolation (made_up): x')).toBeNull();
  });

  it('refusals answer 409 naming the key and the reason, unless something was re-driven', () => {
    const refused: DeadLetterRedriveOutcome = {
      ...key('9'),
      status: 409,
      outcome: 'refused',
      error: 'drill_purged',
      message: 'drill qa-d was purged',
    };
    expect(redriveHttpStatus([refused, outcome('rejected')])).toBe(409);
    expect(redriveHttpStatus([refused, outcome('redriven')])).toBe(202);
    expect(summarizeRedrive([refused])).toMatchObject({
      refused: 1,
      error: 'drill_purged',
      message: 'dead letter sct.orders/0/9 was not re-driven: drill qa-d was purged',
    });
  });
});
