/**
 * The shipment read model as a pure fold over shipment events.
 *
 * Status rule (events placed by event time, DESIGN.md "State"): the status is the one carried by
 * the status-bearing event with the latest event time, except that a terminal status (delivered,
 * returned, expired) is never replaced by a non-terminal one. So a late "in_transit" after
 * "delivered" goes into the timeline at its place and does not move the status backwards.
 */
import {
  EVENT_TYPES,
  TERMINAL_SHIPMENT_STATUSES,
  type ShipmentEvent,
  type ShipmentStatus,
} from '../../contracts';
import { maxInstant, minInstant, toUtcIso } from '../runtime/time';

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
  exception_reason: string | null;
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
    exception_reason: null,
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

/** Applies one shipment event to the shipment's row (mutates and returns it). */
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
      Object.assign(row, {
        order_id: event.data.orderId,
        carrier: event.data.carrier,
        tracking_number: event.data.trackingNumber,
        origin: event.data.origin,
        destination: event.data.destination,
        promised_date: event.data.promisedDate,
        created_at: minInstant(row.created_at, time),
      });
      break;
    case EVENT_TYPES.shipmentEtaUpdated:
      row.eta = toUtcIso(event.data.eta);
      break;
    case EVENT_TYPES.shipmentException:
      row.exception_reason = event.data.reasonCode;
      break;
    case EVENT_TYPES.shipmentDelivered:
      row.delivered_at = minInstant(row.delivered_at, time);
      break;
  }
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
      location = event.data.origin;
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
      message = event.data.signedBy ? `Delivered, signed by ${event.data.signedBy}` : 'Delivered';
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

function applyStatus(row: ShipmentRow, status: ShipmentStatus, time: string): void {
  const currentTerminal = TERMINAL_SHIPMENT_STATUSES.includes(row.status) && row.status_time !== null;
  const nextTerminal = TERMINAL_SHIPMENT_STATUSES.includes(status);
  if (currentTerminal && !nextTerminal) return;
  const later = row.status_time === null || time >= row.status_time;
  if (later || (nextTerminal && !currentTerminal)) {
    row.status = status;
    row.status_time = row.status_time === null ? time : maxInstant(row.status_time, time);
  }
}
