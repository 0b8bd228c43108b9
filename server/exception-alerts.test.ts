/** Exception alerts: only new open exceptions alert, once, in arrival order; old ones and drills never. */
import { describe, expect, it, vi } from 'vitest';
import type { ChangeNotification } from '../contracts';
import { alertFor, ExceptionAlerts, type OpenException, type OpenExceptionSource } from './exception-alerts';

/** An in-memory read model: shipment id -> its open exception (absent: none). */
function model(initial: OpenException[] = []) {
  const open = new Map(initial.map((e) => [e.shipmentId, e]));
  const source: OpenExceptionSource = {
    all: vi.fn(async () => [...open.values()]),
    among: vi.fn(async (ids: readonly string[]) =>
      ids.flatMap((id) => (open.has(id) ? [open.get(id)!] : [])),
    ),
  };
  return { open, source };
}

const ex = (shipmentId: string, since: string, reason: string | null = 'damaged'): OpenException => ({
  shipmentId,
  status: 'exception',
  reason,
  since,
});

function change(shipmentIds: string[], over: Partial<ChangeNotification> = {}): ChangeNotification {
  return {
    source: 'shipment-tracker',
    orderIds: [],
    shipmentIds,
    kpi: false,
    at: '2026-12-03T10:00:00.000Z',
    truncated: false,
    ...over,
  };
}

describe('exception alerts', () => {
  it('does not announce the exceptions open at start, only new ones, each once', async () => {
    const { open, source } = model([ex('S-OLD', '2026-12-01T08:00:00.000Z')]);
    const alerts = vi.fn();
    const watcher = new ExceptionAlerts(source, alerts);
    await watcher.prime();
    await watcher.onChange(change(['S-OLD']));
    expect(alerts).not.toHaveBeenCalled();
    open.set('S-1', ex('S-1', '2026-12-03T09:59:00.000Z', 'address_unknown'));
    await watcher.onChange(change(['S-1', 'S-OLD']));
    expect(alerts).toHaveBeenCalledTimes(1);
    expect(alerts.mock.calls[0]![0]).toEqual({
      title: 'New shipment exception',
      body: 'Shipment S-1: address unknown',
      shipmentIds: ['S-1'],
    });
    await watcher.onChange(change(['S-1'])); // another change to the same exception: no repeat
    expect(alerts).toHaveBeenCalledTimes(1);
  });

  it('announces a shipment that fails again after leaving its exception', async () => {
    const { open, source } = model();
    const alerts = vi.fn();
    const watcher = new ExceptionAlerts(source, alerts);
    await watcher.prime();
    open.set('S-1', ex('S-1', '2026-12-03T09:00:00.000Z'));
    await watcher.onChange(change(['S-1']));
    open.delete('S-1'); // back in transit
    await watcher.onChange(change(['S-1']));
    open.set('S-1', ex('S-1', '2026-12-03T09:00:00.000Z')); // same status time, after leaving: new again
    await watcher.onChange(change(['S-1']));
    open.set('S-1', {
      ...ex('S-1', '2026-12-03T11:00:00.000Z'),
      status: 'failed_attempt',
      reason: 'failed_attempt',
    });
    await watcher.onChange(change(['S-1']));
    expect(alerts.mock.calls.map(([a]) => (a as { body: string }).body)).toEqual([
      'Shipment S-1: damaged',
      'Shipment S-1: damaged',
      'Shipment S-1: failed attempt',
    ]);
  });

  it('ignores other workers, empty lists; re-primes silently after a truncated notification', async () => {
    const { open, source } = model();
    const alerts = vi.fn();
    const watcher = new ExceptionAlerts(source, alerts);
    await watcher.prime();
    open.set('S-1', ex('S-1', '2026-12-03T09:00:00.000Z'));
    await watcher.onChange(change(['S-1'], { source: 'order-processor' }));
    await watcher.onChange(change([]));
    await watcher.onChange(change([], { truncated: true }));
    await watcher.onChange(change(['S-1']));
    expect(alerts).not.toHaveBeenCalled();
    expect(source.all).toHaveBeenCalledTimes(2);
  });

  it('counts a batch in one alert, in arrival order, and keeps going after a read error', async () => {
    const { open, source } = model();
    const alerts = vi.fn();
    const errors = vi.fn();
    const watcher = new ExceptionAlerts(source, alerts, errors);
    await watcher.prime();
    vi.mocked(source.among).mockRejectedValueOnce(new Error('PostgreSQL is not reachable'));
    await watcher.onChange(change(['S-0']));
    expect(errors).toHaveBeenCalledTimes(1);
    for (const id of ['S-1', 'S-2', 'S-3', 'S-4', 'S-5']) open.set(id, ex(id, '2026-12-03T09:00:00.000Z'));
    const first = watcher.onChange(change(['S-1', 'S-2', 'S-3', 'S-4', 'S-5', 'S-1']));
    open.set('S-6', ex('S-6', '2026-12-03T09:30:00.000Z', null));
    const second = watcher.onChange(change(['S-6']));
    await Promise.all([first, second]);
    expect(alerts.mock.calls.map(([a]) => a)).toEqual([
      {
        title: '5 new shipment exceptions',
        body: 'S-1 (damaged), S-2 (damaged), S-3 (damaged), and 2 more',
        shipmentIds: ['S-1', 'S-2', 'S-3', 'S-4', 'S-5'],
      },
      { title: 'New shipment exception', body: 'Shipment S-6: exception', shipmentIds: ['S-6'] },
    ]);
  });

  it('words two or three exceptions without "more"', () => {
    expect(alertFor([ex('A', 't'), ex('B', 't')]).body).toBe('A (damaged), B (damaged)');
  });
});
