/**
 * Normalized shipment statuses: the common carrier-tracking vocabulary (the tag set used by
 * AfterShip and most tracking aggregators), lower snake case.
 */
export const SHIPMENT_STATUSES = [
  'pending',
  'info_received',
  'in_transit',
  'out_for_delivery',
  'failed_attempt',
  'available_for_pickup',
  'exception',
  'delivered',
  'returned',
  'expired',
] as const;

export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/** Statuses after which a shipment's status no longer changes on a later-arriving non-terminal event. */
export const TERMINAL_SHIPMENT_STATUSES: readonly ShipmentStatus[] = ['delivered', 'returned', 'expired'];

/** Statuses that count as an open exception on the dashboard (DESIGN.md "exceptions"). */
export const EXCEPTION_SHIPMENT_STATUSES: readonly ShipmentStatus[] = ['exception', 'failed_attempt'];
