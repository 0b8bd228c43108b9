/**
 * The traffic (live, or the drill that owns them) of the orders and shipments an event stream
 * names, read from the read models for drill isolation (contracts/drill-isolation.ts): by the
 * API before it publishes (server/api/commands.ts) and by every worker in its batch transaction
 * (workers/consumer-framework/drill-screen.ts).
 *
 * An entity's traffic is its own row's `drill_id`; an entity with no row yet but already named
 * as a reference (a shipment's `order_id`, an order's `shipment_id`) takes the traffic of what
 * references it, so a drill cannot later make a shipment that a real order already points at.
 */

/** Where the ids are in the statement's parameters, and an own read model that comes first. */
export interface EntityTrafficParams {
  /** Parameter holding the order ids (text[]), e.g. `$1`. */
  orders: string;
  /** Parameter holding the shipment ids (text[]). */
  shipments: string;
  /**
   * A worker's own read model of one kind of entity, which decides before the shared tables: SQL
   * with columns `subject` and `drill_id`, its ids in the parameter of that kind.
   */
  own?: { entity: 'order' | 'shipment'; sql: string };
}

/**
 * SQL giving one row per named entity that has traffic: `entity_key` (`order:<id>` or
 * `shipment:<id>`, contracts `entityKey`) and `drill_id` (null: live). An entity's own row wins
 * over a reference to it; between references, a live one wins (refusing a drill rather than
 * live traffic).
 */
export function entityTrafficSql(p: EntityTrafficParams): string {
  const own = p.own
    ? `SELECT '${p.own.entity}:' || t.subject AS entity_key, t.drill_id, 0 AS rank FROM (${p.own.sql}) t
       UNION ALL\n`
    : '';
  return `SELECT entity_key, drill_id FROM (
    SELECT DISTINCT ON (entity_key) entity_key, drill_id FROM (
      ${own}SELECT 'order:' || order_id AS entity_key, drill_id, 1 AS rank FROM orders WHERE order_id = ANY(${p.orders}::text[])
      UNION ALL
      SELECT 'order:' || order_id, drill_id, 2 FROM shipments WHERE order_id = ANY(${p.orders}::text[])
      UNION ALL
      SELECT 'shipment:' || shipment_id, drill_id, 1 FROM shipments WHERE shipment_id = ANY(${p.shipments}::text[])
      UNION ALL
      SELECT 'shipment:' || shipment_id, drill_id, 2 FROM orders WHERE shipment_id = ANY(${p.shipments}::text[])
    ) named ORDER BY entity_key, rank, drill_id NULLS FIRST) traffic`;
}
