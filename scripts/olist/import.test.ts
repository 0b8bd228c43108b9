import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, type SupplyChainEvent } from '../../contracts';
import { formatSummary, importOlist, MAX_BATCH_SIZE } from './import';
import { loadOlistFolder, OlistInputError, resolveOlistFiles } from './read';

const ORDERS_HEADER =
  'order_id,customer_id,order_status,order_purchase_timestamp,order_approved_at,order_delivered_carrier_date,order_delivered_customer_date,order_estimated_delivery_date';
// Hand-made rows: one clean order and one of each trap, an order without items, a cancelled one.
const ORDERS = [
  'o1clean,c1,delivered,2017-12-01 10:00:00,2017-12-01 10:20:00,2017-12-02 15:00:00,2017-12-08 18:30:00,2017-12-20 00:00:00',
  'o2handover,c1,delivered,2018-03-01 10:00:00,2018-03-03 09:00:00,2018-03-02 15:00:00,2018-03-08 18:30:00,2018-03-20 00:00:00',
  'o3early,c2,delivered,2018-03-01 10:00:00,2018-03-01 10:20:00,2018-03-05 15:00:00,2018-03-04 18:30:00,2018-03-20 00:00:00',
  'o4nodate,c2,delivered,2018-03-01 10:00:00,2018-03-01 10:20:00,2018-03-05 15:00:00,,2018-03-20 00:00:00',
  'o5noitems,c1,unavailable,2018-03-01 10:00:00,2018-03-01 10:20:00,,,2018-03-20 00:00:00',
  'o6cancel,c1,canceled,2018-04-01 10:00:00,2018-04-01 11:00:00,,,2018-04-20 00:00:00',
  'o7shipped,c2,shipped,2018-04-01 10:00:00,2018-04-01 11:00:00,2018-04-02 11:00:00,,2018-04-20 00:00:00',
];
const ITEMS = [
  'order_id,order_item_id,product_id,seller_id,shipping_limit_date,price,freight_value',
  'o1clean,1,p1,s1,2017-12-05 10:00:00,10.00,1.00',
  'o1clean,2,p1,s1,2017-12-05 10:00:00,10.00,1.00',
  'o2handover,1,p2,s2,2018-03-05 10:00:00,10.00,1.00',
  'o3early,1,p3,s1,2018-03-05 10:00:00,10.00,1.00',
  'o4nodate,1,p4,s1,2018-03-05 10:00:00,10.00,1.00',
  'o6cancel,1,p6,s2,2018-04-05 10:00:00,10.00,1.00',
  'o7shipped,2,p8,s2,2018-04-05 10:00:00,10.00,1.00',
  'o7shipped,1,p7,s1,2018-04-05 10:00:00,10.00,1.00',
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'olist-unit-'));
  writeFileSync(path.join(dir, 'olist_orders_dataset.csv'), [ORDERS_HEADER, ...ORDERS].join('\n') + '\n');
  writeFileSync(path.join(dir, 'olist_order_items_dataset.csv'), ITEMS.join('\n') + '\n');
  // BOM and quoted values, as in the real files.
  writeFileSync(
    path.join(dir, 'olist_customers_dataset.csv'),
    '\uFEFFcustomer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state\nc1,u1,15170,tanabi,SP\n"c2","u2","21321","rio de janeiro","RJ"\n',
  );
  writeFileSync(
    path.join(dir, 'olist_sellers_dataset.csv'),
    '"seller_id","seller_zip_code_prefix","seller_city","seller_state"\n"s1","13023",campinas,SP\ns2,"13844",mogi guacu,SP\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recorder() {
  const calls: SupplyChainEvent[][] = [];
  return { calls, publish: async (events: SupplyChainEvent[]) => void calls.push([...events]) };
}

