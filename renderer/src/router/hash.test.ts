import { describe, expect, it } from 'vitest';
import { parseHash, routeHref, sectionOf, type Route } from './hash';

describe('hash router', () => {
  it('parses every screen', () => {
    expect(parseHash('')).toEqual({ name: 'dashboard' });
    expect(parseHash('#')).toEqual({ name: 'dashboard' });
    expect(parseHash('#/')).toEqual({ name: 'dashboard' });
    expect(parseHash('#/dashboard')).toEqual({ name: 'dashboard' });
    expect(parseHash('#/?from=2017-03-01&site=w-2')).toEqual({
      name: 'dashboard',
      search: 'from=2017-03-01&site=w-2',
    });
    expect(routeHref({ name: 'dashboard', search: 'site=w-2' })).toBe('#/?site=w-2');
    expect(parseHash('#/dashboard/x')).toEqual({ name: 'not-found', path: '/dashboard/x' });
    expect(parseHash('#/orders')).toEqual({ name: 'orders', search: '' });
    expect(parseHash('#/orders/')).toEqual({ name: 'orders', search: '' });
    expect(parseHash('#/orders/ord-1')).toEqual({ name: 'order', orderId: 'ord-1' });
    expect(parseHash('#/shipments/shp%3A9')).toEqual({ name: 'shipment', shipmentId: 'shp:9' });
    expect(parseHash('#/inject')).toEqual({ name: 'inject', type: null, subject: null });
    expect(parseHash('#/dead-letters')).toEqual({ name: 'dead-letters' });
    expect(parseHash('#/outbox')).toEqual({ name: 'outbox' });
    expect(parseHash('#/pipeline')).toEqual({ name: 'pipeline' });
    expect(parseHash('#/audit')).toEqual({ name: 'audit', search: '' });
    expect(parseHash('#/drills')).toEqual({ name: 'drills' });
    expect(parseHash('#/drills/runs/r-1')).toEqual({ name: 'drill-run', runId: 'r-1' });
    expect(parseHash('#/drills/other/r-1').name).toBe('not-found');
    expect(parseHash('#/audit?drillId=d-1&outcome=ok')).toEqual({
      name: 'audit',
      search: 'drillId=d-1&outcome=ok',
    });
    expect(parseHash('#/pipeline/x')).toEqual({ name: 'not-found', path: '/pipeline/x' });
    expect(parseHash('#/inject?type=sct.order.approved.v1&subject=o-1')).toEqual({
      name: 'inject',
      type: 'sct.order.approved.v1',
      subject: 'o-1',
    });
  });
  it('never turns a token hand-over into a route', () => {
    expect(parseHash('#token=secret')).toEqual({ name: 'dashboard' });
  });
  it('reports unknown paths and bad escapes as not found', () => {
    expect(parseHash('#/nope')).toEqual({ name: 'not-found', path: '/nope' });
    expect(parseHash('#/orders/a/b')).toEqual({ name: 'not-found', path: '/orders/a/b' });
    expect(parseHash('#/orders/%E0%A4%A')).toEqual({ name: 'not-found', path: '/orders/%E0%A4%A' });
  });
  it('round-trips routes through routeHref', () => {
    const routes: Route[] = [
      { name: 'dashboard' },
      { name: 'orders', search: '' },
      { name: 'orders', search: 'status=approved%2Cpicked&punctuality=late&selected=o+1' },
      { name: 'order', orderId: 'a/b c' },
      { name: 'shipment', shipmentId: 'S:1' },
      { name: 'inject', type: 'sct.order.created.v1', subject: 'o 1' },
      { name: 'inject', type: null, subject: null },
      { name: 'dead-letters' },
      { name: 'outbox' },
      { name: 'pipeline' },
      { name: 'audit', search: '' },
      { name: 'drills' },
      { name: 'drill-run', runId: '00000000-0000-4000-8000-000000000001' },
      { name: 'audit', search: 'operator=ana&page=2' },
    ];
    for (const r of routes) expect(parseHash(routeHref(r))).toEqual(r);
  });
  it('keeps the shipments filters and the exceptions page in the hash', () => {
    expect(parseHash('#/shipments')).toEqual({ name: 'shipments', filters: {} });
    expect(
      parseHash('#/shipments?status=exception&late=true&etaSlipping=false&q=o-1&page=3&bogus=1'),
    ).toEqual({
      name: 'shipments',
      filters: { status: 'exception', late: true, etaSlipping: false, q: 'o-1', page: 3 },
    });
    expect(parseHash('#/shipments?late=maybe&page=0')).toEqual({ name: 'shipments', filters: {} });
    expect(parseHash('#/shipments?traffic=drill')).toEqual({
      name: 'shipments',
      filters: { traffic: 'drill' },
    });
    // Real traffic only is the default: an old `traffic=live` link reads as it, `all` is kept.
    expect(parseHash('#/shipments?traffic=live')).toEqual({ name: 'shipments', filters: {} });
    expect(parseHash('#/shipments?traffic=all')).toEqual({ name: 'shipments', filters: { traffic: 'all' } });
    expect(parseHash('#/shipments?traffic=some')).toEqual({ name: 'shipments', filters: {} });
    expect(parseHash('#/exceptions?page=2')).toEqual({ name: 'exceptions', page: 2 });
    const routes: Route[] = [
      { name: 'shipments', filters: { carrier: 'UPS', exception: true, sort: 'eta', order: 'asc', page: 2 } },
      { name: 'shipments', filters: {} },
      { name: 'shipments', filters: { traffic: 'all', late: true } },
      { name: 'exceptions', page: 1 },
      { name: 'exceptions', page: 3, traffic: 'all' },
      { name: 'exceptions', page: 4 },
    ];
    for (const r of routes) expect(parseHash(routeHref(r))).toEqual(r);
    expect(sectionOf({ name: 'shipment', shipmentId: 'x' })).toBe('shipments');
    expect(sectionOf({ name: 'exceptions', page: 1 })).toBe('exceptions');
  });
  it('maps routes to nav sections', () => {
    expect(sectionOf({ name: 'order', orderId: 'x' })).toBe('orders');
    expect(sectionOf({ name: 'inject', type: null, subject: null })).toBe('inject');
    expect(sectionOf({ name: 'dead-letters' })).toBe('dead-letters');
    // The queued-injections view belongs to injecting.
    expect(sectionOf({ name: 'outbox' })).toBe('inject');
    expect(sectionOf({ name: 'pipeline' })).toBe('pipeline');
    expect(sectionOf({ name: 'audit', search: '' })).toBe('audit');
    expect(sectionOf({ name: 'not-found', path: '' })).toBeNull();
  });
});
