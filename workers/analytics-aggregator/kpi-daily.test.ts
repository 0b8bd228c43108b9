import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../contracts';
import { applyFactEvent, derive, foldFactEvent, type FactRow } from './fact-state';
import { contributionOf, kpiDailyDeltas, kpiDailyUpsert, type KpiDailyDelta } from './kpi-daily';

const zone = 'America/Sao_Paulo';
const ev = (subject: string, type: string, time: string, data: unknown, drillid?: string) =>
  ({
    specversion: '1.0',
    id: crypto.randomUUID(),
    source: 't',
    type,
    subject,
    time,
    data,
    ...(drillid ? { drillid } : {}),
  }) as unknown as OrderEvent;

/** The daily counts recomputed from scratch, as the former materialized view did. */
function fullAggregate(facts: FactRow[]): Map<string, Omit<KpiDailyDelta, 'day' | 'is_drill'>> {
  const totals = kpiDailyDeltas(facts.map((f) => ({ before: undefined, after: contributionOf(f) })));
  return new Map(totals.map(({ day, is_drill, ...counts }) => [`${day}|${is_drill}`, counts]));
}

/** Applies deltas to a running table, dropping rows that reach all zeros (as the SQL does). */
function addTo(table: Map<string, Omit<KpiDailyDelta, 'day' | 'is_drill'>>, deltas: KpiDailyDelta[]): void {
  for (const { day, is_drill, ...d } of deltas) {
    const key = `${day}|${is_drill}`;
    const row = table.get(key) ?? { created: 0, shipped: 0, delivered: 0, on_time: 0, late: 0 };
    for (const k of Object.keys(d) as (keyof typeof d)[]) row[k] += d[k];
    if (Object.values(row).some((n) => n < 0)) throw new Error(`negative count on ${key}`);
    if (Object.values(row).every((n) => n === 0)) table.delete(key);
    else table.set(key, row);
  }
}

