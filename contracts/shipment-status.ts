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

/**
 * Precedence of the terminal statuses (higher wins; non-terminal statuses have none). A shipment
 * once delivered stays delivered whatever is reported later or earlier (a delivery is a physical
 * fact the KPIs count); a return to the sender outranks an aggregator's "expired" (tracking went
 * quiet), which is the weakest final word.
 */
export const TERMINAL_SHIPMENT_RANK: Readonly<Partial<Record<ShipmentStatus, number>>> = {
  expired: 1,
  returned: 2,
  delivered: 3,
};

/** Statuses that count as an open exception on the dashboard (DESIGN.md "exceptions"). */
export const EXCEPTION_SHIPMENT_STATUSES: readonly ShipmentStatus[] = ['exception', 'failed_attempt'];
