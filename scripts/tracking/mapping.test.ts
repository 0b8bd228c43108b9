import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ShipmentEvent } from '../../contracts';
import { applyShipmentEvent, type ShipmentRow } from '../../workers/shipment-tracker/shipment-state';
import { parseTrackingArgs } from './cli';
import { importTrackings, TrackingRefusedError } from './import';
import { mapTracking, UNMAPPED_REASON } from './mapping';
import { loadAfterShipInputs, parseAfterShipResponse, type SourcedTracking } from './read';
import { mapAfterShipStatus } from './status-map';
import { zoneOfLocation } from './zones';

/** The AfterShip fixtures next to the repository (../shared/data, see its README). */
const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'tracking', 'aftership');
const fixture = (name: string) => path.join(FIXTURES, name);

function tracking(
  checkpoints: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): SourcedTracking {
  const body = JSON.stringify({
    meta: { code: 200 },
    data: {
      tracking: {
        tracking_number: '1ZX',
        slug: 'ups',
        tag: 'InTransit',
        created_at: '2024-03-01T10:00:00+00:00',
        checkpoints,
        ...extra,
      },
    },
  });
  return parseAfterShipResponse('t.json', body)[0]!;
}

function fold(src: SourcedTracking, zone?: string): ShipmentRow {
  const m = mapTracking(src, { zone });
  if (m.kind !== 'mapped') throw new Error(m.errors.join('\n'));
  let row: ShipmentRow | undefined;
  for (const e of m.events) row = applyShipmentEvent(row, e as ShipmentEvent);
  return row!;
}

describe('AfterShip status table', () => {
  it('maps every tag, refines Exception_011 to returned, and keeps the code', () => {
    expect(mapAfterShipStatus('InTransit')).toEqual({
      kind: 'mapped',
      status: 'in_transit',
      code: 'InTransit',
    });
    expect(mapAfterShipStatus('AttemptFail', null)).toMatchObject({ status: 'failed_attempt' });
    expect(mapAfterShipStatus('Exception', 'Exception_011')).toEqual({
      kind: 'mapped',
      status: 'returned',
      code: 'Exception_011',
    });
    expect(mapAfterShipStatus('Exception', 'Exception_010')).toMatchObject({ status: 'exception' });
    expect(mapAfterShipStatus('Expired')).toMatchObject({ status: 'expired' });
  });
  it('reports unknown tags, foreign subtags and unlisted subtags instead of guessing', () => {
    expect(mapAfterShipStatus('Teleported')).toMatchObject({ kind: 'unmapped', code: 'Teleported' });
    expect(mapAfterShipStatus('InTransit', 'Delivered_001')).toMatchObject({ kind: 'unmapped' });
    expect(mapAfterShipStatus('InTransit', 'InTransit_099')).toMatchObject({
      kind: 'unknown_subtag',
      status: 'in_transit',
    });
  });
});

describe('zones of carrier locations', () => {
  it('knows single-zone countries and US states, and nothing else', () => {
    expect(zoneOfLocation({ country: 'IND' })).toBe('Asia/Kolkata');
    expect(zoneOfLocation({ country: 'US', state: 'CA' })).toBe('America/Los_Angeles');
    expect(zoneOfLocation({ country: '', state: 'NY' })).toBe('America/New_York');
    expect(zoneOfLocation({ country: 'US' })).toBeNull();
    expect(zoneOfLocation({})).toBeNull();
  });
});

