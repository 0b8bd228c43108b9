import { describe, expect, it } from 'vitest';
import { drillIsolationVerdict, screenDrillIsolation, type ScreenItem } from './drill-isolation';

const live = (subject: string) => ({ subject });
const drill = (subject: string, drillid: string) => ({ subject, drillid });
const rules = (v: ({ rule: string } | null)[]) => v.map((x) => x?.rule ?? null);

describe('drillIsolationVerdict', () => {
  it('lets any event make a new entity, and traffic touch its own entities', () => {
    expect(drillIsolationVerdict(live('o-1'), undefined, false)).toBeNull();
    expect(drillIsolationVerdict(drill('o-1', 'd1'), undefined, false)).toBeNull();
    expect(drillIsolationVerdict(live('o-1'), null, false)).toBeNull();
    expect(drillIsolationVerdict(drill('o-1', 'd1'), 'd1', false)).toBeNull();
  });
  it('refuses a drill event on a live entity, naming the entity', () => {
    const v = drillIsolationVerdict(drill('o-1', 'd1'), null, false);
    expect(v?.rule).toBe('live_entity_in_drill');
    expect(v?.message).toMatch(/o-1 is live \(real\) traffic/);
  });
  it('refuses a live event on a drill entity, and one drill touching another', () => {
    expect(drillIsolationVerdict(live('o-1'), 'd1', false)?.rule).toBe('drill_entity_in_live_traffic');
    const other = drillIsolationVerdict(drill('o-1', 'd2'), 'd1', false);
    expect(other?.rule).toBe('entity_of_other_drill');
    expect(other?.message).toMatch(/belongs to drill d1.*drill d2/);
  });
  it('refuses every event of a purged drill, even on a new entity; live events are never "purged"', () => {
    expect(drillIsolationVerdict(drill('o-9', 'd1'), undefined, true)?.rule).toBe('drill_purged');
    expect(drillIsolationVerdict(live('o-9'), undefined, true)).toBeNull();
  });
});

describe('screenDrillIsolation', () => {
  it("judges a mixed batch in order: the first accepted event fixes a new entity's traffic", () => {
    const items: ScreenItem<{ subject: string; drillid?: string }>[] = [
      { event: drill('x', 'd1') }, // new: becomes drill d1's
      { event: live('x') }, // refused: x is d1's
      { event: live('real-1') }, // existing live entity: fine
      { event: drill('real-1', 'd1') }, // refused: the old bug (a drill cancelling a real order)
      { event: drill('x', 'd1') }, // fine
      { event: drill('x', 'd2') }, // refused: another drill
    ];
    const verdicts = screenDrillIsolation(items, new Map([['real-1', null]]), new Set());
    expect(rules(verdicts)).toEqual([
      null,
      'drill_entity_in_live_traffic',
      null,
      'live_entity_in_drill',
      null,
      'entity_of_other_drill',
    ]);
  });
  it('a refused event does not fix the traffic of a new entity', () => {
    const verdicts = screenDrillIsolation(
      [{ event: drill('y', 'gone') }, { event: live('y') }],
      new Map(),
      new Set(['gone']),
    );
    expect(rules(verdicts)).toEqual(['drill_purged', null]);
  });
  it("a purge in the stream removes the drill's entities and refuses its later events", () => {
    const verdicts = screenDrillIsolation(
      [
        { event: drill('a', 'd1') },
        { purgedDrill: 'd1' },
        { event: drill('a', 'd1') }, // after the cut: refused
        { event: live('a') }, // the drill's entity is gone: a live entity of the same id may start
        { event: live('b') }, // b belonged to d1 before the stream: gone too
        { event: drill('c', 'd2') }, // another drill is untouched by d1's purge
      ],
      new Map<string, string | null>([
        ['b', 'd1'],
        ['c', 'd2'],
      ]),
      new Set(),
    );
    expect(rules(verdicts)).toEqual([null, null, 'drill_purged', null, null, null]);
  });
  it('covers every event of every kind the same way (the rule never looks at the type)', () => {
    // Live entity + drill event is refused whatever the stream around it, and nothing leaks.
    for (let n = 0; n < 50; n += 1) {
      const items: ScreenItem<{ subject: string; drillid?: string }>[] = Array.from({ length: 20 }, (_, i) =>
        (i + n) % 3 === 0 ? { event: live(`e${i % 4}`) } : { event: drill(`e${i % 4}`, `d${(i + n) % 2}`) },
      );
      const verdicts = screenDrillIsolation(items, new Map(), new Set());
      const owner = new Map<string, string | null>();
      items.forEach((item, i) => {
        if (!('event' in item)) return;
        const { subject, drillid } = item.event;
        const traffic = drillid ?? null;
        if (!owner.has(subject)) {
          expect(verdicts[i]).toBeNull();
          owner.set(subject, traffic);
        } else expect(verdicts[i] === null).toBe(owner.get(subject) === traffic);
      });
    }
  });
});