describe('loadOlistFolder', () => {
  it('reads orders in file order, items per order sorted by item number, places from quoted/BOM files', async () => {
    const data = await loadOlistFolder(dir);
    expect(data.orders.map((o) => o.order_id)).toEqual([
      'o1clean',
      'o2handover',
      'o3early',
      'o4nodate',
      'o5noitems',
      'o6cancel',
      'o7shipped',
    ]);
    expect(data.itemsByOrder.get('o7shipped')!.map((i) => i.product_id)).toEqual(['p7', 'p8']);
    expect(data.customers.get('c1')).toEqual({ city: 'tanabi', state: 'SP' });
    expect(data.customers.get('c2')).toEqual({ city: 'rio de janeiro', state: 'RJ' });
    expect(data.sellers.get('s1')).toEqual({ city: 'campinas', state: 'SP' });
  });

  it('honours the limit', async () => {
    const data = await loadOlistFolder(dir, 2);
    expect(data.orders.map((o) => o.order_id)).toEqual(['o1clean', 'o2handover']);
    expect([...data.itemsByOrder.keys()].sort()).toEqual(['o1clean', 'o2handover']);
  });

  it('names a missing folder or file', () => {
    const missing = path.join(dir, 'nope');
    expect(() => resolveOlistFiles(missing)).toThrow(OlistInputError);
    expect(() => resolveOlistFiles(missing)).toThrow(`Olist data folder not found: ${missing}`);
    const partial = mkdtempSync(path.join(tmpdir(), 'olist-partial-'));
    try {
      writeFileSync(path.join(partial, 'olist_orders_dataset.csv'), `${ORDERS_HEADER}\n`);
      expect(() => resolveOlistFiles(partial)).toThrow(path.join(partial, 'olist_order_items_dataset.csv'));
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  });
});

describe('importOlist', () => {
  it('publishes every valid order and counts each trap and skip in the summary', async () => {
    const rec = recorder();
    const s = await importOlist({ folder: dir, publish: rec.publish });
    expect(s.ordersRead).toBe(7);
    expect(s.ordersImported).toBe(6);
    expect(s.ordersSkipped).toBe(1);
    expect(s.skipped).toEqual({
      'no items (order.created needs at least one line)': { count: 1, examples: ['o5noitems'] },
    });
    expect(s.inconsistencies).toEqual({
      handover_before_approval: { count: 1, examples: ['o2handover'] },
      delivery_before_handover: { count: 1, examples: ['o3early'] },
      delivered_without_delivery_date: { count: 1, examples: ['o4nodate'] },
    });
    expect(s.eventsByType).toEqual({
      [EVENT_TYPES.orderCreated]: 6,
      [EVENT_TYPES.orderApproved]: 6,
      [EVENT_TYPES.orderShipped]: 5,
      [EVENT_TYPES.shipmentCreated]: 5,
      [EVENT_TYPES.shipmentCheckpoint]: 5,
      [EVENT_TYPES.orderDelivered]: 3,
      [EVENT_TYPES.shipmentDelivered]: 3,
      [EVENT_TYPES.orderCancelled]: 1,
    });
    const all = rec.calls.flat();
    expect(s.eventsPublished).toBe(all.length);
    expect(all.some((e) => e.subject === 'o5noitems')).toBe(false);
    const text = formatSummary(s);
    expect(text).toContain('handover_before_approval');
    expect(text).toContain('no items');
  });

  it('is deterministic: a second run publishes the same ids', async () => {
    const a = recorder();
    const b = recorder();
    await importOlist({ folder: dir, publish: a.publish });
    await importOlist({ folder: dir, publish: b.publish });
    expect(b.calls.flat().map((e) => e.id)).toEqual(a.calls.flat().map((e) => e.id));
  });

  it('batches without splitting an order, each order in lifecycle order', async () => {
    const rec = recorder();
    const progress: number[] = [];
    await importOlist({
      folder: dir,
      publish: rec.publish,
      batchSize: 8,
      onProgress: (p) => progress.push(p.ordersDone),
    });
    expect(rec.calls.length).toBeGreaterThan(1);
    const orderOf = (e: SupplyChainEvent) => e.subject.replace(/^shp-/, '');
    for (const id of new Set(rec.calls.flat().map(orderOf))) {
      expect(rec.calls.filter((c) => c.some((e) => orderOf(e) === id))).toHaveLength(1);
    }
    for (const call of rec.calls) expect(call.length).toBeLessThanOrEqual(8);
    const o1 = rec.calls
      .flat()
      .filter((e) => e.subject === 'o1clean')
      .map((e) => e.type);
    expect(o1).toEqual([
      EVENT_TYPES.orderCreated,
      EVENT_TYPES.orderApproved,
      EVENT_TYPES.orderShipped,
      EVENT_TYPES.orderDelivered,
    ]);
    expect(progress.at(-1)).toBe(7);
  });

  it('never has two publish calls in flight (the next batch waits for the acknowledgement)', async () => {
    let active = 0;
    let maxActive = 0;
    const acknowledged: number[] = [];
    await importOlist({
      folder: dir,
      batchSize: 4,
      publish: async (events) => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 5));
        acknowledged.push(events.length);
        active -= 1;
      },
    });
    expect(maxActive).toBe(1);
    expect(acknowledged.length).toBeGreaterThan(2);
  });

  it('the summary says that a re-run (also with another --site-tz) is skipped by event id', async () => {
    const text = formatSummary(await importOlist({ folder: dir, publish: recorder().publish }));
    expect(text).toContain('events published (acknowledged)');
    expect(text).toContain('The workers skip every event whose id');
    expect(text).toContain('changes nothing, even with a different --site-tz: the first import wins');
    expect(text).toContain('use a fresh deployment (new SCT_TOPIC_PREFIX and database; see --help)');
  });

  it('rejects a batch size outside 1..MAX_BATCH_SIZE before publishing anything', async () => {
    for (const batchSize of [0, MAX_BATCH_SIZE + 1, 100_000_000, 2.5]) {
      const rec = recorder();
      await expect(importOlist({ folder: dir, batchSize, publish: rec.publish })).rejects.toThrow(
        `batchSize must be a whole number from 1 to ${MAX_BATCH_SIZE} (got ${batchSize})`,
      );
      expect(rec.calls).toHaveLength(0);
    }
  });

  it('publishes data read beforehand (the CLI reads every file before connecting)', async () => {
    const data = await loadOlistFolder(dir, 2);
    const rec = recorder();
    const s = await importOlist({
      folder: 'unused-when-data-is-given',
      data,
      readSeconds: 1.5,
      publish: rec.publish,
    });
    expect(s.ordersRead).toBe(2);
    expect(s.readSeconds).toBe(1.5);
    expect(s.durationSeconds).toBeGreaterThanOrEqual(1.5);
    expect(new Set(rec.calls.flat().map((e) => e.subject))).toEqual(
      new Set(['o1clean', 'o2handover', 'shp-o1clean', 'shp-o2handover']),
    );
  });

  it('surfaces a publish failure (nothing reported as published)', async () => {
    await expect(
      importOlist({
        folder: dir,
        publish: async () => {
          throw new Error('broker down');
        },
      }),
    ).rejects.toThrow('broker down');
  });
});
