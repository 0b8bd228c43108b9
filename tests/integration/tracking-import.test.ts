/**
 * The AfterShip import end to end: each fixture in ../shared/data/tracking/aftership imports
 * through the API's batch path with its expected status (asserted per fixture), a re-import
 * changes nothing, and an unknown carrier code yields an alert and an exception, not in_transit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShipmentDetail, ShipmentStatus } from '../../contracts';
import { importTrackings, loadAfterShipInputs, UNMAPPED_REASON } from '../../scripts/tracking';
import {
  repoRoot,
  publishAsImporter,
  startDeployment,
  waitFor,
  waitForWorkersCaughtUp,
  type TestDeployment,
} from '../support/harness';

const fixtures = path.resolve(repoRoot, '..', 'shared', 'data', 'tracking', 'aftership');

/** Expected status of each fixture's shipments (v3_in_transit is read with --zone America/New_York). */
const EXPECTED: Record<string, Record<string, ShipmentStatus>> = {
  'v3_delivered_ok.json': { 'aftership:ups:1ZTEST091390996030': 'delivered' },
  'v3_delivered_wild.json': { 'aftership:ups:1ZTEST975432319487': 'delivered' },
  'v3_in_transit.json': { 'aftership:usps:9400004974650752917034': 'in_transit' },
  'v4_created.json': { 'aftership:ups:1ZTEST244026859952': 'info_received' },
  'v4_delivered.json': { 'aftership:ups:1ZTEST281590139624': 'delivered' },
  'v4_trackings.json': {
    'aftership:ups:1ZTEST388853933633': 'delivered',
    'aftership:ups:1ZTEST281590139624': 'delivered',
  },
};

describe('import:tracking (live deployment)', () => {
  let d: TestDeployment;
  beforeAll(async () => {
    d = await startDeployment();
  });
  afterAll(async () => {
    await d?.close();
  });

  // As `npm run import:tracking` does: straight to Kafka (the API refuses the importer's source).
  const publish = (events: unknown[]) => publishAsImporter(d.config, events);
  const shipment = async (id: string): Promise<ShipmentDetail | null> => {
    const res = await d.api(`/api/shipments/${encodeURIComponent(id)}`);
    return res.status === 200 ? ((await res.json()) as ShipmentDetail) : null;
  };

  it('imports each fixture with its expected statuses, and a re-import changes nothing', async () => {
    for (const [file, expected] of Object.entries(EXPECTED)) {
      const trackings = await loadAfterShipInputs([path.join(fixtures, file)]);
      const summary = await importTrackings({ trackings, zone: 'America/New_York', publish });
      expect(summary.statusByShipment, file).toEqual(expected);
      expect(summary.alerts, file).toEqual([]);
      for (const [id, status] of Object.entries(expected))
        await waitFor(`${file}: ${id} ${status}`, async () => (await shipment(id))?.status === status);
    }
    const wild = await shipment('aftership:ups:1ZTEST975432319487');
    expect(wild?.exceptionReason).toBe('Exception');
    expect(wild?.timeline.find((t) => t.type === 'sct.shipment.exception.v1')?.message).toMatch(
      /STREET NUMBER/,
    );
    const usps = await shipment('aftership:usps:9400004974650752917034');
    expect(usps?.eta).toBe('2014-07-02T04:00:00.000Z');

    await waitForWorkersCaughtUp(d, 60_000);
    const ids = [...new Set(Object.values(EXPECTED).flatMap((e) => Object.keys(e)))];
    const before = await Promise.all(ids.map(shipment));
    const again = await importTrackings({
      trackings: await loadAfterShipInputs([fixtures]),
      zone: 'America/New_York',
      publish,
    });
    expect(again.eventsPublished).toBeGreaterThan(0);
    await waitForWorkersCaughtUp(d, 60_000);
    expect(await Promise.all(ids.map(shipment))).toEqual(before);
  });

  it('turns an unknown carrier code into an alert and an open exception', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sct-tracking-'));
    try {
      const body = JSON.parse(readFileSync(path.join(fixtures, 'v4_delivered.json'), 'utf8')) as {
        data: { tracking: { tracking_number: string; checkpoints: { tag: string }[] } };
      };
      body.data.tracking.tracking_number = '1ZUNKNOWNCODE';
      body.data.tracking.checkpoints.at(-1)!.tag = 'Teleported';
      writeFileSync(path.join(dir, 'odd.json'), JSON.stringify(body));
      const summary = await importTrackings({ trackings: await loadAfterShipInputs([dir]), publish });
      expect(summary.alerts).toEqual([
        expect.objectContaining({ code: 'Teleported', shipmentId: 'aftership:ups:1ZUNKNOWNCODE' }),
      ]);
      const s = await waitFor('the unmapped code as an exception', async () => {
        const row = await shipment('aftership:ups:1ZUNKNOWNCODE');
        return row?.status === 'exception' ? row : null;
      });
      expect(s.exceptionReason).toBe(UNMAPPED_REASON);
      expect(s.timeline.at(-1)?.message).toMatch(
        /unknown AfterShip tag "Teleported"; carrier said: DELIVERED/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
