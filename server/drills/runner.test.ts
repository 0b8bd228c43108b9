import { describe, expect, it } from 'vitest';
import { resolveParameters, type ResolvedDrillParameters } from '../../contracts';
import { generateDrill } from './generators';
import { loadScenarioLibrary } from './library';
import {
  anchorOf,
  checkScheduleAhead,
  DrillRequestError,
  MAX_DRILL_BATCH,
  nextBatchSize,
  timelineWithPurge,
} from './runner';

/**
 * The sending loop's schedule with a fixed round trip per publish (Kafka's acknowledgement plus
 * the position write), as in DrillRunner.loop: publish `nextBatchSize` events, then wait until the
 * last one sent is due. @returns the achieved rate (events/s)
 */
function simulate(rate: number, total: number, roundTripMs: number): number {
  let now = 0;
  let sent = 0;
  while (sent < total) {
    sent += nextBatchSize({ rate, sent, total, segmentFirst: 0, elapsedMs: now });
    now += roundTripMs;
    const due = (sent / rate) * 1000;
    if (due > now) now = due;
  }
  return (sent / now) * 1000;
}

describe('nextBatchSize (drill runner batching per tick)', () => {
  it('sends one tick of events (rate / 10) when on schedule', () => {
    expect(nextBatchSize({ rate: 1000, sent: 0, total: 10_000, segmentFirst: 0, elapsedMs: 0 })).toBe(100);
    expect(nextBatchSize({ rate: 50, sent: 0, total: 100, segmentFirst: 0, elapsedMs: 0 })).toBe(5);
    expect(nextBatchSize({ rate: 1, sent: 0, total: 3, segmentFirst: 0, elapsedMs: 0 })).toBe(1);
  });

  it('catches up with every event due by the next tick when behind, at most MAX_DRILL_BATCH', () => {
    // 600 ms in, 100 sent: 700 are due by the end of the next tick.
    expect(nextBatchSize({ rate: 1000, sent: 100, total: 10_000, segmentFirst: 0, elapsedMs: 600 })).toBe(
      600,
    );
    expect(nextBatchSize({ rate: 5000, sent: 0, total: 100_000, segmentFirst: 0, elapsedMs: 2_000 })).toBe(
      MAX_DRILL_BATCH,
    );
    // A resumed stretch counts from where it began.
    expect(
      nextBatchSize({ rate: 1000, sent: 5_000, total: 10_000, segmentFirst: 5_000, elapsedMs: 300 }),
    ).toBe(400);
  });

  it('never passes the end of the run', () => {
    expect(
      nextBatchSize({ rate: 1000, sent: 9_950, total: 10_000, segmentFirst: 0, elapsedMs: 60_000 }),
    ).toBe(50);
    expect(nextBatchSize({ rate: 1000, sent: 10_000, total: 10_000, segmentFirst: 0, elapsedMs: 0 })).toBe(0);
  });

  it('holds 1,000 events/s when a publish takes 300 ms (a busy machine; fixed batches of rate / 10 gave 333/s)', () => {
    expect(simulate(1000, 30_000, 300)).toBeGreaterThanOrEqual(900);
    expect(simulate(1000, 30_000, 20)).toBeGreaterThanOrEqual(990);
    // The rate is a ceiling, not a target to overshoot.
    expect(simulate(200, 2_000, 5)).toBeLessThanOrEqual(200.5);
  });
});

describe('checkScheduleAhead (drill events no further ahead than an injected event)', () => {
  const NOW = Date.UTC(2026, 11, 4, 12);
  const planOf = (scenarioId: string, given: Record<string, number>) => {
    const scenario = loadScenarioLibrary(null).get(scenarioId)!.scenario;
    const resolved = resolveParameters(scenario, given);
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
    const parameters = resolved.parameters as ResolvedDrillParameters;
    return generateDrill(scenario.generator, {
      runId: '00000000-0000-4000-8000-000000000000',
      drillId: 'x',
      seed: 1,
      parameters,
      anchorMs: anchorOf(NOW, parameters),
    });
  };

  it('passes every scenario at its defaults', () => {
    for (const { scenario } of loadScenarioLibrary(null).entries)
      expect(() => checkScheduleAhead(planOf(scenario.id, {}), NOW), scenario.id).not.toThrow();
  });

  it('refuses a schedule running weeks ahead (QA: deliveries two months ahead), naming the time shift', () => {
    const plan = planOf('carrier-delay-wave', {
      timeShiftHours: 0,
      durationMinutes: 10080,
      promiseDays: 30,
      delayDays: 30,
    });
    let error: unknown;
    try {
      checkScheduleAhead(plan, NOW);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DrillRequestError);
    const [issue] = (error as DrillRequestError).issues;
    expect(issue).toMatchObject({ field: 'parameters.timeShiftHours', rule: 'not_in_future' });
    expect(issue!.message).toMatch(
      /^the drill's events would run to 2027-0\d-\d\dT.*more than 24 h after now: shift it at least \d+ h/,
    );
  });
});

describe("timelineWithPurge (a purged drill in its run's timeline, QA: the report had no purge entry)", () => {
  const timeline = [
    { at: '2026-12-04T10:00:00.000Z', kind: 'started', operator: 'dora', sent: 0, detail: null },
    { at: '2026-12-04T10:01:00.000Z', kind: 'completed', operator: null, sent: 24, detail: null },
    { at: '2026-12-04T10:09:00.000Z', kind: 'note', operator: 'dora', sent: 24, detail: 'later note' },
  ] as const;

  it('adds the purge by its time, naming the operator and the reason', () => {
    const purge = { at: '2026-12-04T10:05:00.000Z', operator: 'ed', reason: 'drill done' };
    expect(timelineWithPurge(timeline, purge, 24).map((t) => t.kind)).toEqual([
      'started',
      'completed',
      'purged',
      'note',
    ]);
    expect(timelineWithPurge(timeline, purge, 24)[2]).toEqual({
      at: purge.at,
      kind: 'purged',
      operator: 'ed',
      sent: 24,
      detail: 'drill done',
    });
    expect(timelineWithPurge(timeline, { ...purge, at: '2026-12-04T11:00:00.000Z' }, 24).at(-1)?.kind).toBe(
      'purged',
    );
  });

  it('leaves the timeline of a drill not purged as it is', () => {
    expect(timelineWithPurge(timeline, null, 24)).toEqual(timeline);
  });
});
