/**
 * KPI summary and series by site, with the previous range and the data's main span, against a
 * live deployment: a warehouse filter counts only that site's orders (and shipments), the
 * previous range of the same length has the figures a direct query of it gives, and one order
 * with today's time neither moves the main span nor hides the data (dataTo still reports it).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiSeries, KpiSummary } from '../../contracts';
import { configToEnv } from '../../runtime/config';
import { runKpiCli } from '../../scripts/kpi';
import { orderCreated, orderEvent, startDeployment, waitFor, type TestDeployment } from '../support/harness';

describe('KPIs by site and range (live deployment)', () => {
  let d: TestDeployment;
  const get = async <T>(p: string): Promise<T> => {
    const res = await d.api(p);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    d = await startDeployment();
    const events: unknown[] = [];
    // March and April 2024; odd orders at site w-2 (Tokyo), even at w-1 (São Paulo).
    for (let i = 0; i < 8; i++) {
      const id = `KS-${i}-${randomUUID().slice(0, 6)}`;
      const month = i < 4 ? '03' : '04';
      const day = String(10 + i).padStart(2, '0');
      const created = orderCreated(id, {
        time: `2024-${month}-${day}T12:00:00Z`,
        promisedDate: `2024-${month}-25`,
      });
      if (i % 2 === 1) created.data = { ...created.data, warehouseId: 'w-2', siteTimeZone: 'Asia/Tokyo' };
      events.push(created, orderEvent(id, 'shipped', `2024-${month}-${day}T18:00:00Z`));
      events.push(orderEvent(id, 'delivered', `2024-${month}-20T15:00:00Z`));
    }
    events.push(orderCreated(`KS-TODAY-${randomUUID().slice(0, 6)}`, { time: new Date().toISOString() }));
    const res = await d.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
    expect(res.status).toBe(202);
    await waitFor('applied', async () => {
      const k = await get<KpiSummary>('/api/kpi/summary?from=2024-01-01&to=2030-12-31');
      // The site filter reads the orders read model (order-processor), the figures the facts
      // (analytics-aggregator): wait for both workers.
      const w2 = await get<KpiSummary>('/api/kpi/summary?from=2024-01-01&to=2030-12-31&warehouse=w-2');
      return k.createdOrders === 9 && k.deliveredOrders === 8 && w2.deliveredOrders === 4;
    });
  });
  afterAll(async () => {
    await d?.close();
  });

  it('reports the main span without the stray order, and every site with its zone', async () => {
    const k = await get<KpiSummary>('/api/kpi/summary?from=2024-01-01&to=2030-12-31');
    expect(k.mainFrom).toBe('2024-03-10');
    expect(k.mainTo).toBe('2024-04-21'); // 15:00 UTC on the 20th is the 21st in Tokyo
    expect(k.outsideDays).toBe(1);
    expect(k.dataTo! > '2025-01-01').toBe(true); // the stray day is still reported as data
    expect(k.sites).toEqual([
      { warehouseId: 'w-1', timeZone: 'America/Sao_Paulo' },
      { warehouseId: 'w-2', timeZone: 'Asia/Tokyo' },
    ]);
  });

  it('counts one site only when asked, in the summary and the series', async () => {
    const all = await get<KpiSummary>('/api/kpi/summary?from=2024-03-01&to=2024-04-30');
    const w2 = await get<KpiSummary>('/api/kpi/summary?from=2024-03-01&to=2024-04-30&warehouse=w-2');
    expect(all.deliveredOrders).toBe(8);
    expect(w2.deliveredOrders).toBe(4);
    expect(w2.createdOrders).toBe(4);
    expect(w2.warehouse).toBe('w-2');
    const series = await get<KpiSeries>('/api/kpi/daily?from=2024-03-01&to=2024-04-30&warehouse=w-2');
    const sum = (k: 'created' | 'delivered') => series.points.reduce((s, p) => s + p[k], 0);
    expect(sum('created')).toBe(4);
    expect(sum('delivered')).toBe(4);
    const none = await get<KpiSummary>('/api/kpi/summary?warehouse=w-unknown');
    expect(none.createdOrders).toBe(0);
  });

  it('npm run kpi -- --warehouse prints the same figures as the API for that site', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runKpiCli(['--json', '--from=2024-03-01', '--to=2024-04-30', '--warehouse', 'w-2'], {
      env: { ...process.env, ...configToEnv(d.config) },
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
    });
    expect(code, err.join('')).toBe(0);
    const cli = JSON.parse(out.join('')) as KpiSummary;
    const api = await get<KpiSummary>('/api/kpi/summary?from=2024-03-01&to=2024-04-30&warehouse=w-2');
    expect(cli.warehouse).toBe('w-2');
    expect(cli.createdOrders).toBe(4);
    expect({ ...cli, computedAt: null }).toEqual({ ...api, computedAt: null });
  });

  it('compares a range with the previous one of the same length', async () => {
    const april = await get<KpiSummary>('/api/kpi/summary?from=2024-04-01&to=2024-04-30');
    const march = await get<KpiSummary>('/api/kpi/summary?from=2024-03-02&to=2024-03-31');
    expect(april.previous).toMatchObject({
      from: '2024-03-02',
      to: '2024-03-31',
      deliveredOrders: march.deliveredOrders,
      createdOrders: march.createdOrders,
      otd: march.otd,
    });
    expect(march.deliveredOrders).toBe(4);
    const open = await get<KpiSummary>('/api/kpi/summary?from=2024-04-01');
    expect(open.previous).toBeNull();
  });
});
