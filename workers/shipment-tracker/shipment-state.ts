/**
 * The shipment read model as a pure fold over shipment events.
 *
 * Status rule (events placed by event time, DESIGN.md "State"). Every status-bearing event
 * reports a status at its event time, whichever event type carries it (a `checkpoint` with status
 * `delivered` reports the delivery exactly as a `delivered` event does). The shipment's status is
 * the report that ranks highest:
 * - a terminal status (delivered > returned > expired, `TERMINAL_SHIPMENT_RANK`) beats any
 *   non-terminal one, so a late "in_transit" after "delivered" goes into the timeline at its place
 *   and does not move the status backwards; among reports of the same terminal status the
 *   earliest instant wins (the shipment became delivered at its first delivery scan);
 * - among non-terminal reports the latest event time wins (ties: the status further along
 *   `SHIPMENT_STATUSES`).
 * `status_time` is the winning report's event time and the time columns follow the status
 * reached, not the event type: `delivered_at` is `status_time` exactly when the status is
 * `delivered` (so the earliest delivery instant), else null. This is a maximum over the reports,
 * so the row depends on the set of events only, not on their arrival order or on duplicates.
 */
import {
  EVENT_TYPES,
  SHIPMENT_STATUSES,
  TERMINAL_SHIPMENT_RANK,
  type ShipmentEvent,
  type ShipmentStatus,
} from '../../contracts';
import { isEarlier, maxInstant, toUtcIso } from '../consumer-framework/time';

/** One `shipments` row. Instants are UTC ISO strings. */
export interface ShipmentRow {
  shipment_id: string;
  order_id: string | null;
  carrier: string | null;
  tracking_number: string | null;
  origin: string | null;
  destination: string | null;
  promised_date: string | null;
  status: ShipmentStatus;
  status_time: string | null;
  eta: string | null;
  /** Event time of the `eta_updated` event whose ETA `eta` is (the latest by event time). */
  eta_time: string | null;
  exception_reason: string | null;
  /** Event time of the exception event whose reason `exception_reason` is (the latest one). */
  exception_time: string | null;
  delivered_at: string | null;
  created_at: string | null;
  last_event_time: string | null;
  is_drill: boolean;
  drill_id: string | null;
}

/** One timeline entry (`shipment_checkpoints` row). */
export interface CheckpointRow {
  event_id: string;
  shipment_id: string;
  type: string;
  event_time: string;
  status: ShipmentStatus | null;
  location: string | null;
  message: string | null;
  drill_id: string | null;
}

/** The row of a shipment no event has been applied to yet (status `pending`, no status time). */
export function emptyShipment(shipmentId: string): ShipmentRow {
  return {
    shipment_id: shipmentId,
    order_id: null,
    carrier: null,
    tracking_number: null,
    origin: null,
    destination: null,
    promised_date: null,
    status: 'pending',
    status_time: null,
    eta: null,
    eta_time: null,
    exception_reason: null,
    exception_time: null,
    delivered_at: null,
    created_at: null,
    last_event_time: null,
    is_drill: false,
    drill_id: null,
  };
}

/** The status an event carries, if any (ETA updates carry none). */
export function statusCarriedBy(event: ShipmentEvent): ShipmentStatus | null {
  switch (event.type) {
    case EVENT_TYPES.shipmentCreated:
      return 'info_received';
    case EVENT_TYPES.shipmentCheckpoint:
      return event.data.status;
    case EVENT_TYPES.shipmentException:
      return 'exception';
    case EVENT_TYPES.shipmentDelivered:
      return 'delivered';
    default:
      return null;
  }
}

/**
 * Applies one shipment event to the shipment's row (mutates and returns it). Instants are stored
 * as UTC ISO strings with milliseconds. Applying the same events in any order, or one of them
 * twice, gives the same row (see the status rule above).
 */