describe('kpi_daily deltas', () => {
  it('moves an order from late to on time and between days when an earlier delivery arrives', () => {
    const created = ev('o-1', 'sct.order.created.v1', '2024-03-01T12:00:00Z', {
      customerId: 'c',
      warehouseId: 'w',
      siteTimeZone: zone,
      promisedDate: '2024-03-05',
      lines: [{ sku: 'A', quantity: 1 }],
    });
    const f = applyFactEvent(undefined, created, false);
    const afterCreate = contributionOf(f);
    applyFactEvent(f, ev('o-1', 'sct.order.delivered.v1', '2024-03-08T12:00:00Z', { lines: [] }), true);
    const late = contributionOf(f);
    applyFactEvent(f, ev('o-1', 'sct.order.delivered.v1', '2024-03-04T12:00:00Z', { lines: [] }), true);
    expect(kpiDailyDeltas([{ before: late, after: contributionOf(f) }])).toEqual([
      { day: '2024-03-04', is_drill: false, created: 0, shipped: 0, delivered: 1, on_time: 1, late: 0 },
      { day: '2024-03-08', is_drill: false, created: 0, shipped: 0, delivered: -1, on_time: 0, late: -1 },
    ]);
    // Unchanged contribution: nothing to write.
    expect(kpiDailyDeltas([{ before: afterCreate, after: afterCreate }])).toEqual([]);
  });

  it('sorts deltas by day then drill flag (the lock order that keeps batches deadlock-free)', () => {
    const c = (day: string, is_drill: boolean) => ({
      created_day: day,
      shipped_day: null,
      delivered_day: null,
      on_time: null,
      is_drill,
    });
    const days = kpiDailyDeltas([
      { before: undefined, after: c('2024-03-09', true) },
      { before: undefined, after: c('2024-03-01', false) },
      { before: undefined, after: c('2024-03-09', false) },
    ]).map((d) => `${d.day}|${d.is_drill}`);
    expect(days).toEqual(['2024-03-01|false', '2024-03-09|false', '2024-03-09|true']);
  });

  it('any batching of any event order gives the per-event facts and sums to the full recomputation', () => {
    const day = fc.integer({ min: 1, max: 9 }).map((d) => `2024-03-0${d}T${d % 2 ? '01' : '15'}:00:00Z`);
    const orderEvents = (subject: string) =>
      fc
        .record({
          created: day,
          drill: fc.boolean(),
          shipped: fc.option(day),
          deliveries: fc.array(day, { maxLength: 2 }),
          cancelled: fc.option(day),
        })
        .map(({ created, drill, shipped, deliveries, cancelled }) => [
          ev(
            subject,
            'sct.order.created.v1',
            created,
            {
              customerId: 'c',
              warehouseId: 'w',
              siteTimeZone: zone,
              promisedDate: '2024-03-05',
              lines: [{ sku: 'A', quantity: 1 }],
            },
            drill ? 'drill-1' : undefined,
          ),
          ...(shipped ? [ev(subject, 'sct.order.shipped.v1', shipped, {})] : []),
          ...deliveries.map((t) =>
            ev(subject, 'sct.order.delivered.v1', t, { lines: [{ sku: 'A', quantity: 1 }] }),
          ),
          ...(cancelled ? [ev(subject, 'sct.order.cancelled.v1', cancelled, { reason: 'x' })] : []),
        ]);
    fc.assert(
      fc.property(
        fc.tuple(orderEvents('o-1'), orderEvents('o-2'), orderEvents('o-3')),
        fc.infiniteStream(fc.boolean()),
        fc.integer({ min: 1, max: 4 }),
        (perOrder, shuffle, batchSize) => {
          // Interleave the orders' events in a random order, then cut into batches.
          const stream = perOrder.flat().sort(() => (shuffle.next().value ? 1 : -1));
          const facts = new Map<string, FactRow>();
          const reference = new Map<string, FactRow>(); // derived after every event
          const table = new Map<string, Omit<KpiDailyDelta, 'day' | 'is_drill'>>();
          for (let i = 0; i < stream.length; i += batchSize) {
            const batch = stream.slice(i, i + batchSize);
            const ids = [...new Set(batch.map((e) => e.subject))];
            const before = new Map(
              ids.filter((id) => facts.has(id)).map((id) => [id, contributionOf(facts.get(id)!)]),
            );
            // As the projection does: fold the batch, derive each order once.
            for (const e of batch) {
              facts.set(e.subject, foldFactEvent(facts.get(e.subject), e, facts.has(e.subject)));
              reference.set(e.subject, applyFactEvent(reference.get(e.subject), e, reference.has(e.subject)));
            }
            for (const id of ids) derive(facts.get(id)!);
            addTo(
              table,
              kpiDailyDeltas(
                ids.map((id) => ({ before: before.get(id), after: contributionOf(facts.get(id)!) })),
              ),
            );
          }
          expect(facts).toEqual(reference);
          expect(table).toEqual(fullAggregate([...facts.values()]));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('kpiDailyDeltas for removed orders (a drill purge)', () => {
  it("takes a removed order's whole contribution back", () => {
    const f = {
      created_day: '2024-03-01',
      shipped_day: '2024-03-02',
      delivered_day: '2024-03-04',
      on_time: false,
      is_drill: true,
    };
    expect(kpiDailyDeltas([{ before: f, after: undefined }])).toEqual([
      { day: '2024-03-01', is_drill: true, created: -1, shipped: 0, delivered: 0, on_time: 0, late: 0 },
      { day: '2024-03-02', is_drill: true, created: 0, shipped: -1, delivered: 0, on_time: 0, late: 0 },
      { day: '2024-03-04', is_drill: true, created: 0, shipped: 0, delivered: -1, on_time: 0, late: -1 },
    ]);
  });
});

describe('kpiDailyUpsert', () => {
  it('upserts only deltas that raise counts: a lowering one would break the table check on insert', () => {
    const raise = {
      day: '2024-03-01',
      is_drill: false,
      created: 1,
      shipped: 0,
      delivered: 0,
      on_time: 0,
      late: 0,
    };
    const lower = {
      day: '2024-03-02',
      is_drill: true,
      created: -1,
      shipped: 1,
      delivered: 0,
      on_time: 0,
      late: 0,
    };
    expect(kpiDailyUpsert([raise, lower]).rows).toEqual([raise]);
  });
});
