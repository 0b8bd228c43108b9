import { describe, expect, it } from 'vitest';
import { toShipmentsQuery } from './ShipmentsList';

describe('toShipmentsQuery: the traffic filter', () => {
  it('asks for all traffic, real traffic only or drill traffic only', () => {
    expect(toShipmentsQuery({})).not.toHaveProperty('includeDrills');
    expect(toShipmentsQuery({})).not.toHaveProperty('drillsOnly');
    expect(toShipmentsQuery({ traffic: 'live' })).toMatchObject({ includeDrills: false });
    expect(toShipmentsQuery({ traffic: 'live' })).not.toHaveProperty('drillsOnly');
    expect(toShipmentsQuery({ traffic: 'drill' })).toMatchObject({ drillsOnly: true });
    expect(toShipmentsQuery({ traffic: 'drill' })).not.toHaveProperty('includeDrills');
  });
});