describe('AfterShip tracking to events', () => {
  it('keeps the instant of a time with an offset and reads a zone-less one in its location zone', () => {
    const m = mapTracking(
      tracking([
        { checkpoint_time: '2024-03-01T12:00:00+02:00', tag: 'InTransit', message: 'A' },
        {
          checkpoint_time: '2024-03-02T09:00:00',
          tag: 'InTransit',
          message: 'B',
          state: 'CA',
          country_name: 'US',
        },
      ]),
    );
    expect(m.kind).toBe('mapped');
    if (m.kind !== 'mapped') return;
    expect(m.events.map((e) => e.time)).toEqual([
      '2024-03-01T10:00:00+00:00',
      '2024-03-01T12:00:00+02:00',
      '2024-03-02T17:00:00Z',
    ]);
    const cp = m.events[2]!;
    expect(cp.data).toMatchObject({
      status: 'in_transit',
      message: 'B',
      carrierCode: 'InTransit',
      location: 'CA, US',
    });
  });
  it('refuses a zone-less time without a known zone, naming the field, unless --zone is given', () => {
    const src = tracking([{ checkpoint_time: '2024-03-02T09:00:00', tag: 'InTransit', country_name: 'US' }]);
    const m = mapTracking(src);
    expect(m.kind).toBe('refused');
    if (m.kind === 'refused')
      expect(m.errors[0]).toMatch(
        /t\.json data\.tracking\.checkpoints\.0\.checkpoint_time: "2024-03-02T09:00:00" has no UTC offset/,
      );
    expect(fold(src, 'America/Chicago').status_time).toBe('2024-03-02T15:00:00.000Z');
  });
  it('turns an unknown code into an alert and an UNMAPPED_CARRIER_CODE exception, never in_transit', () => {
    const src = tracking([
      { checkpoint_time: '2024-03-02T09:00:00Z', tag: 'InTransit', message: 'scan' },
      { checkpoint_time: '2024-03-03T09:00:00Z', tag: 'Teleported', message: 'beamed up' },
    ]);
    const m = mapTracking(src);
    if (m.kind !== 'mapped') throw new Error('refused');
    expect(m.alerts).toEqual([expect.objectContaining({ code: 'Teleported', published: 'exception' })]);
    expect(m.events.at(-1)).toMatchObject({
      type: 'sct.shipment.exception.v1',
      data: { reasonCode: UNMAPPED_REASON, carrierCode: 'Teleported' },
    });
    expect(fold(src)).toMatchObject({ status: 'exception', exception_reason: UNMAPPED_REASON });
  });
  it('gives the same event ids on a second mapping (idempotent re-import)', () => {
    const src = tracking([
      { checkpoint_time: '2024-03-02T09:00:00Z', tag: 'Delivered', message: 'DELIVERED' },
    ]);
    const ids = (s: SourcedTracking) => {
      const m = mapTracking(s);
      return m.kind === 'mapped' ? m.events.map((e) => e.id) : [];
    };
    expect(ids(src)).toEqual(ids(src));
    expect(new Set(ids(src)).size).toBe(2);
  });
});

describe('the AfterShip fixtures', () => {
  it('map to the expected statuses (v3_in_transit needs --zone: its first scans name no place)', async () => {
    const all = await loadAfterShipInputs([FIXTURES]);
    await expect(importTrackings({ trackings: all, publish: async () => undefined })).rejects.toThrow(
      TrackingRefusedError,
    );
    const published: number[] = [];
    const summary = await importTrackings({
      trackings: all,
      zone: 'America/New_York',
      publish: async (events) => published.push(events.length),
    });
    expect(summary.statusByShipment).toEqual({
      'aftership:ups:1ZTEST091390996030': 'delivered',
      'aftership:ups:1ZTEST975432319487': 'delivered',
      'aftership:usps:9400004974650752917034': 'in_transit',
      'aftership:ups:1ZTEST244026859952': 'info_received',
      'aftership:ups:1ZTEST281590139624': 'delivered',
      'aftership:ups:1ZTEST388853933633': 'delivered',
    });
    expect(summary.alerts).toEqual([]);
    expect(published.reduce((a, b) => a + b, 0)).toBe(summary.eventsPublished);
    const inTransit = fold(
      (await loadAfterShipInputs([fixture('v3_in_transit.json')]))[0]!,
      'America/New_York',
    );
    expect(inTransit).toMatchObject({ eta: '2014-07-02T04:00:00.000Z', exception_reason: 'Exception' });
  });
});

describe('import:tracking arguments', () => {
  it('takes files and folders, --zone and --batch-size, and refuses a bad zone', () => {
    expect(parseTrackingArgs(['a.json', 'dir', '--zone', 'UTC'])).toEqual({
      paths: ['a.json', 'dir'],
      zone: 'UTC',
      batchSize: 1000,
    });
    expect(() => parseTrackingArgs(['a.json', '--zone', 'Mars/Base'])).toThrow(/--zone must be an IANA/);
    expect(() => parseTrackingArgs([])).toThrow(/at least one/);
  });
});
