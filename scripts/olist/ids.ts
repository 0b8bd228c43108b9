/**
 * Deterministic event ids for imported Olist events: the same order and event type always give
 * the same UUID, so running the import twice applies nothing twice (the workers skip ids they
 * have already applied).
 */
import { v5 as uuidv5 } from 'uuid';
import type { EventType } from '../../contracts';

/** Fixed UUID v5 namespace of the Olist import. Never change it: ids of past imports derive from it. */
export const OLIST_ID_NAMESPACE = '3f032749-60cf-412e-877c-d3c0374e1d81';

/** The event id of one lifecycle event of one Olist order: UUID v5 of `<orderId>:<type>`. */
export function olistEventId(orderId: string, type: EventType): string {
  return uuidv5(`${orderId}:${type}`, OLIST_ID_NAMESPACE);
}