export function applyShipmentEvent(current: ShipmentRow | undefined, event: ShipmentEvent): ShipmentRow {
  const row = current ?? emptyShipment(event.subject);
  const time = toUtcIso(event.time);
  const isFirst = row.last_event_time === null;
  if (isFirst && event.drillid) {
    row.is_drill = true;
    row.drill_id = event.drillid;
  }
  row.last_event_time = maxInstant(row.last_event_time, time);
  const status = statusCarriedBy(event);
  if (status !== null) applyStatus(row, status, time);
  switch (event.type) {
    case EVENT_TYPES.shipmentCreated:
      // The earliest created event says what the shipment is (as for orders: a re-sent or
      // late-arriving created with other data changes nothing, whatever the arrival order).
      if (!isEarlier(time, row.created_at)) break;
      Object.assign(row, {
        // Carrier feeds may not know the order, the places or the promise (optional fields).
        order_id: event.data.orderId ?? null,
        carrier: event.data.carrier,
        tracking_number: event.data.trackingNumber,
        origin: event.data.origin ?? null,
        destination: event.data.destination ?? null,
        promised_date: event.data.promisedDate ?? null,
        created_at: time,
      });
      break;
    case EVENT_TYPES.shipmentEtaUpdated: {
      // The latest ETA by event time (ties: the later ETA), whatever order the events arrive in.
      const eta = toUtcIso(event.data.eta);
      if (row.eta_time === null || time > row.eta_time || (time === row.eta_time && eta > (row.eta ?? ''))) {
        row.eta = eta;
        row.eta_time = time;
      }
      break;
    }
    case EVENT_TYPES.shipmentException: {
      // The latest exception's reason (ties: the greater code), whatever order they arrive in.
      const reason = event.data.reasonCode;
      const t = row.exception_time;
      if (t === null || time > t || (time === t && reason > (row.exception_reason ?? ''))) {
        row.exception_reason = reason;
        row.exception_time = time;
      }
      break;
    }
  }
  // Time columns follow the status reached, whichever event type reported it.
  row.delivered_at = row.status === 'delivered' ? row.status_time : null;
  return row;
}

/**
 * The `shipment_checkpoints` timeline entry of one event. Depends on the event alone, so the
 * shipment-tracker can record it (its idempotency check) before folding the shipment state.
 */
export function checkpointOf(event: ShipmentEvent): CheckpointRow {
  let location: string | null = null;
  let message: string | null = null;
  switch (event.type) {
    case EVENT_TYPES.shipmentCreated:
      location = event.data.origin ?? null;
      message = `Shipment created with ${event.data.carrier} (${event.data.trackingNumber})`;
      break;
    case EVENT_TYPES.shipmentCheckpoint:
      location = event.data.location ?? null;
      message = event.data.message ?? null;
      break;
    case EVENT_TYPES.shipmentEtaUpdated:
      message = `ETA updated to ${toUtcIso(event.data.eta)}`;
      break;
    case EVENT_TYPES.shipmentException:
      message = event.data.message ?? event.data.reasonCode;
      break;
    case EVENT_TYPES.shipmentDelivered:
      location = event.data.location ?? null;
      // The carrier's own text when it sent one, else a plain sentence.
      message =
        event.data.message ??
        (event.data.signedBy ? `Delivered, signed by ${event.data.signedBy}` : 'Delivered');
      break;
  }
  return {
    event_id: event.id,
    shipment_id: event.subject,
    type: event.type,
    event_time: toUtcIso(event.time),
    status: statusCarriedBy(event),
    location,
    message,
    drill_id: event.drillid ?? null,
  };
}

/**
 * True when a report of `status` at `time` outranks the current `status`/`statusTime` (UTC ISO
 * instants; `statusTime` null = no status reported yet). A strict total order on (status, time)
 * pairs, so the fold keeps the maximum: terminal rank first, then for one terminal status the
 * earlier instant, for non-terminal statuses the later instant and then the later status in
 * `SHIPMENT_STATUSES`.
 */
export function reportOutranks(
  status: ShipmentStatus,
  time: string,
  current: ShipmentStatus,
  currentTime: string | null,
): boolean {
  if (currentTime === null) return true;
  const rank = TERMINAL_SHIPMENT_RANK[status] ?? 0;
  const currentRank = TERMINAL_SHIPMENT_RANK[current] ?? 0;
  if (rank !== currentRank) return rank > currentRank;
  if (rank > 0) return time < currentTime; // the same terminal status: its earliest instant
  if (time !== currentTime) return time > currentTime;
  return SHIPMENT_STATUSES.indexOf(status) > SHIPMENT_STATUSES.indexOf(current);
}

function applyStatus(row: ShipmentRow, status: ShipmentStatus, time: string): void {
  if (reportOutranks(status, time, row.status, row.status_time)) {
    row.status = status;
    row.status_time = time;
  }
}
