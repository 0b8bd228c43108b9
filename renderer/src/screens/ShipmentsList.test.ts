import { describe, expect, it } from 'vitest';
import { toShipmentsQuery } from './ShipmentsList';

describe('toShipmentsQuery: the traffic filter', () => {
  it('asks for real traffic only by default, all traffic or drill traffic only', () => {
    expect(toShipmentsQuery({})).toMatchObject({ includeDrills: false });
    expect(toShipmentsQuery({})).not.toHaveProperty('drillsOnly');
    expect(toShipmentsQuery({ traffic: 'all' })).not.toHaveProperty('includeDrills');
    expect(toShipmentsQuery({ traffic: 'all' })).not.toHaveProperty('drillsOnly');
    expect(toShipmentsQuery({ traffic: 'drill' })).toMatchObject({ drillsOnly: true });
    expect(toShipmentsQuery({ traffic: 'drill' })).not.toHaveProperty('includeDrills');
  });
});
