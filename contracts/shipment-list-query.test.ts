import { describe, expect, it } from 'vitest';
import { shipmentListQuerySchema } from './api';

describe('shipmentListQuerySchema: traffic', () => {
  it('takes all traffic by default, real only with includeDrills=false, drill only with drillsOnly=true', () => {
    expect(shipmentListQuerySchema.parse({})).toMatchObject({ includeDrills: true, drillsOnly: false });
    expect(shipmentListQuerySchema.parse({ includeDrills: 'false' })).toMatchObject({
      includeDrills: false,
      drillsOnly: false,
    });
    expect(shipmentListQuerySchema.parse({ drillsOnly: 'true' })).toMatchObject({
      includeDrills: true,
      drillsOnly: true,
    });
  });

  it('refuses drill traffic only without drill traffic, naming drillsOnly', () => {
    const r = shipmentListQuerySchema.safeParse({ includeDrills: 'false', drillsOnly: 'true' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['drillsOnly']);
  });
});
