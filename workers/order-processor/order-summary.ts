/** Maps an `orders` row to the API's {@link OrderSummary} (camelCase, UTC ISO instants). */
import type { OrderSummary } from '../../contracts';
import type { OrderRow } from './order-state';

export function toOrderSummary(row: OrderRow): OrderSummary {
  return {
    orderId: row.order_id,
    status: row.status,
    customerId: row.customer_id,
    warehouseId: row.warehouse_id,
    siteTimeZone: row.site_time_zone,
    promisedDate: row.promised_date,
    createdAt: row.created_at,
    approvedAt: row.approved_at,
    shippedAt: row.shipped_at,
    deliveredAt: row.delivered_at,
    cancelledAt: row.cancelled_at,
    cancelReason: row.cancel_reason,
    shipmentId: row.shipment_id,
    lastEventTime: row.last_event_time,
    eventCount: row.event_count,
    isDrill: row.is_drill,
    drillId: row.drill_id,
  };
}
