import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiSourceIssue, screenOrderContents } from '../../contracts';
import { mapOlistOrder, type MappingContext, type OlistItemRow, type OlistOrderRow } from '../olist';
import { buildDataset, repeatOrder } from './dataset';

const ctx: MappingContext = {
  siteTimeZone: 'America/Sao_Paulo',
  customers: new Map([['cust1', { city: 'rio de janeiro', state: 'RJ' }]]),
  sellers: new Map([['sellerA', { city: 'campinas', state: 'SP' }]]),
};

const row = (orderId: string, over: Partial<OlistOrderRow> = {}): OlistOrderRow => ({
  order_id: orderId,
  customer_id: 'cust1',
  order_status: 'delivered',
  order_purchase_timestamp: '2017-12-01 10:00:00',
  order_approved_at: '2017-12-01 10:20:00',
  order_delivered_carrier_date: '2017-12-02 15:00:00',
  order_delivered_customer_date: '2017-12-08 18:30:00',
  order_estimated_delivery_date: '2017-12-20 00:00:00',
  ...over,
});

const items = (orderId: string): OlistItemRow[] => [
  { order_id: orderId, order_item_id: '1', product_id: 'p1', seller_id: 'sellerA' },
  { order_id: orderId, order_item_id: '2', product_id: 'p1', seller_id: 'sellerA' },
];

describe('repeatOrder', () => {
  it.each([
    ['delivered', {}],
    ['cancelled after hand-over', { order_status: 'canceled', order_delivered_customer_date: '' }],
    [
      'created only',
      {
        order_status: 'created',
        order_approved_at: '',
        order_delivered_carrier_date: '',
        order_delivered_customer_date: '',
      },
    ],
  ])('gives what mapping the suffixed row gives (%s)', (_name, over) => {
    const id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const original = mapOlistOrder(row(id, over), items(id), ctx);
    const direct = mapOlistOrder(row(`${id}-r2`, over), items(id), ctx);
    if (original.kind !== 'mapped' || direct.kind !== 'mapped') throw new Error('fixture must map');
    expect(repeatOrder(id, `${id}-r2`, original.events)).toEqual(direct.events);
  });
});

describe('buildDataset', () => {
  const olist = path.resolve(__dirname, '../../../shared/data/olist');
  it.skipIf(!existsSync(olist))(
    'posts only events the API accepts: its own source, orders created first',
    async () => {
      const data = await buildDataset(olist, 2_000, 500, 1);
      const events = data.batches.flat();
      expect(events.length).toBeGreaterThanOrEqual(2_000);
      expect(events.filter((e) => apiSourceIssue(e.source, e.drillid) !== null)).toEqual([]);
      for (const batch of data.batches)
        expect(screenOrderContents(batch, new Map()).filter((v) => v !== null)).toEqual([]);
    },
    60_000, // reading the whole sample takes seconds
  );
});
